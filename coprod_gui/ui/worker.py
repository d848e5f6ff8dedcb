"""Run long jobs (reading, preparing, analysing, exporting) off the GUI thread.

Why this shape (Orange's ``ConcurrentMixin``, Picard's ``run_task``): a job is a plain
function ``job(progress, is_cancelled) -> result`` that never touches a widget; the
:class:`TaskRunner` runs it on a ``QThreadPool`` thread and reports back only through
signals, which Qt delivers on the GUI thread.

- Starting a new job cancels the running one and disconnects it: each run has an id, and
  anything a stale run emits is dropped, so an old result can never replace a new one.
- Every outcome is a signal: ``finished(result)``, ``failed(message, hint)`` or
  ``cancelled()``; the runnable's ``try/except/finally`` guarantees one of them, so the
  window's busy state always clears (reliability.md §5: an exception in a worker
  otherwise leaves the UI busy forever).
- Reading and analysing go one step further, into a helper process
  (:mod:`coprod_gui.core.child`, used by :mod:`.jobs`): the pool thread only waits for
  it, so a file that crashes a reader ends the helper, never the window.
- :class:`~coprod_gui.core.errors.CoprodError` carries a plain message and hint that are
  shown as they are; anything else is a bug: the traceback goes to the log only, and the
  user sees a generic message that says where the log is.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..core.errors import Cancelled, CoprodError

log = logging.getLogger(__name__)

Job = Callable[[Callable[[float, str], None], Callable[[], bool]], Any]

UNEXPECTED_MESSAGE = "Something went wrong inside the program."


def safe_traceback(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """The frames of a traceback and the exception's type, without its message."""
    frames = "".join(traceback.format_tb(tb)) if tb is not None else ""
    return f"Traceback (most recent call last):\n{frames}{exc_type.__module__}.{exc_type.__name__}"


def log_file_hint() -> str:
    """Where the details of an unexpected error were written, for the message box."""
    for handler in logging.getLogger("coprod_gui").handlers:
        if isinstance(handler, logging.FileHandler):
            return (
                f"The details were written to the log file {handler.baseFilename}. "
                "Please send it to your IT support or the program's maintainers."
            )
    return "Please try again; if it happens again, restart the program."


# --------------------------------------------------------------------------- the GIL and GC
#
# A worker thread stalls the GUI thread whenever it holds the GIL in one long C call.
# Measured on a 50,000-row survey, the longest such calls were Python's own full (gen 2)
# garbage collections: 100-240 ms each, scanning every object of pandas, statsmodels and
# matplotlib. Two measures keep them off the job's path:
#   - warm_up_imports() loads the heavy libraries once and freezes them (gc.freeze), so no
#     collection ever scans them again;
#   - while a job runs, full collections wait (young generations are still collected, so
#     short-lived cycles are freed); the normal thresholds return when the job ends.

_GC_LOCK = threading.Lock()
_GC_JOBS = 0
_GC_SAVED: tuple[int, int, int] | None = None
_GC_JOB_THRESHOLD2 = 1_000_000


@contextlib.contextmanager
def _full_collections_deferred() -> Any:
    global _GC_JOBS, _GC_SAVED
    with _GC_LOCK:
        if _GC_JOBS == 0:
            _GC_SAVED = gc.get_threshold()
            gc.set_threshold(_GC_SAVED[0], _GC_SAVED[1], _GC_JOB_THRESHOLD2)
        _GC_JOBS += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_JOBS -= 1
            if _GC_JOBS == 0 and _GC_SAVED is not None:
                gc.set_threshold(*_GC_SAVED)


def warm_up_imports() -> None:
    """Import the heavy libraries (off the GUI thread) and exempt them from future garbage
    collections, so the first job is faster and no collection stalls the window."""
    try:
        from ..core.child import shared_child

        shared_child().start()  # the helper that reads and analyses imports meanwhile
    except Exception:
        log.info("the helper process could not be started now; the first job will try again")
    try:
        import matplotlib.backends.backend_agg
        import matplotlib.figure  # noqa: F401
        import pandas  # noqa: F401
        import statsmodels.api  # noqa: F401

        from .jobs import _import_for_results

        _import_for_results()  # what showing a result needs, off the GUI thread
    except Exception:
        log.info("background import warm-up failed; the first job will import instead")
        return
    gc.collect()
    gc.freeze()


class _RunSignals(QObject):
    """Signals of one run (a QRunnable is not a QObject, so it cannot emit by itself)."""

    progress = Signal(int, float, str)
    finished = Signal(int, object)
    failed = Signal(int, str, str)
    cancelled = Signal(int)


