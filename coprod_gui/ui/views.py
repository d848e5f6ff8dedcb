"""Small view helpers shared by the tabs: one way to make a results table.

Why one helper: every table in the window should behave the same for the officer: columns
as wide as their contents, long question text shortened in the middle (the ends of
survey questions differ, their beginnings often do not), and Tab moving on to the next
control instead of from cell to cell (arrow keys still move within the table).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


def make_table(
    model: QAbstractItemModel,
    name: str,
    parent: QWidget | None = None,
    *,
    stretch_column: int = 0,
    editable: bool = False,
) -> QTableView:
    """A read-only (unless ``editable``) table of ``model`` sized to its contents."""
    view = QTableView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    view.verticalHeader().setVisible(False)
    if not editable:
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = view.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    header.setStretchLastSection(False)
    header.setMinimumSectionSize(60)

    def size_columns() -> None:
        for col in range(model.columnCount()):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if col == stretch_column
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(col, mode)

    model.modelReset.connect(size_columns)
    model.layoutChanged.connect(size_columns)
    size_columns()
    return view
