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
this process, and so it does when no core was free while the analysis began.
``COPROD_ANALYSIS_PROCESSES=1`` turns lanes off.

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
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from ..runtime import usable_cores

log = logging.getLogger(__name__)

LANES_FROM = 200_000
"""From this many respondents a second process is worth its start (about 0.05 s for the
fork of a process holding a million-row survey, against about 2 s of models it takes on)."""

_PR_SET_PDEATHSIG = 1


def cpu_times() -> tuple[float, float] | None:
    """(free, total) processor time of the whole machine so far, in clock ticks, from
    /proc/stat (Linux); None where there is no such file. Free is idle time plus time
    given to niced (lower-priority) work, which yields to us, less this process's own
    time when this process is itself niced (the window's helper runs at nice 5)."""
    try:
        with open("/proc/stat", "rb") as fh:
            fields = fh.readline().split()[1:9]
        tick = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, AttributeError):
        return None
    values = [float(v) for v in fields]
    if len(values) < 5:
        return None
    _user, niced, _system, idle, iowait = values[:5]
    free = idle + iowait + niced
    if os.getpriority(os.PRIO_PROCESS, 0) > 0:
        own = os.times()
        free -= (own.user + own.system) * tick
    return free, sum(values)


def available(n_rows: int, since: tuple[float, float] | None = None) -> bool:
    """Whether a second process should take a lane for a survey of ``n_rows``.

    ``since``: :func:`cpu_times` taken when the analysis started. A second process only
    helps when a core is free: with every core busy it only competes (measured 14 %
    slower than one process with both cores taken by other work). Free means at least
    half a core idle (or running niced work) on average since ``since`` (this process
    kept one core busy meanwhile); without ``since``, the 1-minute load average below cores − 0.5 (which
    lags: it still counts work that ended up to a minute ago).
    """
    if os.environ.get("COPROD_ANALYSIS_PROCESSES", "").strip() == "1":
        return False
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    cores = usable_cores()
    if cores < 2 or n_rows < LANES_FROM:
        return False
    now = cpu_times() if since is not None else None
    if since is not None and now is not None and now[1] - since[1] > 0:
        machine = os.cpu_count() or cores
        idle_cores = (now[0] - since[0]) / (now[1] - since[1]) * machine
        return idle_cores >= 0.5
    try:
        busy = os.getloadavg()[0]
    except OSError:
        return True
    return busy < cores - 0.5


def _die_with_parent() -> None:
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Lane:
    """The values of ``fn(*args)`` (an iterable) produced in a forked process, one by one.

    Each value is pickled through a pipe as soon as it is made, so the caller can use the
    first while the lane works on the next. :meth:`next` returns ``(True, value)``, or
    ``(False, None)`` once the lane has failed in any way (an error, a crash, a value
    that cannot be pickled): the caller then makes that value, and the ones after it,
    itself. :meth:`close` ends a lane still running.
    """

    def __init__(self, fn: Callable[..., Iterable[Any]], *args: Any) -> None:
        self._pid: int | None = None
        self._inp: BinaryIO | None = None
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
                with os.fdopen(write, "wb") as out:
                    for value in fn(*args):
                        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                        out.write(len(payload).to_bytes(8, "little") + payload)
                        out.flush()
                status = 0
            except BaseException:
                status = 1
            finally:
                os._exit(status)  # no atexit handlers, no flushing of the caller's buffers
        os.close(write)
        self._pid, self._inp = pid, os.fdopen(read, "rb")

    def next(self) -> tuple[bool, Any]:
        """The lane's next value (waits for it), or ``(False, None)`` if it failed."""
        if self._inp is None:
            return False, None
        try:
            head = self._inp.read(8)
            size = int.from_bytes(head, "little") if len(head) == 8 else -1
            data = self._inp.read(size) if size >= 0 else b""
            if size < 0 or len(data) != size:
                raise EOFError("the second process ended early")
            return True, pickle.loads(data)
        except Exception:
            log.info("The second analysis process did not finish; its part runs here")
            self.close()
            return False, None

    def close(self) -> None:
        """End the lane if it is still running (done, cancelled or failed)."""
        if self._inp is not None:
            with contextlib.suppress(OSError):
                self._inp.close()
            self._inp = None
        if self._pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(self._pid, 0)
            self._pid = None
