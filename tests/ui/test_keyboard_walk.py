"""A keyboard-only walk from Open to Export (issue 13, "What it must show").

Only key events on the focused widget: no mouse, no slot called. The one thing replaced is
the operating system's file dialog (a native window the test cannot type into): the
function that asks for a path returns one. The "Check the guesses?" question is the real
one, answered with its keyboard mnemonic.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QTableView, QWidget
from shiboken6 import isValid

from coprod_gui.core.survey.example import example_survey_paths
from coprod_gui.ui import dialogs
from coprod_gui.ui.main_window import MainWindow

from .conftest import ANALYSIS_TIMEOUT_MS, LOAD_TIMEOUT_MS, REAL_ASK_CONFIRM

pytestmark = pytest.mark.slow

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


def _focus(window: MainWindow) -> QWidget:
    widget = QApplication.focusWidget()
    return widget if widget is not None else window


def _press(window: MainWindow, key: Qt.Key, mods: Qt.KeyboardModifier = NONE) -> None:
    QTest.keyClick(_focus(window), key, mods)


def _tab_to(window: MainWindow, name: str, limit: int = 40) -> QWidget:
    """Press Tab until the widget whose accessible name is ``name`` has the focus."""
    for _ in range(limit):
        _press(window, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is not None and widget.accessibleName() == name:
            return widget
    raise AssertionError(f"Tab never reached {name!r}")


def _answer_modal_with(key: Qt.Key, mods: Qt.KeyboardModifier, asked: list[str]) -> None:
    """Once a modal question is up and active, press ``key`` in it (as the officer would);
    if the key does not answer it within a few seconds, close it (the test then fails
    on ``asked``/the result instead of hanging)."""
    tries = {"n": 0}

    def press() -> None:
        box = QApplication.activeModalWidget()
        tries["n"] += 1
        if box is None or (QApplication.activeWindow() is not box and tries["n"] < 50):
            if box is not None:
                box.activateWindow()
            QTimer.singleShot(20, press)
            return
        asked.append(box.windowTitle())
        QTest.keyClick(box.focusWidget() or box, key, mods)
        QTimer.singleShot(3_000, lambda: isValid(box) and box.isVisible() and box.reject())

    QTimer.singleShot(0, press)


def test_open_to_export_by_keyboard_alone(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dialogs, "ask_confirm", REAL_ASK_CONFIRM)
    survey = example_survey_paths()[0]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(survey)], ""))
    )
    out = tmp_path / "brief"
    out.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(out))
    )
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)

    # Ctrl+O opens the survey.
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        _press(window, Qt.Key.Key_O, CTRL)
    it = window.import_tab
    qtbot.waitUntil(lambda: not it.missing_definitions(), timeout=30_000)
    # The focus is somewhere useful at once: the list of matched questions.
    assert QApplication.focusWidget() is it.variable_view

    # Down arrow to the second question, Enter opens its answers, Tab leaves the table.
    _press(window, Qt.Key.Key_Down)
    chosen = it.variable_model.rows[it.variable_view.currentIndex().row()].column
    _press(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: it.recode_column == chosen, timeout=30_000)
    assert QApplication.focusWidget() is it.recode_view
    confirm = _tab_to(window, "Confirm this question")
    assert confirm is it.confirm_button and confirm.isEnabled()
    _press(window, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: it.variable_model.rows[it.variable_model.row_of(chosen)].status == "confirmed",
        timeout=10_000,
    )
    # Tab reaches the Run button through every pane of the tab without getting stuck.
    passed: list[str] = []
    for _ in range(30):
        _press(window, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        passed.append(widget.accessibleName() if widget is not None else "")
        if widget is it.run_button:
            break
    assert passed[-1] == "Run analysis", passed
    assert isinstance(it.variable_view, QTableView) and "Data quality report" in passed

    # Ctrl+R runs; the question about the other guesses is answered with Alt+C.
    asked: list[str] = []
    _answer_modal_with(Qt.Key.Key_C, ALT, asked)
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS) as blocker:
        _press(window, Qt.Key.Key_R, CTRL)
    assert asked == ["Check the guesses?"]
    result = blocker.args[0].result
    assert window.tabs.currentWidget() is window.results_tab

    # Offscreen there is no window manager to give the window back its activation when
    # the question closes (a desktop does); without it no widget can have the focus.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    # The focus is on the Results tab (the first headline card), not lost with the Run
    # button that the tab change hid.
    assert QApplication.focusWidget() is window.results_tab.cards["respondents"]
    # Tab walks the Results tab: into the levels table and out of it again.
    names = [_tab_to(window, "Break the levels down by").accessibleName()]
    for _ in range(6):
        _press(window, Qt.Key.Key_Tab)
        names.append(QApplication.focusWidget().accessibleName())
    assert "How common co-production is" in names
    assert len(set(names)) >= 4, names  # not stuck cell by cell in the table
    # Ctrl+Tab moves on to the Report tab; Ctrl+1 and Ctrl+3 jump there directly.
    _press(window, Qt.Key.Key_Tab, CTRL)
    assert window.tabs.currentWidget() is window.report_tab
    _press(window, Qt.Key.Key_1, CTRL)
    assert window.tabs.currentWidget() is window.import_tab
    _press(window, Qt.Key.Key_3, CTRL)
    assert window.tabs.currentWidget() is window.report_tab
    assert _tab_to(window, "Export the brief to Word").isEnabled()

    # Ctrl+Shift+E saves the brief and the workbook into the folder chosen.
    with qtbot.waitSignal(window.export_done, timeout=ANALYSIS_TIMEOUT_MS):
        _press(window, Qt.Key.Key_E, CTRL | Qt.KeyboardModifier.ShiftModifier)
    docx, xlsx = out / "brief.docx", out / "results.xlsx"
    assert docx.is_file() and xlsx.is_file()

    import docx as python_docx
    import openpyxl

    text = "\n".join(p.text for p in python_docx.Document(str(docx)).paragraphs)
    assert f"{result.n_respondents:,}" in text
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    wb.close()
    assert result.n_respondents in cells


def _mnemonic(text: str) -> str | None:
    """The letter after a single '&' ("Remove fi&le" gives "l"), or None."""
    i = text.replace("&&", "").find("&")
    stripped = text.replace("&&", "")
    return stripped[i + 1].lower() if 0 <= i < len(stripped) - 1 else None


def test_no_two_alt_keys_of_one_tab_clash(window: MainWindow) -> None:
    """Alt+letter must do one thing: two buttons (or a button and a menu) with the same
    letter only move the focus between them. Seen: Alt+A was both "Add files…" and the
    "worded against" tick, Alt+V "Remove file" and the View menu, Alt+E "Export to Excel"
    and the Edit menu, Alt+T the brief's title and the appendix tick."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    menus = [_mnemonic(a.text()) for a in window.menuBar().actions()]
    assert None not in menus and len(set(menus)) == len(menus)
    for page in (window.welcome, window.import_tab, window.results_tab, window.report_tab):
        letters = list(menus)
        for w in page.findChildren(QAbstractButton) + page.findChildren(QLabel):
            if isinstance(w, QLabel) and w.buddy() is None:
                continue
            letter = _mnemonic(w.text())
            if letter is not None:
                letters.append(letter)
        clashes = {x for x in letters if letters.count(x) > 1}
        assert not clashes, (type(page).__name__, sorted(clashes))
