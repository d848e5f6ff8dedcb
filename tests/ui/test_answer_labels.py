"""File → Import answer labels… (issue 13 item 3): a codes-only survey gets its words.

A file of bare codes shows "1", "2", … and scores them in number order; a codebook (the
reader ``analyse --codebook`` uses) gives them words, the scores follow the words' scale
(here the codebook says 1 = Always, so code 1 scores highest), topics that can now be
recognised are matched, and one undo brings the codes back.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod_gui.ui.main_window import MainWindow

from .conftest import ANALYSIS_TIMEOUT_MS, LOAD_TIMEOUT_MS, Shown

pytestmark = pytest.mark.slow

FREQUENCY = ["Always", "Often", "Sometimes", "Rarely", "Never"]  # coded 1..5, highest first
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


def _codes_only_survey(folder: Path) -> Path:
    rng = np.random.default_rng(7)
    n = 240
    frame = pd.DataFrame(
        {
            "council": rng.choice(["North", "South"], n),
            "Q1": rng.integers(1, 6, n),
            "Q2": rng.integers(1, 6, n),
            "Q3": rng.integers(1, 6, n),
        }
    )
    path = folder / "codes.csv"
    frame.to_csv(path, index=False)
    return path


def _codebook(folder: Path) -> Path:
    lines = ["variable,value,label,question"]
    questions = {
        "Q1": ("In the last 12 months, how often have you volunteered for a local group?",
               FREQUENCY),
        "Q2": ("In the last 12 months, how often have you attended a public meeting about "
               "local services?", FREQUENCY),
        "Q3": ("To what extent do you agree or disagree that people like you can influence "
               "decisions in your local area?", AGREE),
    }  # fmt: skip
    for variable, (question, labels) in questions.items():
        for code, label in enumerate(labels, 1):
            lines.append(f'{variable},{code},{label},"{question if code == 1 else ""}"')
    path = folder / "dictionary.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _answers(window: MainWindow) -> dict[str, str]:
    model = window.import_tab.recode_model
    return dict(zip(model.column_values("Answer"), model.column_values("Score"), strict=True))


def _open_q1(qtbot, window: MainWindow, first: str) -> dict[str, str]:
    """Open Q1 in the answers table; wait for its answer ``first``; answers and scores."""
    it = window.import_tab
    row = it.variable_model.row_of("Q1")
    assert row >= 0
    it.variable_view.setCurrentIndex(it.variable_model.index(row, 0))
    qtbot.waitUntil(lambda: it.recode_column == "Q1" and first in _answers(window), timeout=30_000)
    return _answers(window)


def test_a_codebook_gives_a_codes_only_survey_its_words_and_undo_takes_them_back(
    qtbot, window: MainWindow, tmp_path: Path, messages: list[Shown]
) -> None:
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.open_files([_codes_only_survey(tmp_path)])
    it = window.import_tab
    # Bare codes: nothing can be recognised, so the officer ticks Q1 by hand.
    assert not it.mapping().has("collective_coproduction")
    it.select_construct("collective_coproduction")
    it.set_column_checked("Q1", True)
    codes = _open_q1(qtbot, window, "1")
    assert codes == {"1": "0", "2": "1", "3": "2", "4": "3", "5": "4"}  # number order
    assert window.labels_action.isEnabled()

    with qtbot.waitSignal(window.labels_imported, timeout=LOAD_TIMEOUT_MS) as blocker:
        window.import_labels(_codebook(tmp_path))
    assert blocker.args[0].thread_id != threading.get_ident()  # read off the GUI thread
    words = _open_q1(qtbot, window, "1 = Always")
    # The words, with the file's code; the scores follow the scale, not the code order.
    assert words == {
        "1 = Always": "4", "2 = Often": "3", "3 = Sometimes": "2", "4 = Rarely": "1",
        "5 = Never": "0",
    }  # fmt: skip
    row = it.variable_model.rows[it.variable_model.row_of("Q1")]
    assert row.kind == "frequency"
    assert row.question.startswith("In the last 12 months, how often have you volunteered")
    # Topics recognisable now that the answers have words are matched (still to check).
    assert it.mapping().get("efficacy") == ["Q3"]
    assert it.variable_model.rows[it.variable_model.row_of("Q3")].status == "to check"
    assert "Answer labels for 3 questions came from dictionary.csv" in (
        window.status_label.text()
    )

    # One undo step: the codes, their number-order scores and the old matching come back.
    assert window.undo_action.text().replace("&", "") == (
        "Undo Import answer labels from dictionary.csv"
    )
    window.undo_action.trigger()
    assert not it.mapping().has("efficacy")
    assert _open_q1(qtbot, window, "1") == codes
    window.redo_action.trigger()
    assert _open_q1(qtbot, window, "1 = Always")["1 = Always"] == "4"
    assert not messages


def test_a_bad_codebook_gets_a_plain_message_and_changes_nothing(
    qtbot, window: MainWindow, tmp_path: Path, messages: list[Shown]
) -> None:
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.open_files([_codes_only_survey(tmp_path)])
    qtbot.waitUntil(lambda: not window.import_tab.missing_definitions(), timeout=30_000)
    before = window.import_tab.mapping()
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with qtbot.waitSignal(window.job_failed, timeout=LOAD_TIMEOUT_MS):
        window.import_labels(bad)
    assert messages[-1].title == "Could not use the answer labels"
    assert "needs the columns variable, value and label" in messages[-1].text
    assert "Rename its headings" in messages[-1].detail
    # A codebook for another survey: nothing of it fits these columns.
    other = tmp_path / "other.csv"
    other.write_text("variable,value,label\nZZ9,1,Yes\nZZ9,2,No\n", encoding="utf-8")
    with qtbot.waitSignal(window.job_failed, timeout=LOAD_TIMEOUT_MS):
        window.import_labels(other)
    assert "gives no new labels for this survey's columns" in messages[-1].text
    assert window.import_tab.mapping() == before
    assert window.import_tab.undo_stack.count() == 0


def test_the_labels_reach_the_analysis_and_survive_reading_the_file_again(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.open_files([_codes_only_survey(tmp_path)])
    with qtbot.waitSignal(window.labels_imported, timeout=LOAD_TIMEOUT_MS):
        window.import_labels(_codebook(tmp_path))
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS) as blocker:
        window.run_analysis()
    model = blocker.args[0].result.models["collective"]
    assert model.ok and "efficacy" in model.terms  # matched only once it had words
    # Reading the same file again (another heading row, say) keeps its answer labels.
    with qtbot.waitSignal(window.labels_imported, timeout=LOAD_TIMEOUT_MS):
        window.reread_file(0, None, 0)
    assert window.import_tab.codebook is not None
    assert window.import_tab.mapping().get("efficacy") == ["Q3"]
