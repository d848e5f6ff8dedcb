"""The Import tab's matching editor: the topics, the survey's columns for the chosen topic
(ticks, search), the reverse tick and the answers table beside them.

Why a mixin of :class:`~.import_tab.ImportTab`: the editor and the tab share one mapping
(``_mapping``), one undo stack (``commit``) and the variable view, so the editor's handlers
stay on the tab; this module only keeps ``import_tab.py`` short. Nothing here reads the
survey: the column texts come from the tables already read, previews from the worker.
"""

from __future__ import annotations

import copy
import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..core.survey.constructs import BY_NAME, CONSTRUCTS, OUTCOMES
from .definition_edits import officer_status
from .variable_view import AnswersModel
from .views import make_table

if TYPE_CHECKING:
    from .jobs import LoadedSurvey

CHOOSE_COLUMN = "Choose a column to see how its answers will be scored."

ROLE_HEADINGS = {
    "outcome": "Co-production",
    "driver": "Possible drivers",
    "control": "Who residents are",
    "structure": "Council, weight and ID",
}
CONSTRUCT_ROLE = Qt.ItemDataRole.UserRole
COLUMN_ROLE = Qt.ItemDataRole.UserRole + 1


class MappingEditor:
    """Mixed into ImportTab (which provides ``_mapping``, ``commit`` and the other panes)."""

    loaded: LoadedSurvey | None
    _mapping: Any
    _filling: bool

    def _build_mapping(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        intro = QLabel(
            "Pick a topic on the left, then tick the survey columns that measure it. "
            "Suggested columns come first; how sure the suggestion is shows with the topic.",
            page,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        split = QSplitter(Qt.Orientation.Horizontal, page)

        self.constructs_list = QListWidget(split)
        self.constructs_list.setAccessibleName("Topics to match")
        self.constructs_list.setWordWrap(True)
        self.constructs_list.currentItemChanged.connect(self._on_construct_selected)

        middle = QWidget(split)
        mid_layout = QVBoxLayout(middle)
        mid_layout.setContentsMargins(0, 0, 0, 0)
        self.column_filter = QLineEdit(middle)
        self.column_filter.setPlaceholderText("Find a column…")
        self.column_filter.setAccessibleName("Find a column")
        self.column_filter.setClearButtonEnabled(True)
        self.column_filter.textChanged.connect(self._apply_filter)
        self.topic_label = QLabel("", middle)
        self.topic_label.setWordWrap(True)
        self.topic_label.setAccessibleName("About this topic")
        mid_layout.addWidget(self.topic_label)
        self.columns_list = QListWidget(middle)
        self.columns_list.setAccessibleName("Survey columns for this topic")
        self.columns_list.setWordWrap(True)
        self.columns_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.columns_list.itemChanged.connect(self._on_column_toggled)
        self.columns_list.currentItemChanged.connect(self._on_column_selected)
        mid_layout.addWidget(self.column_filter)
        mid_layout.addWidget(self.columns_list, 1)

        right = QWidget(split)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.recode_title = QLabel(CHOOSE_COLUMN, right)
        self.recode_title.setWordWrap(True)
        self.reverse_check = QCheckBox("This question is worded a&gainst its topic", right)
        self.reverse_check.setToolTip(
            "For example 'It is too difficult for someone like me to make a difference': "
            "its scores are turned round so that high always means more."
        )
        self.reverse_check.setAccessibleName("Reverse the scores of this column")
        self.reverse_check.setEnabled(False)
        self.reverse_check.toggled.connect(self._on_reverse_toggled)
        self.recode_model = AnswersModel(self)
        self.recode_model.score_edited.connect(self.on_score_edited)
        self.recode_model.missing_toggled.connect(self.on_missing_toggled)
        self.recode_view = make_table(
            self.recode_model,
            "How the answers will be scored",
            right,
            stretch_column=(0, 4),
            editable=True,
            wrap=True,
        )
        self.recode_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.recode_view.setToolTip(
            "Type over a score to change it (F2), tick Missing for an answer that is not a "
            "real answer (Space). Every change can be undone (Ctrl+Z)."
        )
        self.confirm_button = QPushButton("&Confirm this question", right)
        self.confirm_button.setToolTip("Mark this question's scoring as checked")
        self.confirm_button.setAccessibleName("Confirm this question")
        self.confirm_button.setEnabled(False)
        self.confirm_button.clicked.connect(self.confirm_opened)
        right_layout.addWidget(self.recode_title)
        right_layout.addWidget(self.reverse_check)
        right_layout.addWidget(self.recode_view, 1)
        right_layout.addWidget(self.confirm_button)

        split.addWidget(self.constructs_list)
        split.addWidget(middle)
        split.addWidget(right)
        self.constructs_list.setMinimumWidth(220)
        split.setSizes([270, 420, 560])
        layout.addWidget(split, 1)
        return page

    # ------------------------------------------------------------------ topics and columns

    def _fill_constructs(self) -> None:
        current = self.current_construct()
        self.constructs_list.blockSignals(True)
        self.constructs_list.clear()
        role = None
        select_row = 0
        for construct in CONSTRUCTS:
            if construct.role != role:
                role = construct.role
                heading = QListWidgetItem(ROLE_HEADINGS[role])
                heading.setFlags(Qt.ItemFlag.NoItemFlags)
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                self.constructs_list.addItem(heading)
            item = QListWidgetItem(self._construct_text(construct.name))
            item.setData(CONSTRUCT_ROLE, construct.name)
            item.setToolTip(self._construct_tip(construct.name))
            self.constructs_list.addItem(item)
            if construct.name == (current or OUTCOMES[0]):
                select_row = self.constructs_list.count() - 1
        self.constructs_list.blockSignals(False)
        self.constructs_list.setCurrentRow(select_row)

    def _construct_text(self, name: str) -> str:
        columns = self._mapping.get(name) if self._mapping else []
        label = BY_NAME[name].label
        if not columns:
            return f"{label} — not matched"
        sure = [
            self._suggestions[(name, c)].confidence
            for c in columns
            if (name, c) in self._suggestions
        ]
        how = f", {min(sure):.0%} sure" if sure and len(sure) == len(columns) else ""
        count = f"{len(columns)} columns" if len(columns) > 1 else "1 column"
        statuses = {officer_status(self.definition(c))[0] for c in columns}
        state = (
            "confirmed"
            if statuses == {"confirmed"}
            else ("held back" if statuses == {"held back"} else "to check")
        )
        return f"{label} — {count}{how} — {state}"

    def _topic_text(self, name: str) -> str:
        """The topic, what it means, and once (not on every row) how sure the guess is."""
        construct = BY_NAME[name]
        text = f"<b>{html.escape(construct.label)}</b>: {html.escape(construct.description)}"
        chosen = self._mapping.get(name) if self._mapping else []
        sure = [self._suggestions[(name, c)] for c in chosen if (name, c) in self._suggestions]
        if sure and len(sure) == len(chosen):
            text += (
                f"<br>The ticked column{'s were' if len(sure) > 1 else ' was'} suggested "
                f"({min(s.confidence for s in sure):.0%} sure): {html.escape(sure[0].reason)}."
            )
        return text

    def _construct_tip(self, name: str) -> str:
        columns = self._mapping.get(name) if self._mapping else []
        lines = [BY_NAME[name].description]
        lines += [f"• {c}" for c in columns]
        return "\n".join(lines)

    def current_construct(self) -> str | None:
        item = self.constructs_list.currentItem()
        return item.data(CONSTRUCT_ROLE) if item is not None else None

    def _on_construct_selected(self, item: QListWidgetItem | None, _prev: Any = None) -> None:
        name = item.data(CONSTRUCT_ROLE) if item is not None else None
        self._filling = True
        self.columns_list.clear()
        self._filling = False
        if not name or self._mapping is None:
            return
        chosen = self._mapping.get(name)
        used_by: dict[str, str] = {}
        for other, cols in self._mapping.columns.items():
            if other != name:
                for c in cols:
                    used_by.setdefault(c, BY_NAME[other].label if other in BY_NAME else other)

        def rank(entry: tuple[int, str]) -> tuple[int, float, int]:
            column = entry[1]
            sug = self._suggestions.get((name, column))
            first = 0 if column in chosen else 1 if sug else 2
            return (first, -(sug.confidence if sug else 0.0), self._columns.index(entry))

        self._filling = True
        for table_index, column in sorted(self._columns, key=rank):
            text = column
            question = self.loaded.tables[table_index].question_text(column) if self.loaded else ""
            if question and question != column:
                text += f" — {question}"
            sug = self._suggestions.get((name, column))
            if sug is not None and column not in chosen:
                text += "  (suggested)"
            if column in used_by:
                text += f"  (used for {used_by[column]})"
            if column in chosen:
                text += f"  ({officer_status(self.definition(column))[0]})"
            item_ = QListWidgetItem(text)
            item_.setData(COLUMN_ROLE, (table_index, column))
            item_.setFlags(item_.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item_.setCheckState(
                Qt.CheckState.Checked if column in chosen else Qt.CheckState.Unchecked
            )
            tip = [question or column]
            if sug is not None:
                tip.append(f"Why suggested: {sug.reason}")
            item_.setToolTip("\n".join(tip))
            self.columns_list.addItem(item_)
        self._filling = False
        self.topic_label.setText(self._topic_text(name))
        self._apply_filter(self.column_filter.text())
        if self.columns_list.count():
            self.columns_list.setCurrentRow(0)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.columns_list.count()):
            item = self.columns_list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def column_items(self) -> list[QListWidgetItem]:
        return [self.columns_list.item(i) for i in range(self.columns_list.count())]

    def set_column_checked(self, column: str, checked: bool) -> None:
        """Tick or untick ``column`` for the current topic (as a click would)."""
        for item in self.column_items():
            if item.data(COLUMN_ROLE)[1] == column:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                return
        raise KeyError(column)

    def select_construct(self, name: str) -> None:
        for i in range(self.constructs_list.count()):
            if self.constructs_list.item(i).data(CONSTRUCT_ROLE) == name:
                self.constructs_list.setCurrentRow(i)
                return
        raise KeyError(name)

    def _on_column_toggled(self, item: QListWidgetItem) -> None:
        if self._filling or self._mapping is None:
            return
        name = self.current_construct()
        if not name:
            return
        column = item.data(COLUMN_ROLE)[1]
        checked = item.checkState() == Qt.CheckState.Checked
        before = copy.deepcopy(self._mapping)
        columns = self._mapping.get(name)
        if checked and column not in columns:
            if not BY_NAME[name].multi:
                columns = []
                self._filling = True
                for other in self.column_items():
                    if other is not item:
                        other.setCheckState(Qt.CheckState.Unchecked)
                self._filling = False
            columns.append(column)
        elif not checked and column in columns:
            columns.remove(column)
        if columns:
            self._mapping.columns[name] = columns
        else:
            self._mapping.columns.pop(name, None)
        current = self.constructs_list.currentItem()
        if current is not None:
            current.setText(self._construct_text(name))
            current.setToolTip(self._construct_tip(name))
        self.topic_label.setText(self._topic_text(name))
        self._update_run_state(False)
        label = BY_NAME[name].label
        self.commit(before, f"{'Tick' if checked else 'Untick'} {column} for {label}")
        self.refresh_variables()
        self.mapping_edited.emit()
        if item is self.columns_list.currentItem():  # editable now (or no longer)
            self.preview_requested.emit(*item.data(COLUMN_ROLE))

    def _on_column_selected(self, item: QListWidgetItem | None, _prev: Any = None) -> None:
        if self._filling or item is None or self._mapping is None:
            self.reverse_check.setEnabled(False)
            return
        table_index, column = item.data(COLUMN_ROLE)
        self.reverse_check.blockSignals(True)
        self.reverse_check.setChecked(column in self._mapping.reverse)
        self.reverse_check.blockSignals(False)
        self.reverse_check.setEnabled(True)
        self.preview_requested.emit(table_index, column)

    def _on_reverse_toggled(self, checked: bool) -> None:
        item = self.columns_list.currentItem()
        if item is None or self._mapping is None:
            return
        self.set_reverse_of(item.data(COLUMN_ROLE)[1], checked)
