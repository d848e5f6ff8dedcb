"""Opening another survey leaves nothing of the last one behind; help and the Open filter.

The officer's complaint (issue 13): after GSS 2010, another survey opened with the old
search text, the old scoring pane and the Report title "Co-production in GSS 2010", so a
brief could go out under another survey's title.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget

from coprod_gui.ui import window_files
from coprod_gui.ui.main_window import MainWindow

from .conftest import ANALYSIS_TIMEOUT_MS, LOAD_TIMEOUT_MS

pytestmark = pytest.mark.slow


def _second_survey(window: MainWindow, folder: Path) -> Path:
    """Another survey file: the first 400 residents of the example, as CSV."""
    path = folder / "Riverside residents 2024.csv"
    window.loaded.tables[0].frame.head(400).to_csv(path, index=False)
    return path


def test_a_new_survey_clears_the_old_title_search_preview_and_results(
    qtbot, loaded_window: MainWindow, tmp_path: Path
) -> None:
    window = loaded_window
    it, rt = window.import_tab, window.report_tab
    assert rt.survey_edit.text() == "example_survey"
    it.column_filter.setText("trust")
    it.select_construct("efficacy")
    qtbot.waitUntil(lambda: it.recode_model.rowCount() > 0, timeout=30_000)
    rt.title_edit.setText("Co-production in GSS 2010")
    rt.fieldwork_edit.setText("February to June 2010")
    rt.sampling_edit.setText("a national random sample")
    rt.contact_edit.setText("Policy team")
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS):
        it.run_button.click()
    assert window.results_tab.cards["respondents"].value.text() == "5,000"

    other = _second_survey(window, tmp_path)
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.open_files([other])
    assert rt.title_edit.text() == ""  # the brief's title falls back to the new survey's
    # the old survey's fieldwork and sample never go out under the new one; the contact is
    # the officer's, so it stays
    opts = rt.brief_options()
    assert (opts.fieldwork, opts.sampling, opts.contact) == (None, None, "Policy team")
    assert rt.survey_edit.text() == "Riverside residents 2024"
    assert window.report_tab.brief_options().survey_name == "Riverside residents 2024"
    assert it.column_filter.text() == ""
    assert window.results_tab.analysed is None
    assert window.results_tab.levels_model.rowCount() == 0
    assert window.results_tab.cards["respondents"].value.text() == "–"
    assert not rt.word_button.isEnabled()
    assert rt.browser.toPlainText() == ""
    assert window.windowTitle().startswith("Riverside residents 2024.csv")
    # The scoring pane shows the new survey's column, never the old one's answers.
    qtbot.waitUntil(lambda: it.recode_model.rowCount() > 0, timeout=30_000)
    assert it.recode_column in window.loaded.tables[0].frame.columns
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS) as done:
        it.run_button.click()
    assert done.args[0].result.n_respondents <= 400
    qtbot.waitUntil(lambda: bool(rt.browser.toPlainText()), timeout=60_000)
    assert "GSS 2010" not in rt.browser.toPlainText()
    assert "Riverside residents 2024" in rt.browser.toPlainText()


def test_reading_a_file_again_keeps_the_officers_work(qtbot, loaded_window: MainWindow) -> None:
    window = loaded_window
    window.import_tab.column_filter.setText("trust")
    window.report_tab.title_edit.setText("Our survey")
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.reread_file(0, None, 0)
    assert window.import_tab.column_filter.text() == "trust"
    assert window.report_tab.title_edit.text() == "Our survey"


def test_import_tab_has_no_tab_bar_and_says_how_sure_once_per_topic(
    loaded_window: MainWindow,
) -> None:
    it = loaded_window.import_tab
    assert it.findChildren(QTabWidget) == []  # one level of tabs: the window's own
    it.select_construct("efficacy")
    rows = [item.text() for item in it.column_items()]
    assert rows and not any("% sure" in r for r in rows)
    assert "% sure" in it.topic_label.text()
    it.show_data()
    assert it.preview_window.isVisible()
    assert it.preview_model.rowCount() == 5000


def test_help_is_a_window_with_wrapped_pages(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_window = window.help_window
    assert help_window is not None and help_window.isVisible()
    assert "Open your survey" in help_window.browser.toPlainText()
    window.show_how_to_read()
    text = help_window.browser.toPlainText()
    assert text.startswith("How to read the results")
    assert "Break down by" in text
    # Wrapped to the window: no line breaks inside a sentence of the source.
    assert help_window.browser.lineWrapMode() == help_window.browser.LineWrapMode.WidgetWidth
    assert "regularly (at least" in " ".join(text.split())


def test_open_dialog_offers_every_readable_kind_including_tab() -> None:
    from coprod_gui.core.io.reading import SUPPORTED_SUFFIXES

    offered = window_files.SURVEY_FILTER.split(";;")[0]
    assert "*.tab" in offered
    for suffix in SUPPORTED_SUFFIXES:
        assert f"*{suffix}" in offered, suffix
