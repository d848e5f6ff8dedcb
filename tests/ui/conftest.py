"""Window tests: offscreen Qt, settings in a temporary file, message boxes recorded.

- ``COPROD_SETTINGS_FILE`` and ``QSettings.setPath`` point every settings object at
  ``tmp_path``, so no test reads or writes the real user settings.
- ``dialogs.show_message`` is replaced by a recorder: a modal box would block the test,
  and the test can assert on the plain-English text the officer would have read.
- Each window's worker threads are shut down at teardown (no dangling threads).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings

from coprod_gui.ui import dialogs
from coprod_gui.ui.main_window import MainWindow
from coprod_gui.ui.settings import SETTINGS_ENV, Settings

LOAD_TIMEOUT_MS = 60_000
REAL_ASK_CONFIRM = dialogs.ask_confirm  # the real question, for the keyboard walk
ANALYSIS_TIMEOUT_MS = 180_000


@dataclass
class Shown:
    icon: object
    title: str
    text: str
    detail: str


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the user's settings: env var for our wrapper, setPath for Qt's own."""
    folder = tmp_path / "settings"
    folder.mkdir()
    monkeypatch.setenv(SETTINGS_ENV, str(folder / "coprod.ini"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder / "coprod.ini"


@pytest.fixture(autouse=True)
def messages(monkeypatch: pytest.MonkeyPatch) -> list[Shown]:
    """Every message box the window would have shown, in order."""
    shown: list[Shown] = []

    def record(_parent: object, icon: object, title: str, text: str, detail: str = "") -> None:
        shown.append(Shown(icon, title, text, detail))

    monkeypatch.setattr(dialogs, "show_message", record)
    return shown


@dataclass
class SaveQuestions:
    """ "Save changes?" questions: ``asked`` holds their texts; ``answers`` are given in
    order ("save", "discard", "cancel"), then "discard", so a closing window never blocks."""

    answers: list[str]
    asked: list[str]


@pytest.fixture(autouse=True)
def save_questions(monkeypatch: pytest.MonkeyPatch) -> SaveQuestions:
    questions = SaveQuestions([], [])

    def answer(_parent: object, text: str, _detail: str = "") -> str:
        questions.asked.append(text)
        return questions.answers.pop(0) if questions.answers else "discard"

    monkeypatch.setattr(dialogs, "ask_save_changes", answer)
    return questions


@dataclass
class ConfirmQuestions:
    """"Check the guesses?" before an analysis: ``asked`` holds the texts; ``answers`` are
    given in order, then "confirm" (so tests that only analyse are not stopped)."""

    answers: list[str]
    asked: list[str]


@pytest.fixture(autouse=True)
def confirm_questions(monkeypatch: pytest.MonkeyPatch) -> ConfirmQuestions:
    questions = ConfirmQuestions([], [])

    def answer(_parent: object, _title: str, text: str, _detail: str = "") -> str:
        questions.asked.append(text)
        return questions.answers.pop(0) if questions.answers else "confirm"

    monkeypatch.setattr(dialogs, "ask_confirm", answer)
    return questions


@pytest.fixture
def settings(_private_settings: Path) -> Settings:
    return Settings(_private_settings)


@pytest.fixture
def window(qtbot, settings: Settings) -> Iterator[MainWindow]:
    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    for runner in win.runners():
        runner.shutdown(timeout_ms=60_000)


@pytest.fixture
def loaded_window(qtbot, window: MainWindow) -> MainWindow:
    """The window with the example survey read (not yet analysed)."""
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.open_example()
    return window
