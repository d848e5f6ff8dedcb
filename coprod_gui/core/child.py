"""Run a job in a helper process, so nothing a file does can take the window down.

Why: reading and analysing ran in a thread of the window's own process. A reader that
aborts (python-calamine does on some sheets: SIGABRT, which Python cannot catch), a
MemoryError or a native crash took the window and the officer's unsaved mapping edits
with it, and a long read could not be stopped (issue 12; reliability.md §1: "parse in a
memory-limited child process").

:class:`ChildProcess` keeps one *spawned* helper process (spawn: the same on Windows,
macOS and Linux, and safe with Qt's threads; ``multiprocessing.freeze_support()`` in
``app.main`` makes it work in the PyInstaller build). The helper imports the heavy
libraries once and then runs jobs one at a time. :meth:`ChildProcess.run` sends it a
module-level function and its arguments, relays its progress and log records, and returns
its result. While it waits it

- ends the helper at once when the job is cancelled (Cancel stops a long read now);
- watches the helper's memory and ends it before it exhausts the computer's;
- turns the helper's death (abort, crash, killed) into a plain :class:`InputError`.

A dead helper is replaced by a new one at the next job. Nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from .errors import Cancelled, CoprodError, InputError, os_error
from .memory import available_bytes, memory_error, too_big_error
from .progress import CancelFn, ProgressFn

log = logging.getLogger(__name__)

POLL_S = 0.05
MEMORY_CHECK_S = 0.25
MEMORY_SHARE = 0.85
"""The helper may use this share of the memory that was free when its job started."""


def crashed() -> InputError:
    """The plain error for a helper that died (an abort, a native crash, killed)."""
    return InputError(
        "The file stopped the helper that reads and analyses surveys (it crashed or was "
        "stopped). The window and your changes are safe.",
        hint="The file may be damaged or too big for this computer. Try saving it again "
        "from the program that made it (for example as .xlsx or .csv), or ask for a new copy.",
    )


class ChildFailed(Exception):
    """A bug inside the helper's job (its traceback, frames only, is in the log)."""


# --------------------------------------------------------------------------- kept objects
#
# Sending a 50,000-row survey to the helper for every analysis cost 1.2 s of pickling in
# the worker thread (holding the GIL: the window stalled ~300 ms). So the helper keeps
# the tables it read, the window's copies carry a key, and an analysis sends only the key
# (:class:`Kept`); a helper that no longer has them (a new helper) gets them in full.

_KEPT: dict[str, Any] = {}
_HELPER_ID = ""
KEY_ATTRIBUTE = "_helper_key"


class Kept:
    """An argument the helper may already hold: pickled as its key alone."""

    def __init__(self, key: str, obj: Any) -> None:
        self.key = key
        self.obj = obj

    def __getstate__(self) -> dict[str, Any]:
        return {"key": self.key, "obj": None}


class _Lost(Exception):
    pass


def keep_in_helper(objects: list[Any], slot: str = "tables") -> None:
    """In a helper job: keep ``objects`` for later jobs (only the latest set per ``slot``)
    and mark each with its key, which travels back to the window with it."""
    prefix = f"{_HELPER_ID}:{slot}:"
    for key in [k for k in _KEPT if k.startswith(prefix)]:
        del _KEPT[key]
    for i, obj in enumerate(objects):
        key = f"{prefix}{id(objects)}:{i}"
        _KEPT[key] = obj
        with contextlib.suppress(AttributeError, TypeError):
            setattr(obj, KEY_ATTRIBUTE, key)


def maybe_kept(obj: Any) -> Any:
    """``obj`` wrapped as :class:`Kept` when the helper was given it earlier."""
    key = getattr(obj, KEY_ATTRIBUTE, None)
    return Kept(key, obj) if isinstance(key, str) else obj


def _resolve(value: Any) -> Any:
    if isinstance(value, Kept):
        try:
            return _KEPT[value.key]
        except KeyError:
            raise _Lost() from None
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def _unwrap(value: Any) -> Any:
    if isinstance(value, Kept):
        return value.obj
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


# --------------------------------------------------------------------------- the helper


class _PipeHandler(logging.Handler):
    """Sends the helper's log records to the window's process (already made safe)."""

    def __init__(self, conn: Any) -> None:
        super().__init__()
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        from .logs import SafeFormatter

        try:
            text = SafeFormatter("%(message)s").format(record)
            self.conn.send(("log", record.name, record.levelno, text))
        except Exception:  # never let logging break a job
            pass


def _warm_up() -> None:
    """Import what the jobs use, while the officer is still choosing a file."""
    with contextlib.suppress(Exception):
        import pandas  # noqa: F401
        import statsmodels.api  # noqa: F401

        from .pipeline import analyse_tables  # noqa: F401


HELPER_NICENESS = 5
"""How much lower the helper's CPU priority is than the window's (Unix ``nice``)."""


