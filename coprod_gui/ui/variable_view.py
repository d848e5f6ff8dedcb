"""The variable view: one row per mapped question, and the answers of the question opened.

Why two small models: statistics packages show a "Variable View" beside the data, and
officers know it. Here each mapped question is a row (topic, question, kind, a
"worded against its topic" tick, its status: confirmed / to check / held back and why);
opening one shows its answers with their counts, a score the officer can type over and
a "missing" tick. The models hold no logic: an edit is emitted as a signal, the Import tab
turns it into a new definition with ``core.survey.definitions``' pure functions (so it can
be undone), and the worker recomputes what the analysis will do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

_Index = QModelIndex | QPersistentModelIndex
STATUS_WORDS = {"confirmed": "confirmed", "to check": "to check", "held back": "held back"}


@dataclass
class VariableRow:
    """One mapped question as the view shows it."""

    topic: str  # construct name
    topic_label: str
    column: str
    question: str
    kind: str
    reverse: bool
    status: str  # confirmed / to check / held back / "" (being worked out)
    reason: str = ""


class _HeadedModel(QAbstractTableModel):
    """A table whose column titles are its ``HEADERS`` (shared by the two models below)."""

    HEADERS: tuple[str, ...] = ()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class VariableModel(_HeadedModel):
    """Mapped questions: Topic, Question, Kind, Worded against, Status."""

    HEADERS = ("Topic", "Question", "Kind", "Worded against", "Status")
    reverse_toggled = Signal(str, bool)  # column, reversed

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[VariableRow] = []

    def set_rows(self, rows: list[VariableRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, column: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.column == column), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def status_text(self, row: VariableRow) -> str:
        if not row.status:
            return "working it out…"
        return row.status + (f": {row.reason}" if row.reason and row.status != "confirmed" else "")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == 3:
            return Qt.CheckState.Checked if row.reverse else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole and col == 4:
            return row.status or "working it out…"  # why: in the tooltip
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return row.topic_label
            if col == 1:
                text = (
                    row.column
                    if row.question in ("", row.column)
                    else (f"{row.column} — {row.question}")
                )
                return text
            if col == 2:
                return row.kind
            if col == 3:
                return "yes" if row.reverse else "no"
            if col == 4:
                return self.status_text(row)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == 3:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.isValid() and index.column() == 3 and role == Qt.ItemDataRole.CheckStateRole:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            self.reverse_toggled.emit(self.rows[index.row()].column, checked)
            return True
        return False


class AnswersModel(_HeadedModel):
    """The opened question's answers: Answer, Count, Score (editable), Missing (tick), What
    happens. Editable only for a question mapped to the topic shown (``editable``)."""

    HEADERS = ("Answer", "Count", "Score", "Missing", "What happens")
    score_edited = Signal(str, float)  # answer key, new score
    missing_toggled = Signal(str, bool)  # answer key, missing
    SCORE, MISSING = 2, 3

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[list[Any]] = []
        self._keys: list[str | None] = []
        self.editable = False
        self.scored = False  # only scored kinds take typed scores

    def set_rows(
        self,
        rows: list[list[Any]],
        keys: list[str | None],
        *,
        editable: bool = False,
        scored: bool = False,
    ) -> None:
        self.beginResetModel()
        self._rows = [list(r) for r in rows]
        self._keys = list(keys)
        self.editable = editable
        self.scored = scored
        self.endResetModel()

    # the same reading helpers as RowsModel, so tests and the window read cells alike
    @property
    def headers(self) -> list[str]:
        return list(self.HEADERS)

    def cell(self, row: int, column: int) -> str:
        value = self._rows[row][column]
        return f"{value:,}" if isinstance(value, int) else str(value)

    def column_values(self, header: str) -> list[str]:
        col = self.HEADERS.index(header)
        return [self.cell(r, col) for r in range(len(self._rows))]

    def key(self, row: int) -> str | None:
        return self._keys[row]

    def row_of_key(self, key: str) -> int:
        return self._keys.index(key)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def _can_edit(self, index: _Index) -> bool:
        return self.editable and index.isValid() and self._keys[index.row()] is not None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = index.column()
        if col == self.MISSING:
            if role == Qt.ItemDataRole.CheckStateRole and self._keys[index.row()] is not None:
                missing = self._rows[index.row()][col] == "yes"
                return Qt.CheckState.Checked if missing else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.DisplayRole:
                return ""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(index.row(), col)
        if role == Qt.ItemDataRole.EditRole and col == self.SCORE:
            return self.cell(index.row(), col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if self._can_edit(index):
            if index.column() == self.SCORE and self.scored:
                return base | Qt.ItemFlag.ItemIsEditable
            if index.column() == self.MISSING:
                return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not self._can_edit(index):
            return False
        key = self._keys[index.row()]
        assert key is not None
        if index.column() == self.MISSING and role == Qt.ItemDataRole.CheckStateRole:
            self.missing_toggled.emit(key, Qt.CheckState(value) == Qt.CheckState.Checked)
            return True
        if index.column() == self.SCORE and role == Qt.ItemDataRole.EditRole:
            text = str(value).strip().lower()
            if text in ("", "missing", "-"):
                self.missing_toggled.emit(key, True)
                return True
            try:
                score = float(text.replace(",", "."))
            except ValueError:
                return False
            self.score_edited.emit(key, score)
            return True
        return False

