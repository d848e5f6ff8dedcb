"""Table models for the views: a survey preview and small tables of results.

Why models, not a widget per cell: a survey can have a million rows; a
``QAbstractTableModel`` is asked only for the cells on screen. The models format values
for display and hold no statistics of their own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

if TYPE_CHECKING:
    import pandas as pd

_Index = QModelIndex | QPersistentModelIndex


def display_value(value: Any) -> str:
    """A cell as text: blanks for missing, no trailing ``.0`` on whole numbers."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6g}"
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value)


class DataFrameModel(QAbstractTableModel):
    """Read-only view of a pandas DataFrame (the survey preview)."""

    def __init__(self, frame: pd.DataFrame | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._frame = frame
        self._columns: list[str] = [] if frame is None else [str(c) for c in frame.columns]
        self._tooltips: dict[str, str] = {}

    def set_frame(self, frame: pd.DataFrame | None, tooltips: dict[str, str] | None = None) -> None:
        """Show another frame; ``tooltips`` maps a column to its question text."""
        self.beginResetModel()
        self._frame = frame
        self._columns = [] if frame is None else [str(c) for c in frame.columns]
        self._tooltips = dict(tooltips or {})
        self.endResetModel()

    @property
    def frame(self) -> pd.DataFrame | None:
        return self._frame

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if self._frame is None or parent.isValid() else len(self._frame)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if self._frame is None or parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._frame is None or not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return display_value(self._frame.iat[index.row(), index.column()])
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            name = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return name  # the header view elides long questions in the middle
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._tooltips.get(name, name)
        elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None


class RowsModel(QAbstractTableModel):
    """A small table of already-formatted rows (levels, drivers, recoding preview)."""

    def __init__(self, headers: Sequence[str] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[list[str]] = []
        self._tooltips: list[str | None] = []

    def set_rows(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        tooltips: Sequence[str | None] | None = None,
    ) -> None:
        """Replace the table; ``tooltips`` (one per row) explains a row on hover."""
        self.beginResetModel()
        self._headers = list(headers)
        self._rows = [[display_value(v) if not isinstance(v, str) else v for v in r] for r in rows]
        self._tooltips = list(tooltips) if tooltips is not None else [None] * len(self._rows)
        self.endResetModel()

    def cell(self, row: int, column: int) -> str:
        return self._rows[row][column]

    def column_values(self, header: str) -> list[str]:
        col = self._headers.index(header)
        return [r[col] for r in self._rows]

    @property
    def headers(self) -> list[str]:
        return list(self._headers)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltips[index.row()] or self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            text = self._rows[index.row()][index.column()]
            if text[:1].isdigit() or text[:1] in "-+−":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None
