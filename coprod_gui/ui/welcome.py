"""The first screen: what the program does, and two ways to start.

Why a page of its own: an officer opening the program for the first time has no survey
loaded; two large buttons ("Open your survey", "Try the example survey") say what to do
next, and recent files let a returning officer carry on.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME


class WelcomePage(QWidget):
    """Shown until a survey is open."""

    open_requested = Signal()
    example_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        title = QLabel(f"<h1>{APP_NAME}</h1>", self)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        intro = QLabel(
            "Find out how many of your residents co-produce, on their own and together, "
            "what goes with more of it, and what the council could do.\n\n"
            "Open the survey your research agency sent (Excel, CSV, SPSS or Stata). "
            "Nothing leaves this computer.",
            self,
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        intro.setFixedWidth(640)
        font = intro.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        intro.setFont(font)
        intro.setMinimumHeight(intro.heightForWidth(640))
        row = QHBoxLayout()
        row.addStretch(1)
        self.open_button = QPushButton("&Open your survey…", self)
        self.open_button.setAccessibleName("Open your survey")
        self.example_button = QPushButton("&Try the example survey", self)
        self.example_button.setAccessibleName("Try the example survey")
        self.open_button.setToolTip("Open a survey file: Excel, OpenDocument, CSV, SPSS, Stata (Ctrl+O)")
        self.example_button.setToolTip("Open a fictional survey of five councils to try the program")
        for button in (self.open_button, self.example_button):
            button.setMinimumSize(240, 56)
            font = button.font()
            font.setPointSizeF(font.pointSizeF() * 1.25)
            button.setFont(font)
            row.addWidget(button)
        row.addStretch(1)
        self.open_button.clicked.connect(self.open_requested)
        self.example_button.clicked.connect(self.example_requested)
        self.open_button.setDefault(True)

        self.recent_label = QLabel("Recent surveys:", self)
        self.recent_list = QListWidget(self)
        self.recent_list.setAccessibleName("Recent surveys")
        self.recent_list.setMaximumWidth(720)
        self.recent_list.setMaximumHeight(140)
        self.recent_list.itemActivated.connect(
            lambda item: self.recent_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.recent_label.setBuddy(self.recent_list)
        drop = QLabel("You can also drag survey files onto this window.", self)
        drop.setAlignment(Qt.AlignmentFlag.AlignHCenter)

        outer.addWidget(title)
        outer.addWidget(intro, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addSpacing(24)
        outer.addLayout(row)
        outer.addSpacing(12)
        outer.addWidget(drop)
        outer.addSpacing(24)
        outer.addWidget(self.recent_label, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addWidget(self.recent_list, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.set_recent([])

    def set_recent(self, paths: list[Path]) -> None:
        self.recent_list.clear()
        for path in paths:
            item = QListWidgetItem(f"{path.name} — {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.recent_list.addItem(item)
        self.recent_label.setVisible(bool(paths))
        self.recent_list.setVisible(bool(paths))
