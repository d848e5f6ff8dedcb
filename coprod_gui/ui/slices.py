"""Run a handler's work in turns of the event loop, so the window paints between them.

Why: the window's own thread has a budget of 50 ms per turn (issue 12: the officer can
move, resize and cancel at any moment). Showing a freshly read survey or a new analysis
is more than that when done at once (switching the page, filling every table, setting
the HTML reports, then painting it all: 60-80 ms at 50,000 rows), though each part is
small. What is on screen comes first; what is not (the data-quality report, the tables
of pages not shown) follows a turn later, after the first paint.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

SLICE_DELAY_MS = 5
"""Between two steps. Not 0: Qt runs a zero timer before the paint the step before asked
for (measured: both steps, then one 40 ms paint); a timer due a little later runs after
that paint, and after any input or timer that was waiting meanwhile."""


def in_slices(owner: QObject, *steps: Callable[[], None]) -> None:
    """Run ``steps[0]`` now and each next step in a later turn of the event loop (after
    the window has painted and answered input). Nothing runs once ``owner`` is gone."""
    if not steps:
        return
    first, rest = steps[0], steps[1:]
    first()
    if rest:
        QTimer.singleShot(SLICE_DELAY_MS, owner, lambda: in_slices(owner, *rest))
