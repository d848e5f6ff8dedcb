"""The variable view and the answers table: what the analysis will do, editable, undoable.

The complaints (issue 13): no way to fix a score in the window; the preview said every
age band "will be treated as missing" while the models used age, and the weight showed
"score 0 of 0–…"; guesses arrived pre-ticked and nothing asked the officer to confirm.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from coprod_gui.ui.main_window import MainWindow

from .conftest import ANALYSIS_TIMEOUT_MS

pytestmark = pytest.mark.slow

COLUMN_ROLE = Qt.ItemDataRole.UserRole + 1


def _analyse(qtbot, window: MainWindow):
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS) as blocker:
        window.import_tab.run_button.click()
    return blocker.args[0].result


def _open(qtbot, window: MainWindow, topic: str) -> str:
    """Open the first mapped question of ``topic``; wait for its answers."""
    it = window.import_tab
    column = it.mapping().get(topic)[0]
    row = it.variable_model.row_of(column)
    assert row >= 0
    it.variable_view.setCurrentIndex(it.variable_model.index(row, 0))
    qtbot.waitUntil(
        lambda: it.recode_column == column and it.recode_model.rowCount() > 0, timeout=30_000
    )
    return column


def test_variable_view_lists_every_matched_question(qtbot, loaded_window: MainWindow) -> None:
    window = loaded_window
    it = window.import_tab
    mapping = it.mapping()
    mapped = [c for cols in mapping.columns.values() for c in cols]
    qtbot.waitUntil(lambda: not it.missing_definitions(), timeout=30_000)
    assert [r.column for r in it.variable_model.rows] == mapped
    statuses = {r.status for r in it.variable_model.rows}
    assert statuses <= {"confirmed", "to check", "held back"}
    assert "to check" in statuses  # the program's guesses say so
    row = it.variable_model.rows[0]
    assert row.kind in ("frequency", "yes-no", "scale")
    # The topic list says "to check" once per topic, not on every column.
    it.select_construct(row.topic)
    assert it.constructs_list.currentItem().text().endswith("to check")
    # The reverse tick in the variable view is the same as the one above.
    index = it.variable_model.index(0, 3)
    it.variable_model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert row.column in it.mapping().reverse
    window.undo_action.trigger()
    assert row.column not in it.mapping().reverse


def test_preview_says_what_the_analysis_does_with_age_and_weight(
    qtbot, loaded_window: MainWindow
) -> None:
    window = loaded_window
    it = window.import_tab
    if it.mapping().has("age"):
        _open(qtbot, window, "age")
        what = it.recode_model.column_values("What happens")
        used = [w for w in what if not w.startswith("missing")]
        assert used and all(w.startswith(("age ", "the number")) for w in used), what
    if it.mapping().has("weight"):
        _open(qtbot, window, "weight")
        what = " ".join(it.recode_model.column_values("What happens"))
        assert "used as a weight" in what and "score 0 of" not in what


def test_edit_a_score_changes_preview_and_analysis_and_undo_restores(
    qtbot, loaded_window: MainWindow
) -> None:
    window = loaded_window
    it = window.import_tab
    first = _analyse(qtbot, window)
    window.tabs.setCurrentWidget(it)
    column = _open(qtbot, window, "efficacy")
    model = it.recode_model
    answers = model.column_values("Answer")
    scores = model.column_values("Score")
    top_row = max((i for i, s in enumerate(scores) if s), key=lambda i: float(scores[i]))
    top_answer = answers[top_row]
    before = model.column_values("What happens")

    # The officer: this answer is not a real answer here; tick Missing.
    with qtbot.waitSignal(window.preview_shown, timeout=30_000):
        model.setData(
            model.index(top_row, model.MISSING),
            Qt.CheckState.Checked.value,
            Qt.ItemDataRole.CheckStateRole,
        )
    row = model.column_values("Answer").index(top_answer)
    assert model.cell(row, 4).startswith("missing")  # the preview follows
    assert it.mapping().definitions[column].answer(model.key(row)).missing
    assert "*" in window.windowTitle()
    second = _analyse(qtbot, window)
    n1, n2 = first.models["individual"].n, second.models["individual"].n
    e1 = first.models["individual"].terms["efficacy"].estimate
    e2 = second.models["individual"].terms["efficacy"].estimate
    assert (n2, e2) != (n1, e1)  # the analysis changed with the score

    # Typing a score over the answer puts it back on the scale.
    window.tabs.setCurrentWidget(it)
    # The edited question was to check again, so that run asked and "Confirm all" was
    # the last step; undo it, then the edit.
    assert window.undo_action.text().replace("&", "") == "Undo Confirm all questions"
    window.undo_action.trigger()
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: model.column_values("What happens") == before, timeout=30_000)
    third = _analyse(qtbot, window)
    assert third.models["individual"].terms["efficacy"].estimate == pytest.approx(e1, abs=1e-12)
    assert third.models["individual"].n == n1

    window.tabs.setCurrentWidget(it)
    qtbot.waitUntil(lambda: it.recode_column == column, timeout=30_000)
    with qtbot.waitSignal(window.preview_shown, timeout=30_000):
        model.setData(model.index(top_row, model.SCORE), "0", Qt.ItemDataRole.EditRole)
    row = model.column_values("Answer").index(top_answer)
    assert model.cell(row, 2) == "0" and model.cell(row, 4).startswith("counts as 0 of")


def test_unconfirmed_topics_are_asked_about_once(
    qtbot, loaded_window: MainWindow, confirm_questions
) -> None:
    window = loaded_window
    it = window.import_tab
    qtbot.waitUntil(lambda: not it.missing_definitions(), timeout=30_000)
    to_check, _held = it.unconfirmed()
    assert to_check
    confirm_questions.answers.append("check")
    done: list[object] = []
    window.analysis_done.connect(done.append)
    it.run_button.click()
    assert len(confirm_questions.asked) == 1
    assert all(topic in confirm_questions.asked[0] for topic in to_check)
    assert not window.busy and done == []  # "Let me check": nothing ran
    current = it.variable_view.currentIndex()
    assert current.isValid() and it.variable_model.rows[current.row()].status != "confirmed"

    _analyse(qtbot, window)  # "Confirm all" this time
    assert len(confirm_questions.asked) == 2
    assert it.unconfirmed()[0] == []
    assert {r.status for r in it.variable_model.rows} <= {"confirmed", "held back"}
    _analyse(qtbot, window)
    assert len(confirm_questions.asked) == 2  # asked once, not on every run
    window.undo_action.trigger()  # "Confirm all" is one step of undo
    assert it.unconfirmed()[0] == to_check
