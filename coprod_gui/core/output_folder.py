"""One run, one consistent output folder.

Why: an officer shares the folder ``analyse`` writes (results.json, mapping.json,
brief.docx, results.xlsx) as one set. Writing each file straight into it let a failed run
replace some files and not others, two runs at once mix their outputs, and a killed run
leave ``.tmp`` files behind (issue 12, item 10). So a run

1. takes a lock beside the folder (a second run into the same folder is refused);
2. removes what a killed earlier run left behind (staging folders, ``.tmp`` files);
3. writes everything into a private staging folder beside ``--out`` (same disk, so the
   final moves are renames);
4. only when every file is written, puts them in: where the folder holds nothing but
   earlier outputs (or does not exist), by swapping the two folders in one rename
   (Linux renameat2 RENAME_EXCHANGE; a plain rename for a new folder), so no moment
   shows a mix; otherwise it marks the staging folder complete and moves the files in
   one by one (a run killed while moving is finished by the next run's step 2).

Nothing here knows what the files are: the caller writes into :attr:`Staging.folder`.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .errors import InputError, raise_os_error

log = logging.getLogger(__name__)

STAGING_TAG = ".coprod-run-"
LOCK_TAG = ".coprod-lock"
COMPLETE_MARK = "COMPLETE"
"""Written (atomically) into a staging folder once all its files are complete."""


class FolderBusy(InputError):
    """Another run is writing into the same output folder."""


def _work_place(out: Path) -> tuple[Path, str]:
    """Where the lock and staging folders go: beside ``out`` (``.<name>.coprod-…``), or
    inside it (``.coprod-…``) when its parent is not ours to write in (``--out ~``)."""
    parent = out.parent
    if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK) and out.name:
        return parent, f".{out.name}"
    out.mkdir(parents=True, exist_ok=True)
    return out, ""


def _staging_dirs(base: Path, prefix: str) -> list[Path]:
    start = f"{prefix}{STAGING_TAG}"
    try:
        return [p for p in base.iterdir() if p.name.startswith(start) and p.is_dir()]
    except OSError:
        return []


def _try_lock(fd: int) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


def _lock(path: Path) -> int:
    """Open and lock ``path``; returns the descriptor, or raises :class:`FolderBusy`.

    An OS lock (flock / msvcrt), so a killed run never leaves the folder locked. The lock
    file is removed on release; a run that opened it just before that sees the file at
    the path is no longer its own and tries again.
    """
    for _ in range(20):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            break
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except OSError:
            same = False
        if same:
            return fd
        os.close(fd)
    raise FolderBusy(
        f"Another analysis is writing into {path.name.split(LOCK_TAG)[0].lstrip('.')!r} right now.",
        hint="Wait for it to finish, or choose another output folder with --out.",
    )


def _commit(staging: Path, out: Path) -> None:
    """Move every file of a complete staging folder into ``out`` (re-runnable)."""
    out.mkdir(parents=True, exist_ok=True)
    for item in sorted(staging.iterdir()):
        if item.name == COMPLETE_MARK or not item.is_file():
            continue
        os.replace(item, out / item.name)
    _fsync_dir(out)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange_available() -> bool:
    return sys.platform.startswith("linux")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 RENAME_EXCHANGE); False if the system
    or the file system cannot."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


class OutputFolder:
    """``with OutputFolder(out) as staging:`` write files into ``staging``, then call
    :meth:`commit`; leaving the block without committing changes nothing in ``out``.

    Entering takes the lock (:class:`FolderBusy` if another run holds it), tidies what
    killed runs left behind, and makes the private staging folder.
    """

    def __init__(self, out: Path) -> None:
        self.out = Path(os.path.abspath(out))
        self.folder: Path | None = None
        self._fd: int | None = None
        self._lock_file: Path | None = None

    def __enter__(self) -> Path:
        out = self.out
        if out.exists() and not out.is_dir():
            raise InputError(
                f"The output folder {out.name!r} is a file, not a folder.",
                hint="Choose another output folder with --out.",
            )
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            base, prefix = _work_place(out)
            self._lock_file = base / f"{prefix}{LOCK_TAG}"
            self._fd = _lock(self._lock_file)
            try:
                self.recover(base, prefix)
                self.folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{STAGING_TAG}", dir=base))
            except BaseException:
                self._release()
                raise
        except OSError as exc:
            raise_os_error(exc, out)
        return self.folder

    def __exit__(self, *exc: object) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        self._release()

    def _release(self) -> None:
        if self._fd is None:
            return
        if self._lock_file is not None:
            with contextlib.suppress(OSError):
                self._lock_file.unlink()  # still holding the lock (fails on Windows: fine)
        os.close(self._fd)
        self._fd = None

    def _swap(self, names: list[str]) -> bool:
        """Replace the whole folder in one rename when it holds nothing but earlier
        outputs (or does not exist yet): then no moment ever shows a mix of two runs,
        not even if the run is killed while its files go in. False: move file by file."""
        assert self.folder is not None
        out = self.out
        if not out.exists():
            os.chmod(self.folder, 0o777 & ~_umask())
            os.rename(self.folder, out)
            _fsync_dir(out.parent)
            return True
        try:
            extra = [p for p in out.iterdir() if p.name not in names or not p.is_file()]
        except OSError:
            return False
        if extra or not _exchange_available():
            return False
        os.chmod(self.folder, out.stat().st_mode & 0o7777)
        if not _exchange(self.folder, out):
            return False
        _fsync_dir(out.parent)
        return True  # the staging path now holds the previous outputs: removed on exit

    def recover(self, base: Path, prefix: str) -> int:
        """Tidy what killed runs left: finish a complete run's moves, delete the rest."""
        found = 0
        for staging in sorted(_staging_dirs(base, prefix)):
            found += 1
            if (staging / COMPLETE_MARK).is_file():
                log.info("finishing the moves of a run stopped while moving its files")
                with contextlib.suppress(OSError):
                    _commit(staging, self.out)
            shutil.rmtree(staging, ignore_errors=True)
        if self.out.is_dir():
            for tmp in self.out.glob(".*.tmp"):  # atomic_write's (".results.json.x1y2.tmp")
                found += 1
                with contextlib.suppress(OSError):
                    tmp.unlink()
        if found:
            log.info("removed %d temporary item(s) left by an earlier run", found)
        return found

    def commit(self) -> list[Path]:
        """Put the run's files into ``out`` as one step where the system allows, else mark
        the run complete and move them in one by one; returns their paths."""
        assert self.folder is not None, "commit() inside the with block"
        from .io.files import atomic_write_text

        names = sorted(p.name for p in self.folder.iterdir() if p.is_file())
        try:
            _fsync_dir(self.folder)
            if not self._swap(names):
                atomic_write_text(self.folder / COMPLETE_MARK, "\n".join(names) + "\n")
                _fsync_dir(self.folder)
                _commit(self.folder, self.out)
        except OSError as exc:
            raise_os_error(exc, self.out)
        return [self.out / n for n in names]
