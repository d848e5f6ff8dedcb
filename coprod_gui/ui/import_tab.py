"""The Import tab: files, sheet and header row, preview, mapping editor, recoding, quality.

Why the tab only shows and edits: reading, preparing and the recoding preview are jobs the
main window runs in the worker; the tab emits what the officer asked for and shows what
comes back. The mapping editor uses ordinary controls: a list of constructs, and for the
chosen construct a list of the survey's columns with check boxes, the suggested ones first
with how sure the suggestion is.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.survey.constructs import BY_NAME, DRIVERS, OUTCOMES
from .definition_edits import DefinitionEdits, officer_status
from .mapping_editor import CHOOSE_COLUMN, COLUMN_ROLE, MappingEditor
from .quality import DataWindow, quality_html
from .table_models import DataFrameModel
from .undo import MappingEdit, SurveyEdit
from .variable_view import VariableModel
from .views import make_table

if TYPE_CHECKING:
    from ..core.types import DataQuality, Mapping, RawTable, Suggestion
    from .definition_jobs import DefinedColumn, Labelled
    from .jobs import LoadedSurvey

def essentials_missing(mapping: Mapping | None) -> str:
    """Why the analysis cannot run yet, or "" when a form and a driver are mapped."""
    if mapping is None:
        return "Open a survey first."
    needs = []
    if not any(mapping.has(o) for o in OUTCOMES):
        needs.append("at least one form of co-production")
    if not any(mapping.has(d) for d in DRIVERS):
        needs.append("at least one possible driver (for example feeling able to make a difference)")
    if not needs:
        return ""
    return "To run the analysis, match " + " and ".join(needs) + " to columns of the survey."


@dataclass
class SurveyState:
    """What answer labels change: the tables (never copied), the mapping, the suggestions
    and the data-quality report made from them; one undo step puts all of it back."""

    tables: list[RawTable]
    mapping: Mapping | None
    suggestions: list[Suggestion]
    quality: DataQuality | None
    quality_problem: str | None
    codebook: Path | None = None


class ImportTab(MappingEditor, DefinitionEdits, QWidget):
    """Files, the mapping editor, the variable view; emits what the officer asks for."""

    add_files_requested = Signal()
    remove_file_requested = Signal(int)
    reread_requested = Signal(int, object, int)  # file index, sheet or None, 0-based header row
    mapping_edited = Signal()
    preview_requested = Signal(int, str)  # table index, column (for the topic shown)
    run_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loaded: LoadedSurvey | None = None
        self._mapping: Mapping | None = None
        self._suggestions: dict[tuple[str, str], Suggestion] = {}
        self._columns: list[tuple[int, str]] = []  # (table index, column) across files
        self._filling = False
        self.recode_column = ""  # the column the answers table shows
        self._defined: DefinedColumn | None = None
        self.codebook: Path | None = None  # the answer labels' codebook, while applied
        self.undo_stack = QUndoStack(self)
        self._build()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)

        files_box = QGroupBox("Survey files", self)
        files_layout = QHBoxLayout(files_box)
        self.files_list = QListWidget(files_box)
        self.files_list.setAccessibleName("Survey files")
        self.files_list.setMaximumHeight(56)
        self.files_list.currentRowChanged.connect(self._on_file_selected)
        files_layout.addWidget(self.files_list, 3)
        buttons = QVBoxLayout()
        self.add_button = QPushButton("&Add files…", files_box)
        self.add_button.setAccessibleName("Add survey files")
        self.add_button.setToolTip(
            "Add more files of the same survey (for example one per council)"
        )
        self.add_button.clicked.connect(self.add_files_requested)
        self.remove_button = QPushButton("Remove fi&le", files_box)
        self.remove_button.setAccessibleName("Remove the selected file")
        self.remove_button.setToolTip("Leave the selected file out of the survey")
        self.remove_button.clicked.connect(self._on_remove)
        self.data_button = QPushButton("See the &data…", files_box)
        self.data_button.setAccessibleName("See the survey data as read")
        self.data_button.setToolTip("Open the rows and columns of the selected file as read")
        self.data_button.clicked.connect(self.show_data)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.data_button)
        buttons.addStretch(1)
        files_layout.addLayout(buttons)
        form = QFormLayout()
        self.sheet_combo = QComboBox(files_box)
        self.sheet_combo.setAccessibleName("Sheet with the answers")
        self.header_spin = QSpinBox(files_box)
        self.header_spin.setRange(1, 1000)
        self.header_spin.setAccessibleName("Row with the column headings")
        self.header_spin.setToolTip("The row of the sheet that holds the question headings")
        self.reread_button = QPushButton("&Read again", files_box)
        self.reread_button.setAccessibleName("Read the file again with this sheet and heading row")
        self.reread_button.setToolTip(
            "Read the selected file again with this sheet and heading row"
        )
        self.sheet_combo.setToolTip("The worksheet that holds one row per resident")
        self.reread_button.clicked.connect(self._on_reread)
        form.addRow("&Sheet:", self.sheet_combo)
        form.addRow("Headings on ro&w:", self.header_spin)
        form.addRow("", self.reread_button)
        files_layout.addLayout(form, 2)
        outer.addWidget(files_box)

        # One level of tabs only (the window's): the matching editor fills the tab, the
        # data-quality report sits under it, and the data itself opens in its own window.
        self.body = QSplitter(Qt.Orientation.Vertical, self)
        self.body.addWidget(self._build_mapping())
        bottom = QSplitter(Qt.Orientation.Horizontal, self.body)
        self.variable_model = VariableModel(self)
        self.variable_model.reverse_toggled.connect(self.set_reverse_of)
        self.variable_view = make_table(
            self.variable_model, "Matched questions (variable view)", bottom, stretch_column=1
        )
        self.variable_view.setToolTip(
            "Every matched question: its topic, kind, whether it is worded against its "
            "topic, and whether it is confirmed, to check or held back. Choose one to see "
            "and change how its answers are scored."
        )
        self.variable_view.selectionModel().currentRowChanged.connect(self._on_variable_chosen)
        self.variable_view.activated.connect(lambda _i: self.recode_view.setFocus())
        self.quality_view = QTextBrowser(bottom)
        self.quality_view.setAccessibleName("Data quality report")
        bottom.addWidget(self.variable_view)
        bottom.addWidget(self.quality_view)
        bottom.setSizes([640, 360])
        self.body.addWidget(bottom)
        self.body.setStretchFactor(0, 3)
        self.body.setStretchFactor(1, 2)
        self.body.setSizes([420, 220])
        outer.addWidget(self.body, 1)
        self.preview_model = DataFrameModel(parent=self)
        self.preview_window: DataWindow | None = None

        run_row = QHBoxLayout()
        self.run_hint = QLabel(essentials_missing(None), self)
        self.run_hint.setWordWrap(True)
        self.run_hint.setAccessibleName("What is needed before the analysis can run")
        self.run_button = QPushButton("Run a&nalysis", self)
        self.run_button.setAccessibleName("Run analysis")
        self.run_button.setDefault(True)
        self.run_button.setEnabled(False)
        self.run_button.setMinimumWidth(160)
        self.run_button.setToolTip("Analyse the survey with these questions (Ctrl+R)")
        self.run_button.clicked.connect(self.run_requested)
        run_row.addWidget(self.run_hint, 1)
        run_row.addWidget(self.run_button)
        outer.addLayout(run_row)
        self._set_file_controls(False)

    # ------------------------------------------------------------------ filling

    def set_busy(self, busy: bool) -> None:
        has = self.loaded is not None
        self.add_button.setEnabled(not busy)
        self._set_file_controls(has and not busy)
        self._update_run_state(busy)

    def _set_file_controls(self, enabled: bool) -> None:
        for w in (self.remove_button, self.sheet_combo, self.header_spin, self.reread_button):
            w.setEnabled(enabled)
        if enabled and self.sheet_combo.count() <= 1:
            self.sheet_combo.setEnabled(False)

    def set_survey(self, loaded: LoadedSurvey) -> None:
        """Show a freshly read survey and its suggested mapping."""
        self.loaded = loaded
        self.undo_stack.clear()  # edits of another reading cannot be undone into this one
        self.codebook = None  # the window applies it again to a survey read again
        self._mapping = copy.deepcopy(loaded.mapping)
        self._suggestions = {(s.construct, s.column): s for s in loaded.suggestions}
        seen: set[str] = set()
        self._columns = []
        for i, table in enumerate(loaded.tables):
            for column in table.frame.columns:
                if str(column) not in seen:
                    seen.add(str(column))
                    self._columns.append((i, str(column)))
        self.files_list.blockSignals(True)
        self.files_list.clear()
        for table in loaded.tables:
            item = QListWidgetItem(
                f"{table.name} — {len(table.frame):,} rows, {len(table.frame.columns)} columns"
            )
            self.files_list.addItem(item)
        self.files_list.blockSignals(False)
        self.files_list.setCurrentRow(0)
        self._on_file_selected(0)
        self.clear_recode_preview()
        self._fill_constructs()
        self._update_run_state(False)

    def show_survey_details(self) -> None:
        """The variable view and the data-quality report of the survey :meth:`set_survey`
        showed: apart, so the window can paint between the two (:mod:`.slices`)."""
        if self.loaded is not None:
            self.refresh_variables()
            self.set_quality(self.loaded.quality, self.loaded.quality_problem)

    def mapping(self) -> Mapping | None:
        """The mapping as the officer has edited it (a copy), with the definitions of the
        columns it maps (a question unticked keeps none)."""
        mapping = copy.deepcopy(self._mapping)
        if mapping is not None:
            mapped = {c for cols in mapping.columns.values() for c in cols}
            mapping.definitions = {k: v for k, v in mapping.definitions.items() if k in mapped}
        return mapping

    def set_mapping(self, mapping: Mapping, text: str = "Load a mapping") -> None:
        """Replace the mapping (e.g. loaded from a file) as one undoable step."""
        before = copy.deepcopy(self._mapping)
        self.restore_mapping(mapping)
        if before is not None:
            self.commit(before, text)

    def commit(self, before: Mapping, text: str) -> None:
        """Record an edit already made to the mapping as one step of undo."""
        self.undo_stack.push(MappingEdit(self.restore_mapping, before, self._mapping, text))

    def restore_mapping(self, mapping: Mapping) -> None:
        """Show ``mapping`` everywhere (undo, redo, a file): the topics, the columns of the
        chosen topic, the reverse tick, the scoring preview."""
        self._mapping = copy.deepcopy(mapping)
        current = self.columns_list.currentItem()
        column = current.data(COLUMN_ROLE) if current is not None else None
        self._fill_constructs()
        if column is not None:
            for item in self.column_items():
                if item.data(COLUMN_ROLE) == column:
                    self.columns_list.setCurrentItem(item)
                    break
        self.refresh_variables()
        self._update_run_state(False)
        self.mapping_edited.emit()

    def apply_labels(self, labelled: Labelled) -> None:
        """Show the survey with the answer labels of a codebook, as one undoable step."""
        if self.loaded is None:
            return
        before = self._survey_state()
        after = SurveyState(
            labelled.tables,
            copy.deepcopy(labelled.mapping),
            labelled.suggestions,
            labelled.quality,
            labelled.quality_problem,
            labelled.path,
        )
        self._restore_survey(after)
        self.undo_stack.push(
            SurveyEdit(
                self._restore_survey, before, after, f"Import answer labels from {labelled.source}"
            )
        )

    def _survey_state(self) -> SurveyState:
        assert self.loaded is not None
        return SurveyState(
            list(self.loaded.tables),
            copy.deepcopy(self._mapping),
            list(self.loaded.suggestions),
            self.loaded.quality,
            self.loaded.quality_problem,
            self.codebook,
        )

    def _restore_survey(self, state: SurveyState) -> None:
        """Show ``state`` everywhere: the window's survey is the tab's, so the analysis and
        the previews use these tables too."""
        if self.loaded is None or state.mapping is None:
            return
        self.loaded.tables = list(state.tables)
        self.loaded.suggestions = list(state.suggestions)
        self.loaded.quality, self.loaded.quality_problem = state.quality, state.quality_problem
        self._suggestions = {(s.construct, s.column): s for s in state.suggestions}
        self.codebook = state.codebook
        row = max(self.files_list.currentRow(), 0)
        if row < len(state.tables):
            table = state.tables[row]
            self.preview_model.set_frame(table.frame, table.variable_labels)
        self.set_quality(state.quality, state.quality_problem)
        self.restore_mapping(state.mapping)

    def reset(self) -> None:
        """A clean slate for another survey: no search text, no old scoring, no old data."""
        self.column_filter.clear()
        self.clear_recode_preview()
        self.quality_view.clear()
        self.preview_model.set_frame(None)
        if self.preview_window is not None:
            self.preview_window.close()

    def clear_recode_preview(self) -> None:
        self.recode_model.set_rows([], [])
        self.recode_column = ""
        self._defined = None
        self.recode_title.setText(CHOOSE_COLUMN)
        self.reverse_check.setEnabled(False)
        self.confirm_button.setEnabled(False)

    def show_data(self) -> None:
        """The selected file's rows in a window of their own (not another tab bar)."""
        if self.loaded is None:
            return
        if self.preview_window is None:
            self.preview_window = DataWindow(self.preview_model, self)
        row = max(self.files_list.currentRow(), 0)
        self.preview_window.setWindowTitle(f"Data as read — {self.loaded.tables[row].name}")
        self.preview_window.show()
        self.preview_window.raise_()
        self.preview_window.activateWindow()

    def set_quality(self, quality: DataQuality | None, problem: str | None = None) -> None:
        tables = self.loaded.tables if self.loaded else []
        self.quality_view.setHtml(quality_html(tables, quality, problem))

    def set_recode_preview(self, defined: DefinedColumn) -> None:
        """Show what the analysis will do with each answer of the column (worked out in
        the worker from the same definition ``prepare`` uses)."""
        from ..core.survey.definitions import SCORED_KINDS

        current = self.columns_list.currentItem()
        if current is None or current.data(COLUMN_ROLE)[1] != defined.column:
            return  # the officer has moved on; a newer preview is coming
        if defined.topic != self.current_construct():
            return
        self._defined = defined
        self.add_definitions({defined.column: defined.definition})
        mapped = self._mapping is not None and defined.column in self._mapping.get(defined.topic)
        defn = defined.definition
        self.recode_model.set_rows(
            defined.rows, defined.keys, editable=mapped, scored=defn.kind in SCORED_KINDS
        )
        self.recode_column = defined.column
        label = BY_NAME[defined.topic].label
        state, why = officer_status(defn)
        status = state + (f" ({why})" if why else "")
        if mapped:
            self.recode_title.setText(
                f"“{defined.column}” for {label}: {defn.kind}, {status}."
            )
        else:
            self.recode_title.setText(
                f"If “{defined.column}” were ticked for {label}: {defn.kind}, {status}."
            )
        self.confirm_button.setEnabled(mapped and state != "confirmed")

    def after_definition_edit(self, column: str) -> None:
        """A definition changed: the lists say so, and the worker redoes the preview."""
        self.refresh_variables()
        name = self.current_construct()
        current = self.constructs_list.currentItem()
        if name and current is not None:
            current.setText(self._construct_text(name))
        self._update_run_state(False)
        self.mapping_edited.emit()
        item = self.columns_list.currentItem()
        if item is not None:
            self.preview_requested.emit(*item.data(COLUMN_ROLE))

    def _on_variable_chosen(self, index: Any, _prev: Any = None) -> None:
        """Opening a row of the variable view opens that question above."""
        if not index.isValid():
            return
        row = self.variable_model.rows[index.row()]
        if self.current_construct() != row.topic:
            self.select_construct(row.topic)
        for item in self.column_items():
            if item.data(COLUMN_ROLE)[1] == row.column:
                item.setHidden(False)
                self.columns_list.setCurrentItem(item)
                break

    def _on_file_selected(self, row: int) -> None:
        if self.loaded is None or not 0 <= row < len(self.loaded.tables):
            self.preview_model.set_frame(None)
            return
        table = self.loaded.tables[row]
        self.sheet_combo.clear()
        if table.sheets:
            self.sheet_combo.addItems(table.sheets)
            if table.sheet in table.sheets:
                self.sheet_combo.setCurrentIndex(table.sheets.index(table.sheet))
        else:
            self.sheet_combo.addItem("(one table)")
        self.header_spin.setValue(table.header_row + 1)
        self._set_file_controls(True)
        self.preview_model.set_frame(table.frame, table.variable_labels)

    def _on_remove(self) -> None:
        row = self.files_list.currentRow()
        if row >= 0:
            self.remove_file_requested.emit(row)

    def _on_reread(self) -> None:
        row = self.files_list.currentRow()
        if self.loaded is None or row < 0:
            return
        table = self.loaded.tables[row]
        sheet = self.sheet_combo.currentText() if table.sheets else None
        self.reread_requested.emit(row, sheet, self.header_spin.value() - 1)

    def _update_run_state(self, busy: bool) -> None:
        why = essentials_missing(self._mapping)
        self.run_hint.setText(why or "Ready: the analysis takes a few seconds.")
        self.run_button.setEnabled(not why and not busy)