class _Run(QRunnable):
    """One job on a pool thread; always emits exactly one of finished/failed/cancelled."""

    def __init__(self, run_id: int, name: str, job: Job) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.run_id = run_id
        self.name = name
        self.job = job
        self.signals = _RunSignals()
        self.cancel_event = threading.Event()
        self.done = threading.Event()
        self._last: tuple[float, str] = (-1.0, "")
        self._last_time = 0.0

    def is_cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def progress(self, fraction: float, message: str) -> None:
        """Throttled: emit when the bar moves by 1% or the message changes (at most ~30/s)."""
        if self.cancel_event.is_set():
            raise Cancelled()
        last_fraction, last_message = self._last
        now = time.monotonic()
        moved = abs(fraction - last_fraction) >= 0.01 or message != last_message
        if moved and (now - self._last_time >= 0.03 or message != last_message):
            self._last = (fraction, message)
            self._last_time = now
            self.signals.progress.emit(self.run_id, float(fraction), str(message))

    def _emit(self, name: str, *args: Any) -> None:
        """Emit one of the run's signals; nothing when the window has gone (shutdown ends
        the helper under a running job, whose failure then has nobody to tell)."""
        with contextlib.suppress(RuntimeError):  # "Signal source has been deleted"
            getattr(self.signals, name).emit(self.run_id, *args)

    def run(self) -> None:
        emitted = False
        try:
            with _full_collections_deferred():
                result = self.job(self.progress, self.is_cancelled)
            if self.cancel_event.is_set():
                raise Cancelled()
            self._emit("finished", result)
            emitted = True
        except Cancelled:
            log.info("%s cancelled", self.name)
            self._emit("cancelled")
            emitted = True
        except CoprodError as exc:
            log.info("%s stopped: %s", self.name, type(exc).__name__)
            self._emit("failed", exc.message, exc.hint or "")
            emitted = True
        except Exception as exc:
            # Frames and the exception type only: its message may quote a survey cell.
            log.error(
                "%s failed unexpectedly:\n%s",
                self.name,
                safe_traceback(type(exc), exc.__traceback__),
            )
            self._emit("failed", UNEXPECTED_MESSAGE, log_file_hint())
            emitted = True
        finally:
            if not emitted:  # BaseException (e.g. SystemExit) inside a job
                self._emit("failed", UNEXPECTED_MESSAGE, log_file_hint())
            self.done.set()


class TaskRunner(QObject):
    """Runs one job at a time off the GUI thread; a new job replaces the running one.

    Signals (all delivered on the GUI thread, only for the current run):

    - ``started(str)``: the job's name, when a job starts;
    - ``progress(float, str)``: fraction 0–1 and a plain-English step;
    - ``finished(object)``: the job's return value;
    - ``failed(str, str)``: a plain message and a hint of what to do;
    - ``cancelled()``;
    - ``busy_changed(bool)``: True when a job starts, False when it has ended in any way.
    """

    started = Signal(str)
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str, str)
    cancelled = Signal()
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one heavy job at a time: no fight for the GIL
        self._run_id = 0
        self._current: _Run | None = None
        self._live: list[_Run] = []
        self.name = ""

    @property
    def busy(self) -> bool:
        return self._current is not None

    @property
    def run_id(self) -> int:
        return self._run_id

    def start(self, job: Job, name: str = "job") -> int:
        """Cancel and disconnect any running job, then run ``job`` on a pool thread."""
        self._drop_current(notify=False)
        self._run_id += 1
        run = _Run(self._run_id, name, job)
        run.signals.progress.connect(self._on_progress)
        run.signals.finished.connect(self._on_finished)
        run.signals.failed.connect(self._on_failed)
        run.signals.cancelled.connect(self._on_cancelled)
        self._current = run
        self._live = [r for r in self._live if not r.done.is_set()] + [run]
        self.name = name
        log.info("starting %s (run %d)", name, run.run_id)
        self.started.emit(name)
        self.busy_changed.emit(True)
        self._pool.start(run)
        return run.run_id

    def cancel(self) -> None:
        """Ask the running job to stop; the busy state clears at once (its result is dropped)."""
        if self._current is None:
            return
        self._drop_current(notify=True)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Wait for every started job to end (at shutdown and in tests)."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel the running job and wait briefly for its thread (window closing)."""
        from ..core.child import shared_child

        shared_child().close()  # first: a job ended now must not start a new helper
        self._drop_current(notify=False)
        for run in self._live:
            run.cancel_event.set()
        self._pool.waitForDone(timeout_ms)

    # ---------------------------------------------------------------------- internals

    def _drop_current(self, *, notify: bool) -> None:
        run = self._current
        if run is None:
            return
        run.cancel_event.set()
        for signal, slot in (
            (run.signals.progress, self._on_progress),
            (run.signals.finished, self._on_finished),
            (run.signals.failed, self._on_failed),
            (run.signals.cancelled, self._on_cancelled),
        ):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        self._current = None
        if notify:
            log.info("%s cancelled by the user (run %d)", run.name, run.run_id)
            self.cancelled.emit()
            self.busy_changed.emit(False)

    def _is_current(self, run_id: int) -> bool:
        return self._current is not None and run_id == self._current.run_id

    def _end(self) -> None:
        self._current = None
        self.busy_changed.emit(False)

    def _on_progress(self, run_id: int, fraction: float, message: str) -> None:
        if self._is_current(run_id):
            self.progress.emit(fraction, message)

    def _on_finished(self, run_id: int, result: object) -> None:
        if self._is_current(run_id):
            self._end()
            self.finished.emit(result)

    def _on_failed(self, run_id: int, message: str, hint: str) -> None:
        if self._is_current(run_id):
            self._end()
            self.failed.emit(message, hint)

    def _on_cancelled(self, run_id: int) -> None:
        if self._is_current(run_id):
            self._end()
            self.cancelled.emit()
