"""One part of an analysis in a second process, while this process does the rest.

Why a process and not a thread: every model step is a few passes over an n×p design, and
the heavy part of a pass is a matrix product; numpy holds the interpreter lock through a
matrix product, so two threads measured no faster than one (2026-12-01, this 2-core
machine), and the maths library's own threads were 5-8 times slower here (they spin
while they wait for a core; ``runtime.limit_blas_threads``). Two processes run two
products side by side at full speed. The index models and the participation models are
independent (different outcomes, their own designs), so at a million respondents one
lane runs beside the other.

How: ``os.fork`` (Linux only), so the second process starts at once and shares the
prepared data with this one without copying (pages are copied only when written; the
data are only read). The lane's result comes back pickled through a pipe. Anything that
goes wrong in the lane (an error, a crash, a result that cannot be pickled) makes the
caller run that part itself, in this process, as it would without lanes: a figure never
depends on whether a second process was used (the same code runs on the same data, so
the numbers are identical either way). On Windows and macOS (no safe ``fork``: spawned
processes would copy the data) and below ``LANES_FROM`` respondents everything runs in
this process. ``COPROD_ANALYSIS_PROCESSES=1`` turns lanes off.

The second process dies with this one (``PR_SET_PDEATHSIG``): cancelling an analysis in
the window ends the helper process, and its lane with it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

LANES_FROM = 200_000
"""From this many respondents a second process is worth its start (about 0.05 s for the
fork of a process holding a million-row survey, against about 2 s of models it takes on)."""

_PR_SET_PDEATHSIG = 1


def available(n_rows: int) -> bool:
    """Whether a second process should take a lane for a survey of ``n_rows``."""
    if os.environ.get("COPROD_ANALYSIS_PROCESSES", "").strip() == "1":
        return False
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores >= 2 and n_rows >= LANES_FROM


def _die_with_parent() -> None:
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Lane:
    """``fn(*args)`` started in a forked process; :meth:`result` waits for its value.

    ``result`` returns ``(True, value)``, or ``(False, None)`` when the lane failed in any
    way (the caller then runs ``fn`` itself). :meth:`close` ends a lane still running.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self._pid: int | None = None
        self._read: int | None = None
        read, write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the lane: never returns
            status = 1
            try:
                os.close(read)
                _die_with_parent()
                if os.getppid() != parent:  # the caller died before prctl took effect
                    os._exit(1)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                try:
                    payload = pickle.dumps((True, fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:
                    payload = pickle.dumps((False, None))
                with os.fdopen(write, "wb") as out:
                    out.write(payload)
                status = 0
            finally:
                os._exit(status)  # no atexit handlers, no flushing of the caller's buffers
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> tuple[bool, Any]:
        """The lane's value (waits for it), or ``(False, None)`` if it failed."""
        if self._read is None:
            return False, None
        try:
            with os.fdopen(self._read, "rb") as inp:
                self._read = None
                data = inp.read()
            ok, value = pickle.loads(data) if data else (False, None)
        except Exception:
            ok, value = False, None
        self._reap()
        if not ok:
            log.info("The second analysis process did not finish; its part runs here")
        return bool(ok), value

    def close(self) -> None:
        """End the lane if it is still running (the analysis was cancelled or failed)."""
        if self._read is not None:
            with contextlib.suppress(OSError):
                os.close(self._read)
            self._read = None
        if self._pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> None:
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(self._pid, 0)
            self._pid = None
