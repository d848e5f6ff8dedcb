"""Safe file writing: every file the product writes goes through :func:`atomic_write`.

The data is written to a temporary file in the target's folder, flushed to disk, then
renamed over the target in one step, so a crash, a full disk or a cancelled export leaves
either the old file or the new one, never a truncated mix. On Windows the rename is
retried briefly, because antivirus and OneDrive hold new files open for a moment; a file
that stays locked (open in Word or Excel) becomes a plain-English :class:`InputError`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError

_RETRY_WINERRORS = {5, 32, 33}


def _read_umask() -> int:
    """The process umask (read once at import, while only one thread runs)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_read_umask()
"""mkstemp creates 0600 files; outputs get the mode a normal save would give them."""


def atomic_write(path: str | os.PathLike[str], write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(fh)`` on a temp file beside ``path``, then rename it into place."""
    target = Path(path)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"Cannot create the folder {folder.name!r}.",
            hint="Choose a folder you can write to.",
        ) from exc
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(
            f"Cannot write in the folder {folder.name!r}.",
            hint="Choose a folder you can write to, or free some disk space.",
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if os.name == "posix":
            os.chmod(tmp, _FILE_MODE)
        _replace_with_retry(tmp, target)
    except OSError as exc:
        raise InputError(
            f"Could not save {target.name!r}: {exc.strerror or 'the disk refused the write'}.",
            hint="Check there is free disk space and that the file is not open in another program.",
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return target


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return atomic_write(path, lambda fh: fh.write(data))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (with ``\\n`` line endings)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _replace_with_retry(tmp: Path, target: Path, attempts: int = 10) -> None:
    for i in range(attempts):
        try:
            os.replace(tmp, target)
            return
        except PermissionError as exc:
            winerror = getattr(exc, "winerror", None)
            locked = winerror in _RETRY_WINERRORS or (winerror is None and target.exists())
            if i == attempts - 1 or not locked:
                raise InputError(
                    f"Could not save {target.name!r} because it is open in another program "
                    "or read-only.",
                    hint="Close it (for example in Word or Excel) and try again, "
                    "or save under another name.",
                ) from exc
            time.sleep(0.1 * (i + 1))
