"""The window's own thread does only what it must (issue 12: no stall over 50 ms).

Not timed tests (the machine is shared and noisy; ``benchmarks/bench_responsiveness.py``
measures the stalls). These check the shape that keeps the stalls short:

- what an analysis hands the window holds no survey-sized data (unpickling the prepared
  survey's frame in the worker held the GIL, and so the window, for ~48 ms at 50,000 rows);
- a page that is not on screen is filled when it is shown (or a turn later), not while
  the visible page is being shown;
- a freshly read survey is shown in turns of the event loop: the first paint does not
  wait for the variable view and the data-quality report.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from coprod_gui.core.survey.constructs import BY_NAME
from coprod_gui.ui.main_window import MainWindow

from .conftest import ANALYSIS_TIMEOUT_MS, LOAD_TIMEOUT_MS


def _big_arrays(obj: Any, rows: int, path: str = "analysed", seen: set[int] | None = None) -> list:
    """Every pandas/numpy object of at least ``rows`` rows reachable from ``obj``."""
    seen = set() if seen is None else seen
    if id(obj) in seen or isinstance(obj, str | bytes | int | float | bool | type(None)):
        return []
    seen.add(id(obj))
    if isinstance(obj, pd.DataFrame | pd.Series | pd.Index | np.ndarray):
        return [path] if len(obj) >= rows else []
    if isinstance(obj, dict):
        items = [(f"{path}[{k!r}]", v) for k, v in obj.items()]
    elif isinstance(obj, list | tuple | set | frozenset):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(obj)]
    elif dataclasses.is_dataclass(obj):
        items = [(f"{path}.{f.name}", getattr(obj, f.name)) for f in dataclasses.fields(obj)]
    elif hasattr(obj, "__dict__"):
        items = [(f"{path}.{k}", v) for k, v in vars(obj).items()]
    else:
        return []
    found: list[str] = []
    for where, value in items:
        found += _big_arrays(value, rows, where, seen)
    return found


def _analyse(qtbot, window: MainWindow) -> Any:
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS) as blocker:
        window.import_tab.run_button.click()
    return blocker.args[0]


def test_an_analysis_hands_the_window_no_survey_sized_data(qtbot, loaded_window) -> None:
    window = loaded_window
    rows = len(window.loaded.tables[0].frame)
    assert rows == 5000
    analysed = _analyse(qtbot, window)
    assert _big_arrays(analysed, rows) == []
    # What the window shows of the prepared survey is still there: its quality report.
    assert analysed.quality is not None and analysed.quality.rows_per_file
    assert "5,000 rows" in window.import_tab.quality_view.toPlainText()
    assert analysed.result.n_respondents > 0


def test_a_hidden_results_page_is_filled_when_shown(qtbot, loaded_window) -> None:
    window = loaded_window
    analysed = _analyse(qtbot, window)
    rt = window.results_tab
    assert rt.drivers_model.rowCount() > 0  # filled by the time the analysis is shown
    rt.topic_tabs.setCurrentIndex(0)
    rt.clear()
    rt.set_result(analysed, window.report_tab.brief_options())
    assert rt.levels_model.rowCount() > 0  # the page on screen: at once
    assert rt.drivers_model.rowCount() == 0  # the page not shown: not yet
    assert rt.canvases["levels"].canvas is not None and rt.canvases["drivers"].canvas is None
    rt.topic_tabs.setCurrentWidget(rt.drivers_page)
    assert rt.canvases["drivers"].canvas is not None
    names = [rt.drivers_model.cell(r, 0) for r in range(rt.drivers_model.rowCount())]
    assert BY_NAME["efficacy"].label in names
    assert rt.diagnostics_view.toPlainText().startswith("Notes on these results")


def test_a_read_survey_is_shown_before_its_details(qtbot, window) -> None:
    seen: list[tuple[int, str]] = []

    def on_loaded_returned(*_a: Any) -> None:
        it = window.import_tab
        seen.append((it.variable_model.rowCount(), it.quality_view.toPlainText()))

    original = window._on_loaded

    def wrapped(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        on_loaded_returned()

    window._on_loaded = wrapped  # the load job's callback looks it up on the window
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.open_example()
    assert window.stack.currentWidget() is window.tabs
    assert seen == [(0, "")]  # the first paint came before the details
    it = window.import_tab
    assert it.variable_model.rowCount() > 0
    assert "5,000 rows" in it.quality_view.toPlainText()


def _refuse_here(*_a: Any, **_k: Any) -> Any:
    raise AssertionError("this work belongs in the helper process, not the window's")


def test_previews_and_the_brief_are_worked_out_in_the_helper(
    qtbot, loaded_window, monkeypatch
) -> None:
    """The window's process neither stacks a column nor writes the brief: in its worker
    thread both held the GIL, which the window needs to paint. (The helper is another
    process, so the functions refused here still work there.)"""
    from coprod_gui.report import brief as brief_module
    from coprod_gui.ui import definition_jobs

    window = loaded_window
    monkeypatch.setattr(definition_jobs, "define_column", _refuse_here)
    monkeypatch.setattr(brief_module, "build_brief", _refuse_here)
    it = window.import_tab
    it.select_construct("efficacy")
    with qtbot.waitSignal(window.preview_shown, timeout=30_000) as shown:
        it.columns_list.setCurrentRow(1)
        it.columns_list.setCurrentRow(0)
    assert shown.args[0].rows and shown.args[0].topic == "efficacy"
    assert it.recode_model.rowCount() == len(shown.args[0].rows)
    with qtbot.waitSignal(window.brief_shown, timeout=ANALYSIS_TIMEOUT_MS) as brief:
        _analyse(qtbot, window)
    assert "%" in brief.args[0]


def test_the_recovery_copy_waits_for_a_running_job(qtbot, loaded_window) -> None:
    """Queued behind an analysis, the recovery copy was written in the worker thread
    while the result was being shown; now it waits until the job is over."""
    import threading

    window = loaded_window
    release = threading.Event()
    window._start(lambda _p, _c: release.wait(30), "Analysing", lambda _r: None, "x")
    window.project.mark_options_dirty()
    window.project.write_recovery()
    assert not window.project.recovery_runner.busy  # not started behind the job
    assert window.project._recovery_timer.isActive()  # tried again later
    release.set()
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
    qtbot.waitUntil(window.project.recovery_path().is_file, timeout=30_000)
