"""Undo and redo, projects, "Save changes?" and the recovery copy, driven as an officer.

The complaint (issue 13): opening another survey silently discarded ~30 corrections,
reopening the file brought every bad tick back, and Ctrl+Q quit without asking.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from coprod_gui.ui import dialogs
from coprod_gui.ui.main_window import MainWindow

from .conftest import ANALYSIS_TIMEOUT_MS, LOAD_TIMEOUT_MS

pytestmark = pytest.mark.slow


def _analyse(qtbot, window: MainWindow):
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS) as blocker:
        window.import_tab.run_button.click()
    return blocker.args[0].result


def _untick_trust(window: MainWindow) -> str:
    it = window.import_tab
    it.select_construct("trust_council")
    column = it.mapping().get("trust_council")[0]
    it.set_column_checked(column, False)
    return column


def _save_to(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )


def test_undo_and_redo_every_matching_edit(qtbot, loaded_window: MainWindow) -> None:
    window = loaded_window
    it = window.import_tab
    assert "*" not in window.windowTitle()
    column = _untick_trust(window)
    assert not it.mapping().has("trust_council")
    assert window.windowTitle().startswith("example_survey.xlsx* —")  # unsaved changes
    it.select_construct("efficacy")
    it.columns_list.setCurrentRow(0)
    reversed_column = it.columns_list.currentItem().data(Qt.ItemDataRole.UserRole + 1)[1]
    was = reversed_column in it.mapping().reverse
    it.reverse_check.setChecked(not was)
    assert (reversed_column in it.mapping().reverse) is not was

    window.activateWindow()
    it.columns_list.setFocus()
    qtbot.keyClick(it.columns_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (reversed_column in it.mapping().reverse) is was  # the reverse tick is undone
    assert it.reverse_check.isChecked() is was
    window.undo_action.trigger()
    assert it.mapping().get("trust_council") == [column]
    assert "*" not in window.windowTitle()  # back where the survey was opened
    it.select_construct("trust_council")
    ticked = [
        i.data(Qt.ItemDataRole.UserRole + 1)[1]
        for i in it.column_items()
        if i.checkState() == Qt.CheckState.Checked
    ]
    assert ticked == [column]  # the editor shows the undone state
    qtbot.keyClick(
        it.columns_list,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert not it.mapping().has("trust_council")  # redone
    assert window.undo_action.text().replace("&", "").startswith("Undo Untick")


def test_save_project_reopen_same_results(
    qtbot, loaded_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = loaded_window
    _untick_trust(window)
    window.report_tab.title_edit.setText("Northshire co-production")
    window.report_tab.title_edit.textEdited.emit("Northshire co-production")
    window.report_tab.min_base_spin.setValue(20)
    first = _analyse(qtbot, window)
    target = tmp_path / "projects" / "Wave 1"
    target.parent.mkdir()
    _save_to(monkeypatch, target)
    with qtbot.waitSignal(window.project.project_saved, timeout=60_000):
        window.save_project_action.trigger()
    saved = tmp_path / "projects" / "Wave 1.coprod"
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["schema"] == "coprod-project/1"
    assert "trust_council" not in doc["mapping"]["columns"]
    assert doc["brief"]["title"] == "Northshire co-production" and doc["brief"]["min_base"] == 20
    assert window.windowTitle().startswith("Wave 1.coprod —")  # saved: no asterisk
    assert saved in window.settings.recent_projects()

    # Another survey wipes the slate; the project brings the work back.
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.open_example()
    assert window.import_tab.mapping().has("trust_council")
    assert window.report_tab.title_edit.text() == ""
    with qtbot.waitSignal(window.project.project_opened, timeout=LOAD_TIMEOUT_MS):
        window.project.open(saved)
    assert not window.import_tab.mapping().has("trust_council")
    assert window.report_tab.title_edit.text() == "Northshire co-production"
    assert window.report_tab.min_base_spin.value() == 20
    assert window.windowTitle().startswith("Wave 1.coprod —")
    second = _analyse(qtbot, window)
    assert json.loads(second.to_json())["levels"] == json.loads(first.to_json())["levels"]
    assert second.models["individual"].terms["efficacy"].estimate == pytest.approx(
        first.models["individual"].terms["efficacy"].estimate, abs=1e-12
    )
    assert "trust_council" in second.drivers_not_mapped


def test_save_changes_is_asked_before_quitting_with_edits(
    qtbot, loaded_window: MainWindow, save_questions, tmp_path: Path, monkeypatch
) -> None:
    window = loaded_window
    window.close()  # nothing changed: closes without a question
    assert save_questions.asked == []
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    _untick_trust(window)
    save_questions.answers.append("cancel")
    window.import_tab.columns_list.setFocus()
    qtbot.keyClick(
        window.import_tab.columns_list, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
    )
    assert len(save_questions.asked) == 1 and "example_survey" in save_questions.asked[0]
    assert window.isVisible()  # Cancel keeps the window and the work

    save_questions.answers.append("save")
    _save_to(monkeypatch, tmp_path / "kept.coprod")
    with qtbot.waitSignal(window.project.project_saved, timeout=60_000):
        window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert (tmp_path / "kept.coprod").is_file()  # saved, then closed


def test_save_changes_is_asked_before_opening_another_survey(
    qtbot, loaded_window: MainWindow, save_questions
) -> None:
    window = loaded_window
    _untick_trust(window)
    save_questions.answers.append("cancel")
    window.open_example()
    assert len(save_questions.asked) == 1
    assert not window.busy and not window.import_tab.mapping().has("trust_council")
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.open_example()  # "discard" this time
    assert window.import_tab.mapping().has("trust_council")


def test_a_crash_leaves_a_recovery_copy_that_is_offered_next_time(
    qtbot, loaded_window: MainWindow, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = loaded_window
    column = _untick_trust(window)
    recovery = window.project.recovery_path()
    qtbot.waitUntil(recovery.is_file, timeout=30_000)  # written a moment after the edit
    doc = json.loads(recovery.read_text(encoding="utf-8"))
    assert "trust_council" not in doc["mapping"]["columns"]

    # The next start (the crashed window never closed): the work is offered back.
    monkeypatch.setattr(dialogs, "ask_yes_no", lambda *a: True)
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    with qtbot.waitSignal(second.project.project_opened, timeout=LOAD_TIMEOUT_MS):
        assert second.project.offer_recovery()
    assert not second.import_tab.mapping().has("trust_council")
    assert column not in second.import_tab.mapping().get("trust_council")
    assert "*" in second.windowTitle()  # recovered work is not saved anywhere yet
    for runner in second.runners():
        runner.shutdown(timeout_ms=30_000)
    window.project.remove_recovery()
    assert not recovery.exists()
