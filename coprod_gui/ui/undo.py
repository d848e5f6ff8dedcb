"""Undo and redo of the officer's matching and scoring edits (``QUndoStack``).

Why snapshots: a mapping is small (a few dozen column names and, with the question
definitions, a few hundred answers), so each edit keeps the whole mapping before and
after. Undo puts the "before" back, redo the "after"; one code path restores either, so
an undo can never leave the editor, the preview and the mapping disagreeing. The edit
itself is made by the control the officer used; the command's first ``redo`` (which
``QUndoStack.push`` calls) therefore does nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

Restore = Callable[[Any], None]


class MappingEdit(QUndoCommand):
    """One edit of the mapping: a tick, a reverse, a score, a missing answer, a file."""

    def __init__(self, restore: Restore, before: Any, after: Any, text: str) -> None:
        super().__init__(text)
        self._restore = restore
        self.before = copy.deepcopy(before)
        self.after = copy.deepcopy(after)
        self._done = True  # the control has already made the edit

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._restore(copy.deepcopy(self.after))

    def undo(self) -> None:
        self._restore(copy.deepcopy(self.before))


class SurveyEdit(QUndoCommand):
    """One edit of what the survey's answers mean as well as of the mapping (answer labels
    from a codebook): the tables before and after are kept as they are, never copied
    (a codebook makes new tables and leaves the old ones untouched, and copying a
    50,000-row survey on the window's thread would freeze it); the mappings are copied."""

    def __init__(self, restore: Restore, before: Any, after: Any, text: str) -> None:
        super().__init__(text)
        self._restore = restore
        self.before = before
        self.after = after
        self._done = True  # the window has already shown the "after"

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._restore(self.after)

    def undo(self) -> None:
        self._restore(self.before)
