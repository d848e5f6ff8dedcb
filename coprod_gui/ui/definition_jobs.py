"""Worker jobs for question definitions: define a column for a topic, and the preview rows.

Why the preview is built from the definition: ``prepare`` scores every mapped column with
``define.definition_for`` (the saved definition, or one built from the files) and
``define.apply_scores``. The window's preview uses the very same definition, so what it
says an answer becomes ("counts as 3 of 0–4", "missing: don't know", "age 45, the
band's midpoint") is what the analysis does. Stacking a column reads every row, so these
run in the worker.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.progress import CancelFn, ProgressFn, check_cancelled, slice_progress

if TYPE_CHECKING:
    from ..core.survey.definitions import Answer, QuestionDefinition
    from ..core.types import DataQuality, Mapping, RawTable, Suggestion
    from .worker import Job

MAX_NUMBER_ROWS = 12  # a number question lists its commonest values, then a summary row


@dataclass
class DefinedColumn:
    """One column as the analysis will use it for one topic, and its preview rows."""

    column: str
    topic: str
    definition: QuestionDefinition
    rows: list[list[Any]] = field(default_factory=list)  # answer, count, score, missing, what
    keys: list[str | None] = field(default_factory=list)  # each row's answer key (editable)


def define_column(
    tables: list[RawTable], mapping: Mapping, column: str, topic: str
) -> QuestionDefinition:
    """The definition ``prepare`` would use for ``column`` as a question of ``topic``."""
    from ..core.survey.define import column_missing, definition_for
    from ..core.survey.stack import stack

    extra = () if topic == "weight" else mapping.missing
    st = stack(tables, column, extra, column_missing(mapping, column))
    saved = mapping.definitions.get(column)
    if saved is not None and saved.topic != topic:
        saved = None  # defined for another topic: this one decides afresh
    return definition_for(st, topic, reverse=column in set(mapping.reverse), saved=saved)


def what_happens(defn: QuestionDefinition, answer: Answer) -> str:
    """What the analysis does with one answer, in plain words."""
    from ..core.survey.definitions import SCORED_KINDS

    if answer.missing is not None:
        return f"missing: {answer.missing}"
    if answer.score is None:
        if defn.kind in SCORED_KINDS:
            return "not recognised: give it a score or mark it missing"
        return "a group of its own" if defn.kind == "categories" else "not used"
    if defn.kind == "bands":
        return f"age {answer.score:g} (the band's midpoint)"
    if defn.kind == "number":
        return "used as a weight" if defn.topic == "weight" else f"the number {answer.score:g}"
    if defn.kind == "years of birth":
        return f"born {answer.score:g}"
    top = defn.points - 1
    used = (top - answer.score) if defn.reverse and top > 0 else answer.score
    turned = " (turned round: worded against its topic)" if defn.reverse else ""
    return f"counts as {used:g} of 0–{top}{turned}"


def preview_rows(defn: QuestionDefinition) -> tuple[list[list[Any]], list[str | None]]:
    """Rows for the answers table: answer (with the file's code), count, score, missing,
    what happens. A number question lists its commonest values and sums up the rest."""
    answers = list(defn.answers)
    numbers = defn.kind in ("number", "years of birth") and len(answers) > MAX_NUMBER_ROWS
    rest: list[Answer] = []
    if numbers:
        answers.sort(key=lambda a: (a.missing is None, -a.count))
        shown = [a for a in answers if a.missing is not None or a.score is None]
        values = [a for a in answers if a not in shown]
        room = max(MAX_NUMBER_ROWS - len(shown), 3)
        shown += values[:room]
        rest = values[room:]
        answers = shown
    rows: list[list[Any]] = []
    keys: list[str | None] = []
    for a in answers:
        label = a.label if a.code is None or a.code == a.label else f"{a.code} = {a.label}"
        score = "" if a.score is None else f"{a.score:g}"
        rows.append([label, int(a.count), score, "yes" if a.missing else "", what_happens(defn, a)])
        keys.append(a.key)
    if rest:
        scores = [a.score for a in rest if a.score is not None]
        rows.append(
            [
                f"{len(rest):,} other values",
                sum(a.count for a in rest),
                f"{min(scores):g}–{max(scores):g}" if scores else "",
                "",
                "used as numbers",
            ]
        )
        keys.append(None)
    if not rows and defn.kind == "number":  # a weight lists no answers: say what it does
        what = "used as a weight" if defn.topic == "weight" else "used as numbers"
        rows.append(["every answer (a number)", "", "", "", f"{what}: {defn.reason}".rstrip(": ")])
        keys.append(None)
    return rows, keys


def define_preview(
    tables: list[RawTable],
    mapping: Mapping,
    column: str,
    topic: str,
    *,
    progress: ProgressFn,
    is_cancelled: CancelFn,
) -> DefinedColumn:
    """The work of :func:`define_job`, in the helper process (which holds the tables)."""
    defn = define_column(tables, mapping, column, topic)
    rows, keys = preview_rows(defn)
    return DefinedColumn(column, topic, defn, rows, keys)


def define_columns(
    tables: list[RawTable],
    mapping: Mapping,
    columns: list[str],
    *,
    progress: ProgressFn,
    is_cancelled: CancelFn,
) -> dict[str, QuestionDefinition]:
    """The work of :func:`define_missing_job`, in the helper process."""
    out = {}
    topics = {c: t for t, cols in mapping.columns.items() for c in cols}
    for i, column in enumerate(columns):
        progress(i / max(len(columns), 1), f"Working out how {column} is answered")
        if column in topics:
            out[column] = define_column(tables, mapping, column, topics[column])
    return out


def _in_helper(
    func: Any, tables: list[RawTable], args: tuple, progress: ProgressFn, is_cancelled: CancelFn
) -> Any:
    """Run ``func(tables, *args)`` in the helper process, the tables sent as their keys
    (it keeps what it read). Stacking a column reads every row: in the worker thread that
    held the GIL, and so stalled the window, while the officer clicked through questions.
    A preview clicked past is let finish (``end_on_cancel=False``), not the helper ended.
    Tables the helper does not hold (labelled by a codebook in the window) are worked on
    here, as sending them whole for each preview would cost more than it saves."""
    from ..core.child import Kept, maybe_kept, shared_child

    check_cancelled(is_cancelled)
    sent = [maybe_kept(t) for t in tables]
    if not all(isinstance(t, Kept) for t in sent):
        return func(tables, *args, progress=progress, is_cancelled=is_cancelled)
    return shared_child().run(
        func,
        (sent, *args),
        progress=progress,
        is_cancelled=is_cancelled,
        end_on_cancel=False,
    )


def define_job(tables: list[RawTable], mapping: Mapping, column: str, topic: str) -> Job:
    """Define ``column`` for ``topic`` and make its preview rows (in the helper)."""

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> DefinedColumn:
        return _in_helper(define_preview, tables, (mapping, column, topic), progress, is_cancelled)

    return job


def build_all(tables: list[RawTable], mapping: Mapping) -> dict[str, QuestionDefinition]:
    """Every mapped column's definition (when a survey is read or a mapping loaded)."""
    from ..core.survey.define import build_definitions

    return build_definitions(tables, mapping)


def define_missing_job(tables: list[RawTable], mapping: Mapping, columns: list[str]) -> Job:
    """Definitions for mapped columns that have none yet (after a survey is read or a
    column ticked), so the variable view can show every question's kind and status."""

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> dict[str, QuestionDefinition]:
        return _in_helper(define_columns, tables, (mapping, list(columns)), progress, is_cancelled)

    return job


# --------------------------------------------------------------------------- answer labels


@dataclass
class Labelled:
    """A survey after a codebook gave its codes words: what the Import tab shows next."""

    source: str  # the codebook's file name
    path: Path
    tables: list[RawTable]
    mapping: Mapping
    suggestions: list[Suggestion]
    labelled: list[str]  # columns whose answers got their labels from the codebook
    matched: list[str]  # topics matched only now that the answers have words
    quality: DataQuality | None = None
    quality_problem: str | None = None
    thread_id: int = 0


def merge_suggested(mapping: Mapping, suggested: Mapping) -> tuple[Mapping, list[str]]:
    """``mapping`` with the topics it leaves unmatched filled from ``suggested``.

    Why only those: a topic the officer has already matched is the officer's (or was
    checked by them); a codes-only survey has most topics unmatched, because nothing can
    be recognised in bare numbers, and the labels make them recognisable.
    """
    merged = copy.deepcopy(mapping)
    used = {c for cols in merged.columns.values() for c in cols}
    matched = []
    for topic, columns in suggested.columns.items():
        if merged.has(topic):
            continue
        new = [c for c in columns if c not in used]
        if not new:
            continue
        merged.columns[topic] = new
        used.update(new)
        matched.append(topic)
        merged.reverse += [c for c in suggested.reverse if c in new and c not in merged.reverse]
        for column in new:
            if column in suggested.service_areas:
                merged.service_areas.setdefault(column, suggested.service_areas[column])
    return merged, matched


def labels_job(tables: list[RawTable], mapping: Mapping, path: Path) -> Job:
    """Read a codebook (the reader ``analyse --codebook`` uses) and give the survey's codes
    their labels; the questions it labels are defined again from the words, and topics
    nobody matched yet are suggested afresh. In the worker: the codebook is a file."""

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> Labelled:
        import threading

        from ..core.errors import InputError
        from ..core.survey.codebook import apply_codebook, read_codebook
        from ..core.survey.define import build_definitions
        from ..core.survey.mapping import suggest_mapping
        from .jobs import check_quality

        progress(0.0, f"Reading {path.name}")
        book = read_codebook(path)
        check_cancelled(is_cancelled)
        labelled_tables = apply_codebook(tables, book)
        labelled = [
            column
            for old, new in zip(tables, labelled_tables, strict=True)
            for column, origin in new.label_origin.items()
            if origin == "codebook" and old.label_origin.get(column) != "codebook"
        ]
        texts = any(
            new.variable_labels != old.variable_labels
            for old, new in zip(tables, labelled_tables, strict=True)
        )
        if not labelled and not texts:
            raise InputError(
                f"The codebook {path.name!r} gives no new labels for this survey's columns.",
                hint="Check that its variable names are the survey's column names, and that "
                "the answers have no labels already (the file's own labels are kept).",
            )
        progress(0.3, "Matching questions to what they measure")
        suggested, suggestions = suggest_mapping(labelled_tables)
        merged, matched = merge_suggested(mapping, suggested)
        fresh = set(labelled)
        merged.definitions = {k: v for k, v in merged.definitions.items() if k not in fresh}
        check_cancelled(is_cancelled)
        progress(0.5, "Working out how each question is answered")
        merged.definitions = build_definitions(labelled_tables, merged)
        quality, problem = check_quality(
            labelled_tables, merged, slice_progress(progress, 0.6, 1.0), is_cancelled
        )
        return Labelled(
            book.source,
            path,
            labelled_tables,
            merged,
            suggestions,
            labelled,
            matched,
            quality,
            problem,
            threading.get_ident(),
        )

    return job