def _lower_priority() -> None:
    """Let the window's thread win the CPU from the helper: on a busy computer (both
    cores taken) the window otherwise waited tens of ms for a core while the helper
    analysed. With a core free it changes nothing."""
    try:
        if hasattr(os, "nice"):
            os.nice(HELPER_NICENESS)
        elif os.name == "nt":  # pragma: no cover - Windows only
            import ctypes

            below_normal = 0x00004000
            kernel32 = ctypes.windll.kernel32
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
    except (OSError, AttributeError):
        log.info("the helper's priority could not be lowered")


def _serve(conn: Any, level: int, helper_id: str = "") -> None:
    """The helper's loop: run each job it is sent, send back progress, logs, the result."""
    global _HELPER_ID
    _HELPER_ID = helper_id
    _lower_priority()
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # a windowed build has no console
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    root = logging.getLogger("coprod_gui")
    root.handlers[:] = [_PipeHandler(conn)]
    root.setLevel(level)
    root.propagate = False
    _warm_up()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            return
        _, func, args, kwargs = message
        conn.send(("reply", *_run_one(conn, func, args, kwargs)))


def _run_one(conn: Any, func: Callable[..., Any], args: tuple, kwargs: dict) -> tuple:
    from .logs import capture_warnings

    last = [-1.0, ""]

    def progress(fraction: float, text: str) -> None:
        if text != last[1] or abs(fraction - last[0]) >= 0.005:
            last[:] = [fraction, text]
            conn.send(("progress", float(fraction), str(text)))

    try:
        args = tuple(_resolve(a) for a in args)
    except _Lost:
        return ("lost",)
    try:
        with capture_warnings():
            result = func(*args, progress=progress, is_cancelled=lambda: False, **kwargs)
        return ("result", result)
    except Exception as exc:
        error = _plain(exc)
        if error is not None:
            return ("error", type(error).__name__, error.message, error.hint)
        frames = "".join(traceback.format_tb(exc.__traceback__))
        return ("bug", f"{type(exc).__module__}.{type(exc).__name__}", frames)


def _plain(exc: BaseException) -> CoprodError | None:
    if isinstance(exc, CoprodError):
        return exc
    if isinstance(exc, MemoryError):
        return memory_error(exc)
    if isinstance(exc, RecursionError):
        return InputError(
            "The file is nested too deeply to read.",
            hint="Check it is the file you meant, or save it again from the program that made it.",
        )
    if isinstance(exc, OSError):
        return os_error(exc)
    return None


# --------------------------------------------------------------------------- the window's side


def _rss(pid: int) -> int | None:
    """Resident memory of a process in bytes (Linux and Windows; None elsewhere)."""
    if os.name == "nt":  # pragma: no cover - Windows only
        return _rss_windows(pid)
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _rss_windows(pid: int) -> int | None:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    class _Counters(ctypes.Structure):
        _fields_ = [
            ("cb", wintypes.DWORD),
            ("PageFaultCount", wintypes.DWORD),
            ("PeakWorkingSetSize", ctypes.c_size_t),
            ("WorkingSetSize", ctypes.c_size_t),
            ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
            ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
            ("PagefileUsage", ctypes.c_size_t),
            ("PeakPagefileUsage", ctypes.c_size_t),
        ]

    try:
        kernel32, psapi = ctypes.windll.kernel32, ctypes.windll.psapi
        handle = kernel32.OpenProcess(0x1000 | 0x0010, False, pid)  # query limited + vm read
        if not handle:
            return None
        try:
            counters = _Counters()
            counters.cb = ctypes.sizeof(_Counters)
            if not psapi.GetProcessMemoryInfo(handle, ctypes.byref(counters), counters.cb):
                return None
            return int(counters.WorkingSetSize)
        finally:
            kernel32.CloseHandle(handle)
    except (AttributeError, OSError):
        return None


