"""Small view helpers shared by the tabs: one way to make a results table.

Why one helper: every table in the window should behave the same for the officer: columns
as wide as their contents, long question text shortened in the middle (the ends of
survey questions differ, their beginnings often do not), and Tab moving on to the next
control instead of from cell to cell (arrow keys still move within the table).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


def make_table(
    model: QAbstractItemModel,
    name: str,
    parent: QWidget | None = None,
    *,
    stretch_column: int | tuple[int, ...] = 0,
    editable: bool = False,
    wrap: bool = False,
) -> QTableView:
    """A read-only (unless ``editable``) table of ``model`` sized to its contents.

    ``stretch_column`` (one or several) shares the room left; ``wrap`` wraps long cells onto
    more lines instead of shortening them, for a short table whose words must all be read
    (the answers of one question: at 1024 px their "What happens" was cut to one letter).
    """
    stretch = {stretch_column} if isinstance(stretch_column, int) else set(stretch_column)
    view = QTableView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setWordWrap(wrap)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    view.verticalHeader().setVisible(False)
    if wrap:
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if not editable:
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = view.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    header.setStretchLastSection(False)
    header.setMinimumSectionSize(60)

    def size_columns() -> None:
        stretch_columns(view, stretch)

    model.modelReset.connect(size_columns)
    model.layoutChanged.connect(size_columns)
    size_columns()
    return view


def stretch_columns(view: QTableView, stretch: Iterable[int]) -> None:
    """``stretch`` columns share the room left; every other column fits its contents."""
    keep = set(stretch)
    header = view.horizontalHeader()
    model = view.model()
    for col in range(model.columnCount() if model is not None else 0):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if col in keep
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(col, mode)
