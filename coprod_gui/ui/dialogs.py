"""Message boxes and the global exception hook.

Why one ``show_message`` function: every message the window shows goes through it, so
the wording rules (a plain message, then what to do) live in one place, and tests can
intercept it with ``monkeypatch`` instead of clicking a modal box.

The exception hook (reliability.md §5): Qt calls ``sys.excepthook`` on whichever thread
raised, so the hook only logs and emits a signal; the dialog opens on the GUI thread. The
log gets the traceback's frames and the exception's type, never its message (a pandas
message can quote a survey cell).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from .worker import UNEXPECTED_MESSAGE, log_file_hint, safe_traceback

log = logging.getLogger(__name__)

Icon = QMessageBox.Icon


def show_message(
    parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, detail: str = ""
) -> None:
    """A modal message box: ``text`` says what happened, ``detail`` what to do."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if detail:
        box.setInformativeText(detail)
    box.setAccessibleName(title)
    box.exec()


def ask_yes_no(parent: QWidget | None, title: str, text: str) -> bool:
    """A Yes/No question; No is the default, so Enter never destroys a file."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_save_changes(parent: QWidget | None, text: str, detail: str = "") -> str:
    """Save / Don't save / Cancel before work would be lost: "save", "discard" or "cancel".
    Save is the default button, so Enter never throws the officer's work away."""
    buttons = QMessageBox.StandardButton
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Save changes?",
        text,
        buttons.Save | buttons.Discard | buttons.Cancel,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    if detail:
        box.setInformativeText(detail)
    box.setDefaultButton(buttons.Save)
    box.setEscapeButton(buttons.Cancel)
    answer = box.exec()
    if answer == buttons.Save:
        return "save"
    if answer == buttons.Discard:
        return "discard"
    return "cancel"


def ask_confirm(parent: QWidget | None, title: str, text: str, detail: str = "") -> str:
    """Before analysing guesses: "confirm" (Confirm all) or "check" (Let me check, the
    default, so Enter never confirms what nobody looked at)."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    if detail:
        box.setInformativeText(detail)
    confirm = box.addButton("&Confirm all", QMessageBox.ButtonRole.AcceptRole)
    check = box.addButton("&Let me check", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(check)
    box.setEscapeButton(check)
    box.exec()
    return "confirm" if box.clickedButton() is confirm else "check"


class ExceptionBridge(QObject):
    """Carries an uncaught exception from any thread to a dialog on the GUI thread."""

    raised = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._parent = parent
        self._showing = False
        self._previous: Any = None
        self.raised.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self.hook

    def uninstall(self) -> None:
        if sys.excepthook == self.hook and self._previous is not None:
            sys.excepthook = self._previous

    def hook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("uncaught error:\n%s", safe_traceback(exc_type, tb))
        with contextlib.suppress(RuntimeError):  # the bridge is gone (window closed)
            self.raised.emit(exc_type.__name__)

    def _show(self, name: str) -> None:
        if self._showing:  # one dialog at a time, not a storm
            return
        self._showing = True
        try:
            show_message(
                self._parent,
                Icon.Critical,
                "Unexpected problem",
                f"{UNEXPECTED_MESSAGE} The program can carry on, but if something looks "
                "wrong, save your work and restart it.",
                log_file_hint(),
            )
        finally:
            self._showing = False
