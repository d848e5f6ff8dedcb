"""Correcting one wrongly scored question on GSS 2010, by keyboard, timed (issue 13).

GSS 2010 (a real survey nobody here wrote) measures feeling able to make a difference only
with ``toodifme``: "It is just too difficult for someone like me to do much about the
environment", strongly agree ... strongly disagree. It is worded against its topic, so read
as it comes, agreeing scores highest and the models say that residents who feel *more* able
act with others *less*. The officer's correction: tick the question for the topic, tick
"worded against its topic", confirm it, run. The check a user would make: now residents who
feel more able are more likely to act with others (a positive link).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from coprod_gui.ui import dialogs
from coprod_gui.ui.main_window import MainWindow

from .conftest import ANALYSIS_TIMEOUT_MS, LOAD_TIMEOUT_MS, REAL_ASK_CONFIRM
from .test_keyboard_walk import ALT, CTRL, _answer_modal_with, _press, _tab_to

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = [
    ROOT.parent / "shared/realdata/GSS2010.dta",
    ROOT.parent.parent / "shared/realdata/GSS2010.dta",
]
GSS = next((p for p in CANDIDATES if p.exists()), None)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(GSS is None, reason="the shared GSS 2010 file is not beside the repo"),
]


def test_correct_a_reversed_question_on_gss_by_keyboard(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, record_property
) -> None:
    monkeypatch.setattr(dialogs, "ask_confirm", REAL_ASK_CONFIRM)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(GSS)], ""))
    )
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    it = window.import_tab
    start = time.perf_counter()

    # 1. Ctrl+O, the file.
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        _press(window, Qt.Key.Key_O, CTRL)
    opened = time.perf_counter()
    # 2. The topic: Tab to the topics, type its first words.
    topics = _tab_to(window, "Topics to match")
    QTest.keyClicks(topics, "Feeling a")
    assert it.current_construct() == "efficacy"
    # 3. Find the question: Tab to the search box, type its name; Tab to it, Space ticks it.
    QTest.keyClicks(_tab_to(window, "Find a column"), "toodifme")
    _tab_to(window, "Survey columns for this topic")
    assert it.columns_list.currentItem().text().startswith("toodifme")
    _press(window, Qt.Key.Key_Space)
    assert it.mapping().get("efficacy") == ["toodifme"]
    qtbot.waitUntil(lambda: it.recode_column == "toodifme", timeout=30_000)
    agree_first = it.recode_model.column_values("What happens")
    # 4. Worded against its topic: Alt+G; the answers table shows the scores turned round.
    _press(window, Qt.Key.Key_G, ALT)  # a mnemonic clicks after a short animation
    qtbot.waitUntil(lambda: "toodifme" in it.mapping().reverse, timeout=5_000)
    qtbot.waitUntil(
        lambda: it.recode_model.column_values("What happens") != agree_first, timeout=30_000
    )
    answers = it.recode_model.column_values("Answer")
    agree = next(i for i, a in enumerate(answers) if a.endswith("STRONGLY AGREE"))
    what = it.recode_model.cell(agree, 4)
    assert what.startswith("counts as 0 of 0–4 (turned round")
    # 5. Confirm it: Alt+C. The variable view says so.
    qtbot.waitUntil(it.confirm_button.isEnabled, timeout=10_000)
    _press(window, Qt.Key.Key_C, ALT)

    def row() -> tuple[str, bool]:
        found = it.variable_model.rows[it.variable_model.row_of("toodifme")]
        return found.status, found.reverse

    qtbot.waitUntil(lambda: row() == ("confirmed", True), timeout=5_000)
    # 6. Ctrl+R; the other guesses: Alt+C (confirm all).
    asked: list[str] = []
    _answer_modal_with(Qt.Key.Key_C, ALT, asked)
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS) as blocker:
        _press(window, Qt.Key.Key_R, CTRL)
    done = time.perf_counter()
    assert asked == ["Check the guesses?"]

    result = blocker.args[0].result
    link = result.participation["collective"].terms["efficacy"]
    assert link.estimate > 0 and link.ci_low > 0  # more able: more acting with others
    seconds = {"open": opened - start, "open_to_results": done - start}
    record_property("seconds", seconds)
    print(f"GSS correction: read in {opened - start:.1f} s, results {done - start:.1f} s")
