"""Progress and cancellation hooks shared by every long-running core function.

Core functions take keyword-only ``progress`` and ``is_cancelled`` hooks that default to
doing nothing, so the same code runs in tests, on the command line and in the window's
worker thread (the pattern of Orange's ``wrap_callback``, without Qt).

Example
-------
>>> seen = []
>>> sub = slice_progress(lambda f, m: seen.append(round(f, 2)), 0.5, 1.0)
>>> sub(0.5, "half of the second half")
>>> seen
[0.75]
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import Cancelled

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]


def no_progress(fraction: float, message: str) -> None:
    """Default progress hook: ignore."""


def never_cancelled() -> bool:
    """Default cancel hook: never cancelled."""
    return False


def slice_progress(progress: ProgressFn, start: float, end: float) -> ProgressFn:
    """Map a sub-step's 0–1 progress into ``[start, end]`` of the parent's range."""
    span = end - start

    def sub(fraction: float, message: str) -> None:
        progress(start + span * min(max(fraction, 0.0), 1.0), message)

    return sub


def check_cancelled(is_cancelled: CancelFn) -> None:
    """Raise :class:`Cancelled` if the user asked to stop. Call between steps."""
    if is_cancelled():
        raise Cancelled()


class heartbeat:
    """Keep progress moving while one long call runs that cannot report by itself (a
    library reading a whole SPSS file, a workbook sheet): every ``every`` seconds,
    ``progress(fraction, f"{message}: {n} s so far")`` from a background thread.

    Why: a window or terminal that shows the same line for half a minute looks frozen
    (issue 11: "42% Finding the data" for 28 s). Nothing is reported for calls shorter
    than ``every``.
    """

    def __init__(
        self, progress: ProgressFn, fraction: float, message: str, every: float = 1.0
    ) -> None:
        import threading

        self._progress, self._fraction, self._message, self._every = (
            progress,
            fraction,
            message,
            every,
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="progress-heartbeat", daemon=True)

    def _run(self) -> None:
        import time

        start = time.monotonic()
        while not self._stop.wait(self._every):
            seconds = int(time.monotonic() - start)
            self._progress(self._fraction, f"{self._message}: {seconds} s so far")

    def __enter__(self) -> heartbeat:
        if self._progress is not no_progress:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
