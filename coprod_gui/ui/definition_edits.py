"""The Import tab's question-definition edits: scores, missing answers, reverse, confirm.

Why a separate piece: every edit here is the same three steps: take the question's
definition, make a new one with a pure function of ``core.survey.definitions``
(``set_score``, ``mark_missing``, ``set_reverse``, ``confirm``), and record the mapping
before and after as one undoable step; then the worker works out again what the analysis
will do (the preview), so the answers table never shows a score the analysis would not
use. The tab (:class:`~.import_tab.ImportTab`) mixes this in.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..core.errors import InputError
from ..core.survey.constructs import BY_NAME
from .variable_view import VariableRow

if TYPE_CHECKING:
    from ..core.survey.definitions import QuestionDefinition
    from .definition_jobs import DefinedColumn

HINT_TO_CHECK = "to check"


def officer_status(defn: QuestionDefinition | None) -> tuple[str, str]:
    """The status the officer sees, and why.

    The definitions say "confirmed" when every answer is on a known scale; for the
    officer that is still the program's guess (is it the right question for the topic,
    is the scale read the right way round?), so it stays "to check" until the officer
    confirms it ("status" decided by the officer, also when read back from a project).
    """
    if defn is None:
        return HINT_TO_CHECK, "the program's guess"
    if defn.status == "held back":
        return "held back", defn.reason
    if defn.status == "confirmed" and defn.origin_of("status") == "officer":
        return "confirmed", defn.reason
    return HINT_TO_CHECK, defn.reason or "the program's guess"


class DefinitionEdits:
    """Mixed into ImportTab (which provides the widgets, ``_mapping`` and ``commit``)."""

    _mapping: Any
    _defined: DefinedColumn | None

    # ------------------------------------------------------------------ reading

    def definition(self, column: str) -> QuestionDefinition | None:
        """The definition the analysis will use for a mapped column (None: not yet known)."""
        if self._mapping is None:
            return None
        return self._mapping.definitions.get(column)

    def topic_of(self, column: str) -> str | None:
        if self._mapping is None:
            return None
        return next((t for t, cols in self._mapping.columns.items() if column in cols), None)

    def unconfirmed(self) -> tuple[list[str], list[str]]:
        """Topics (labels) with a question still to check, and questions held back."""
        to_check: list[str] = []
        held: list[str] = []
        if self._mapping is None:
            return to_check, held
        for topic, columns in self._mapping.columns.items():
            label = BY_NAME[topic].label if topic in BY_NAME else topic
            for column in columns:
                status, _why = officer_status(self._mapping.definitions.get(column))
                if status == "held back":
                    held.append(f"{column} ({label})")
                elif status != "confirmed" and label not in to_check:
                    to_check.append(label)
        return to_check, held

    def open_first_to_check(self) -> None:
        """ "Let me check": open the first question still to check (or held back)."""
        for i, row in enumerate(self.variable_model.rows):
            if row.status != "confirmed":
                self.variable_view.setFocus()
                self.variable_view.selectRow(i)
                self.variable_view.setCurrentIndex(self.variable_model.index(i, 0))
                return

    def missing_definitions(self) -> list[str]:
        """Mapped columns whose definition has not been worked out yet."""
        if self._mapping is None:
            return []
        return [
            c
            for topic, cols in self._mapping.columns.items()
            for c in cols
            if (d := self._mapping.definitions.get(c)) is None or d.topic != topic
        ]

    def add_definitions(self, definitions: dict[str, QuestionDefinition]) -> None:
        """Definitions the worker worked out for newly mapped columns (not an edit: the
        program's own reading of the file, so not on the undo stack)."""
        if self._mapping is None:
            return
        for column, defn in definitions.items():
            if self.topic_of(column) == defn.topic and column not in self._mapping.definitions:
                self._mapping.definitions[column] = defn
        self.refresh_variables()

    # ------------------------------------------------------------------ the variable view

    def refresh_variables(self) -> None:
        rows = []
        if self._mapping is not None:
            for topic, columns in self._mapping.columns.items():
                label = BY_NAME[topic].label if topic in BY_NAME else topic
                for column in columns:
                    defn = self._mapping.definitions.get(column)
                    question = self._question(column)
                    if defn is None or defn.topic != topic:
                        rows.append(VariableRow(topic, label, column, question, "", False, "", ""))
                    else:
                        status, why = officer_status(defn)
                        rows.append(
                            VariableRow(
                                topic,
                                label,
                                column,
                                question,
                                defn.kind,
                                column in self._mapping.reverse,
                                status,
                                why,
                            )
                        )
        self.variable_model.set_rows(rows)
        self._keep_variable_row()

    def _keep_variable_row(self) -> None:
        """After the rows are redone, the question open stays the view's current row
        (quietly: it is open already). A view with no current row selects its first row
        when it gets the keyboard focus, which opened another question."""
        from PySide6.QtCore import QItemSelectionModel

        row = self.variable_model.row_of(self.recode_column) if self.recode_column else -1
        if row < 0:
            return
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        selection = self.variable_view.selectionModel()
        selection.blockSignals(True)
        try:
            selection.setCurrentIndex(self.variable_model.index(row, 0), flags)
        finally:
            selection.blockSignals(False)
        self.variable_view.viewport().update()

    def _question(self, column: str) -> str:
        loaded = self.loaded
        if loaded is None:
            return ""
        for table in loaded.tables:
            if column in table.frame.columns:
                return table.question_text(column)
        return ""

    # ------------------------------------------------------------------ edits

    def _edit(self, column: str, new: QuestionDefinition, text: str) -> None:
        before = copy.deepcopy(self._mapping)
        self._mapping.definitions[column] = new
        if new.reverse != (column in self._mapping.reverse):
            if new.reverse:
                self._mapping.reverse.append(column)
            else:
                self._mapping.reverse.remove(column)
        self.commit(before, text)
        self.after_definition_edit(column)

    def _opened(self) -> tuple[str, QuestionDefinition] | None:
        """The question opened in the answers table, when its edits change the analysis."""
        defined = self._defined
        if defined is None or self._mapping is None:
            return None
        if defined.column not in self._mapping.get(defined.topic):
            return None
        defn = self._mapping.definitions.get(defined.column)
        if defn is None or defn.topic != defined.topic:
            defn = defined.definition
        return defined.column, defn

    def _say(self, message: str) -> None:
        self.recode_title.setText(message)

    def on_score_edited(self, key: str, score: float) -> None:
        from ..core.survey.definitions import set_score

        opened = self._opened()
        if opened is None:
            return
        column, defn = opened
        try:
            new = set_score(defn, key, score)
        except InputError as exc:
            self._say(f"{exc.message} {exc.hint or ''}".strip())
            return
        label = defn.answer(key).label if defn.answer(key) else key
        self._edit(column, new, f"Score “{label}” {score:g} in {column}")

    def on_missing_toggled(self, key: str, missing: bool) -> None:
        from ..core.survey.definitions import mark_missing, set_score

        opened = self._opened()
        if opened is None:
            return
        column, defn = opened
        answer = defn.answer(key)
        label = answer.label if answer is not None else key
        if missing:
            new = mark_missing(defn, key, "marked missing by the officer")
            text = f"Count “{label}” as missing in {column}"
        else:
            top = max((a.score for a in defn.answers if a.score is not None), default=-1.0)
            new = set_score(defn, key, top + 1)  # on top of the scale: the officer moves it
            text = f"Score “{label}” {top + 1:g} in {column}"
        self._edit(column, new, text)

    def set_reverse_of(self, column: str, reverse: bool) -> None:
        """The "worded against its topic" tick, from the variable view or the check box."""
        from ..core.survey.definitions import set_reverse

        if self._mapping is None:
            return
        defn = self._mapping.definitions.get(column)
        if defn is not None:
            self._edit(
                column,
                set_reverse(defn, reverse),
                f"{'Reverse' if reverse else 'Stop reversing'} {column}",
            )
            return
        before = copy.deepcopy(self._mapping)
        if reverse and column not in self._mapping.reverse:
            self._mapping.reverse.append(column)
        elif not reverse and column in self._mapping.reverse:
            self._mapping.reverse.remove(column)
        self.commit(before, f"{'Reverse' if reverse else 'Stop reversing'} {column}")
        self.after_definition_edit(column)

    def confirm_opened(self) -> None:
        """The officer's "this question is right"."""
        from ..core.survey.definitions import confirm

        opened = self._opened()
        if opened is None:
            return
        column, defn = opened
        try:
            new = confirm(defn)
        except InputError as exc:
            self._say(f"{exc.message} {exc.hint or ''}".strip())
            return
        self._edit(column, new, f"Confirm {column}")

    def confirm_all(self) -> list[str]:
        """Confirm every question still to check, as one undoable step; returns the columns
        that could not be confirmed (answers still unrecognised)."""
        from ..core.survey.definitions import confirm

        if self._mapping is None:
            return []
        before = copy.deepcopy(self._mapping)
        refused = []
        for column, defn in list(self._mapping.definitions.items()):
            if self.topic_of(column) is None or officer_status(defn)[0] != HINT_TO_CHECK:
                continue
            try:
                self._mapping.definitions[column] = confirm(defn)
            except InputError:
                refused.append(column)
        self.commit(before, "Confirm all questions")
        self.refresh_variables()
        self.mapping_edited.emit()
        return refused
