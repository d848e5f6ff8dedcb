"""The window's end-to-end check for ``--self-test`` (see ``main_window.smoke_test_window``).

Why separate: it drives the real window and worker with an event loop of its own, which
the program never does in normal use; keeping it here keeps the window module small.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from . import dialogs
from .main_window import MainWindow, get_application
from .settings import Settings


def _wait(signals: Sequence[Any], timeout_s: float) -> tuple[int, tuple[Any, ...]] | None:
    """Run the event loop until one of ``signals`` fires; (which, args) or None on timeout."""
    loop = QEventLoop()
    got: list[tuple[int, tuple[Any, ...]]] = []
    slots = []
    for i, signal in enumerate(signals):

        def slot(*args: Any, i: int = i) -> None:
            got.append((i, args))
            loop.quit()

        signal.connect(slot)
        slots.append((signal, slot))
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    for signal, slot in slots:
        with contextlib.suppress(RuntimeError, TypeError):
            signal.disconnect(slot)
    return got[0] if got else None


def run_smoke_test(timeout_s: float = 180) -> list[str]:
    """Build the window offscreen, analyse the example through the real worker, check the
    headline cards show numbers; returns plain problems (empty list = all well)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    get_application()
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="coprod-smoke-") as tmp:
        window = MainWindow(settings=Settings(Path(tmp) / "settings.ini"))
        shown: list[tuple[str, str]] = []
        original = dialogs.show_message
        original_confirm, original_save = dialogs.ask_confirm, dialogs.ask_save_changes

        def record(_parent: Any, _icon: Any, title: str, text: str, detail: str = "") -> None:
            shown.append((title, f"{text} {detail}".strip()))

        dialogs.show_message = record
        # No officer to ask: the self-test confirms the example's guesses and, closing,
        # throws its own scratch work away (a modal question would hang the self-test).
        dialogs.ask_confirm = lambda *_a, **_k: "confirm"
        dialogs.ask_save_changes = lambda *_a, **_k: "discard"
        try:
            window.show()
            window.open_example()
            end = _wait([window.survey_loaded, window.job_failed, window.job_cancelled], timeout_s)
            if end is None or end[0] != 0:
                why = shown[-1][1] if shown else "timed out"
                return [f"the window could not open the example survey: {why}"]
            if not window.import_tab.run_button.isEnabled():
                problems.append("'Run analysis' stayed disabled after opening the example")
            window.run_analysis()
            end = _wait([window.analysis_done, window.job_failed, window.job_cancelled], timeout_s)
            if end is None or end[0] != 0:
                why = shown[-1][1] if shown else "timed out"
                return [*problems, f"the window's analysis did not finish: {why}"]
            analysed = end[1][0]
            if analysed.thread_id == threading.get_ident():
                problems.append("the analysis ran on the GUI thread")
            cards = window.results_tab.cards
            expected = f"{analysed.result.n_respondents:,}"
            if cards["respondents"].value.text() != expected:
                problems.append(
                    f"respondents card shows {cards['respondents'].value.text()!r}, "
                    f"expected {expected}"
                )
            for form in ("individual", "collective"):
                text = cards[form].value.text()
                if not text.endswith("%") or not text[:-1].replace(".", "").isdigit():
                    problems.append(f"the {form} card shows {text!r}, not a percentage")
            if window.busy:
                problems.append("the window stayed busy after the analysis")
        finally:
            dialogs.show_message = original
            window.close()
            window.deleteLater()
            QApplication.processEvents()
            dialogs.ask_confirm, dialogs.ask_save_changes = original_confirm, original_save
    return problems