class ChildProcess:
    """One spawned helper process running jobs one at a time (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._proc: Any = None
        self._conn: Any = None
        self.memory_limit: int | None = None  # bytes; None: from the memory free at start
        self._closing = False
        self._generation = 0

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.is_alive() else None

    def start(self) -> None:
        """Start the helper now (it imports the heavy libraries in the background)."""
        with self._start_lock:
            if self._proc is not None and self._proc.is_alive():
                return
            ctx = multiprocessing.get_context("spawn")
            ours, theirs = ctx.Pipe(duplex=True)
            level = logging.getLogger("coprod_gui").getEffectiveLevel()
            self._generation += 1
            helper_id = f"{os.getpid()}-{self._generation}"
            proc = ctx.Process(
                target=_serve, args=(theirs, level, helper_id), name="coprod-helper", daemon=True
            )
            proc.start()
            theirs.close()
            self._proc, self._conn = proc, ours
            log.info("helper process started (pid %d)", proc.pid)

    def _replace(self) -> None:
        """End the helper and start a fresh one at once (it imports while the officer
        reads the message), so the next job does not wait for it; not while closing."""
        self.stop()
        if not self._closing:
            with contextlib.suppress(Exception):
                self.start()

    def close(self) -> None:
        """End the helper for good (the window is closing); a later :meth:`run` would
        start a new one."""
        self._closing = True
        self.stop()

    def stop(self) -> None:
        """End the helper (the window is closing, or a job was cancelled)."""
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if proc is None:
            return
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        with contextlib.suppress(Exception):
            conn.close()

    def run(
        self,
        func: Callable[..., Any],
        args: tuple = (),
        kwargs: dict[str, Any] | None = None,
        *,
        progress: ProgressFn,
        is_cancelled: CancelFn,
        end_on_cancel: bool = True,
    ) -> Any:
        """Run ``func(*args, progress=..., is_cancelled=..., **kwargs)`` in the helper.

        ``func`` must be a module-level function and its arguments and result picklable.
        ``end_on_cancel=False`` for short jobs (a scoring preview, the brief): a cancelled
        one is let finish and its result dropped, so the helper and the survey it holds
        stay (ending it for a preview the officer clicked past cost a new helper and the
        whole survey sent again).
        Raises what the job raised when it was a :class:`CoprodError` (or a MemoryError,
        RecursionError or OSError, turned into one), :class:`Cancelled`, :func:`crashed`
        when the helper died, or :class:`ChildFailed` for a bug in the job.
        """
        with self._lock:
            self._closing = False
            self.start()
            proc, conn = self._proc, self._conn
            try:
                conn.send(("run", func, args, kwargs or {}))
                try:
                    return self._wait(proc, conn, progress, is_cancelled, end_on_cancel)
                except _Lost:  # a new helper: send the objects themselves
                    conn.send(("run", func, tuple(_unwrap(a) for a in args), kwargs or {}))
                    return self._wait(proc, conn, progress, is_cancelled, end_on_cancel)
            except (Cancelled, InputError, ChildFailed):
                raise
            except (EOFError, OSError, ValueError, TypeError) as exc:
                log.warning("helper process ended (exit code %s)", proc.exitcode)
                self._replace()
                raise crashed() from exc
            except BaseException:
                self._replace()
                raise

    def _limit(self, proc: Any) -> int | None:
        if self.memory_limit is not None:
            return self.memory_limit
        free = available_bytes()
        if free is None:
            return None
        return (_rss(proc.pid) or 0) + int(free * MEMORY_SHARE)

    def _wait(
        self,
        proc: Any,
        conn: Any,
        progress: ProgressFn,
        is_cancelled: CancelFn,
        end_on_cancel: bool = True,
    ) -> Any:
        limit = self._limit(proc)
        next_check = 0.0
        cancelled = False
        while True:
            if not cancelled and is_cancelled():
                if end_on_cancel:
                    self._replace()  # a long read ends now, not at its next check
                    raise Cancelled()
                cancelled = True  # let it finish; its result is dropped
            now = time.monotonic()
            if limit is not None and now >= next_check:
                next_check = now + MEMORY_CHECK_S
                rss = _rss(proc.pid)
                if rss is not None and rss > limit:
                    log.warning("helper process used %d MB: stopped", rss // 2**20)
                    self._replace()
                    raise too_big_error()
            if not conn.poll(POLL_S):
                if not proc.is_alive():
                    log.warning("helper process ended (exit code %s)", proc.exitcode)
                    self._replace()
                    raise crashed()
                continue
            message = _receive(conn)
            kind = message[0]
            if kind == "progress":
                if cancelled:
                    continue
                try:
                    progress(message[1], message[2])
                except Cancelled:
                    if end_on_cancel:
                        self._replace()
                        raise
                    cancelled = True
            elif kind == "log":
                _, name, level, text = message
                logging.getLogger(name).log(level, "%s", text)
            elif kind == "reply":
                result = self._reply(message[1:])
                if cancelled:
                    raise Cancelled()
                return result

    @staticmethod
    def _reply(reply: tuple) -> Any:
        kind = reply[0]
        if kind == "result":
            return reply[1]
        if kind == "lost":
            raise _Lost()
        if kind == "error":
            _, name, text, hint = reply
            if name == "Cancelled":
                raise Cancelled()
            raise InputError(text, hint=hint)
        _, name, frames = reply
        log.error("job in the helper process failed with %s:\n%s", name, frames)
        raise ChildFailed(name)


def _receive(conn: Any) -> Any:
    """One message, unpickled with the garbage collector paused: a survey's tables are
    a million new objects, and the collections they set off held the GIL (and so the
    window) for 100-300 ms at a time."""
    data = conn.recv_bytes()
    if len(data) < 1_000_000:
        return pickle.loads(data)
    enabled = gc.isenabled()
    gc.disable()
    try:
        message = pickle.loads(data)
    finally:
        if enabled:
            gc.enable()
    return message


_SHARED: ChildProcess | None = None
_SHARED_LOCK = threading.Lock()


def shared_child() -> ChildProcess:
    """The window's one helper process (started on first use)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = ChildProcess()
        return _SHARED
