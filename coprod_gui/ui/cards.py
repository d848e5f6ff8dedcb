"""The Results tab's headline cards: one number with a caption each.

Why a widget of its own: the card is what a keyboard or screen-reader user lands on first
on the Results tab (it takes Tab focus and says its number in its accessible name).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class Card(QFrame):
    """One headline number with a caption."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"card_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        layout = QVBoxLayout(self)
        self.title = QLabel(title, self)
        self.value = QLabel("–", self)
        self.value.setObjectName(f"card_value_{key}")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel("", self)
        self.caption.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        self._title = title
        self.setAccessibleName(title)

    def set(self, value: str, caption: str = "") -> None:
        self.value.setText(value)
        self.caption.setText(caption)
        self.setAccessibleName(f"{self._title}: {value}")
        self.setAccessibleDescription(caption)
