"""The Results tab's controls do what they say, and the charts fit the window.

- "Break down by" changes the levels chart as well as the table;
- the council choice applies to the council breakdown and is disabled for the others
  (levels are not crossed council by age or gender);
- charts are drawn in the worker at the size of their page (and at 150% scaling with
  1.5 times the pixels), so nothing is clipped at 1024×700.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QTableView

from coprod_gui.ui import jobs
from coprod_gui.ui.main_window import MainWindow

from .conftest import ANALYSIS_TIMEOUT_MS

pytestmark = pytest.mark.slow


def _analyse(qtbot, window: MainWindow):
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS) as blocker:
        window.import_tab.run_button.click()
    return blocker.args[0]


def test_chart_follows_break_down_by_and_council(qtbot, loaded_window: MainWindow) -> None:
    window = loaded_window
    window.resize(1024, 700)
    result = _analyse(qtbot, window).result
    rt = window.results_tab
    councils = sorted(result.authorities)
    alt = rt.canvases["levels"].alt_text
    assert all(c in alt for c in councils)  # by council at first
    ages = list(result.levels_by["age_band"]["individual"])
    assert not any(f"{a}:" in alt for a in ages)

    with qtbot.waitSignal(window.charts_shown, timeout=60_000):
        rt.grouping_combo.setCurrentIndex(rt.grouping_combo.findData("age_band"))
    alt = rt.canvases["levels"].alt_text
    assert sum(f"{a}:" in alt for a in ages) >= 2  # the chart now shows age bands
    assert not any(c in alt for c in councils)
    assert rt.levels_model.column_values("Age band")[1:] == [
        a for a in ages if a in rt.levels_model.column_values("Age band")
    ]
    assert not rt.council_combo.isEnabled()  # no council-by-age figures exist

    with qtbot.waitSignal(window.charts_shown, timeout=60_000):
        rt.grouping_combo.setCurrentIndex(rt.grouping_combo.findData("authority"))
    assert rt.council_combo.isEnabled()
    with qtbot.waitSignal(window.charts_shown, timeout=60_000):
        rt.council_combo.setCurrentText(councils[0])
    alt = rt.canvases["levels"].alt_text
    assert councils[0] in alt and not any(c in alt for c in councils[1:])
    assert rt.levels_model.column_values("Council") == ["All residents", councils[0]]


def test_charts_fit_their_page_at_1024_by_700(qtbot, loaded_window: MainWindow) -> None:
    window = loaded_window
    window.resize(1024, 700)
    _analyse(qtbot, window)
    rt = window.results_tab
    for index, name in enumerate(("levels", "drivers", "efficacy")):
        rt.topic_tabs.setCurrentIndex(index)
        canvas = rt.canvases[name]
        qtbot.waitUntil(lambda c=canvas: c.canvas.matches(), timeout=30_000)
        # As wide as the page gives it: no part of the chart is outside the view.
        assert canvas.canvas.width() <= canvas.scroll.viewport().width()
        assert canvas.canvas.width() >= 280
        assert canvas.canvas.rect().right() < canvas.scroll.viewport().width()

    # A bigger window: the chart is drawn again, wider, once the resizing stops.
    rt.topic_tabs.setCurrentIndex(0)
    before = rt.canvases["levels"].canvas.width()
    with qtbot.waitSignal(window.charts_shown, timeout=60_000):
        window.resize(1400, 900)
    qtbot.waitUntil(lambda: rt.canvases["levels"].canvas.matches(), timeout=30_000)
    assert rt.canvases["levels"].canvas.width() > before


def test_charts_are_drawn_with_more_pixels_at_150_percent(qtbot, loaded_window) -> None:
    analysed = _analyse(qtbot, loaded_window)
    request = jobs.ChartRequest(sizes={"levels": (600, 400)}, pixel_ratio=1.5, only=("levels",))
    charts = jobs.render_charts(analysed.result, None, request)
    chart = charts["levels"]
    assert (chart.width, chart.pixel_ratio) == (900, 1.5)
    assert chart.logical_size[0] == 600 and chart.logical_size[1] >= 400
    assert len(chart.rgba) == chart.width * chart.height * 4


def test_tables_let_tab_move_on_and_buttons_explain_themselves(
    qtbot, loaded_window: MainWindow
) -> None:
    window = loaded_window
    _analyse(qtbot, window)
    for view in window.findChildren(QTableView):
        assert not view.tabKeyNavigation(), view.accessibleName()
        if view.parent() is window.results_tab or window.results_tab.isAncestorOf(view):
            # results tables wrap a long group name instead of eliding it ('Brac…ncil')
            assert view.wordWrap() and view.textElideMode() == Qt.TextElideMode.ElideNone
        else:
            assert view.textElideMode() == Qt.TextElideMode.ElideMiddle
    rt = window.results_tab
    rt.topic_tabs.setCurrentIndex(0)
    rt.levels_view.setFocus()
    qtbot.waitUntil(rt.levels_view.hasFocus)
    qtbot.keyClick(rt.levels_view, Qt.Key.Key_Tab)
    assert not rt.levels_view.hasFocus()  # Tab left the table
    for button in window.findChildren(QAbstractButton):
        if button.text() and button.isVisible():
            assert button.toolTip(), button.text()
