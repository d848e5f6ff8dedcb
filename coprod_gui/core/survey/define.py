"""Building question definitions from the files (and a saved mapping), and applying them.

Why here and not in ``prepare``: the window shows the definitions before anything is
analysed, the command line saves them in the draft mapping, and ``prepare`` applies them;
all three must get the same definition from the same data. :func:`definition_for` is that
one builder; :func:`apply_scores` is the one way a scored definition becomes scores.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..types import Mapping, RawTable
from .ages import age_answers
from .constructs import BY_NAME
from .definitions import SCORED_KINDS, Answer, QuestionDefinition, settle
from .frequency import rank_frequencies
from .scales import BY_SCALE, NUMERIC, _key_score, detect_scale, missing_reason
from .stack import Stacked, stack
from .words import _is_number_key, norm

BLANK_KEY = "(blank)"
_KIND_OF_SCALE = {"frequency": "frequency", "agreement": "agreement", "satisfaction":
                  "satisfaction", "binary": "yes-no"}  # fmt: skip
NEGATIVE_CODE = "a negative code without a label (the usual code for not asked or don't know)"


def _shown(st: Stacked, i: int) -> str:
    u = st.uniques[i]
    return " ".join(str(u).split()) if isinstance(u, str) else norm(u)


def _base_answers(st: Stacked) -> tuple[list[Answer], list[int]]:
    """Missing-family answers decided; the others' indices returned for scoring."""
    counts = st.counts
    answers: list[Answer] = []
    rest: list[int] = []
    any_label = any(st.labelled)
    for i, u in enumerate(st.uniques):
        key = norm(u)
        origin = ("codebook" if st.from_codebook[i] else "file labels") if st.labelled[i] else "scale table"
        reason = missing_reason(u)
        if reason is not None:
            answers.append(Answer(key, _shown(st, i), int(counts[i]), None, reason, origin, st.code_of[i]))
        elif any_label and not st.labelled[i] and _is_number_key(key) and float(key) < 0:
            answers.append(Answer(key, _shown(st, i), int(counts[i]), None, NEGATIVE_CODE, "answers"))
        else:
            answers.append(Answer(key, _shown(st, i), int(counts[i]), None, None, "answers", st.code_of[i]))
            rest.append(i)
    return answers, rest


def _define_scored(st: Stacked, topic: str, reverse: bool) -> QuestionDefinition:
    answers, rest = _base_answers(st)
    texts = [st.uniques[i] for i in rest if not _is_number_key(norm(st.uniques[i]))]
    numbers = [i for i in rest if _is_number_key(norm(st.uniques[i]))]
    unused = [lab for lab in st.all_labels if missing_reason(lab) is None]
    sc = detect_scale([*texts, *unused]) if (texts or unused) else None
    base = QuestionDefinition(st.name, topic, st.question, reverse=reverse,
                              origins=(("topic", "mapping file"),))  # fmt: skip
    if reverse:
        base = replace(base, origins=(*base.origins, ("reverse", "mapping file")))

    def scored(scores: dict[int, float], origin: str) -> list[Answer]:
        return [replace(a, score=scores[i], origin=origin) if i in scores else a
                for i, a in enumerate(answers)]  # fmt: skip

    if texts and sc is not None:
        hit = {i: float(s) for i in rest if (s := _key_score(sc, st.uniques[i])) is not None}
        full = len(hit) == len(rest)
        kind = _KIND_OF_SCALE.get(BY_SCALE[sc].kind, "scale")
        if not full:
            ranks = rank_frequencies(texts)
            if ranks is not None and not numbers:
                return _ranked(st, base, answers, rest, ranks)
        out = scored(hit, "scale table")
        if sc == "ticked" and st.n_blank:
            out.append(Answer(BLANK_KEY, "(blank)", st.n_blank, 0.0, None, "scale table"))
        defn = replace(base, kind=kind, scale=sc, answers=tuple(out),
                       origins=(*base.origins, ("kind", "scale table")))  # fmt: skip
        words = " / ".join(BY_SCALE[sc].labels)
        return settle(replace(defn, status="confirmed", reason=f"every answer is on the scale {words}"))
    if texts:
        ranks = rank_frequencies(texts)
        if ranks is not None and not numbers:
            return _ranked(st, base, answers, rest, ranks)
        defn = replace(base, kind="categories", answers=tuple(answers),
                       origins=(*base.origins, ("kind", "answers")))  # fmt: skip
        return replace(defn, status="held back",
                       reason="needs checking: none of the answers is on a scale the program knows; "
                       "give each answer a score (0 = least) or mark it missing")  # fmt: skip
    if numbers:
        vals = {i: float(norm(st.uniques[i])) for i in numbers}
        lo, hi = min(vals.values()), max(vals.values())
        small = all(v.is_integer() for v in vals.values()) and hi - lo <= 10
        scores = {i: (v - lo if small else v) for i, v in vals.items()}
        if st.partial:
            why = ("only the two ends of the scale have labels: the codes are used as ordered "
                   "scores, turned so that a higher score means more")  # fmt: skip
        else:
            why = "numbers without answer labels, used as ordered scores (a higher number = more)"
        defn = replace(base, kind="scale", scale=NUMERIC, answers=tuple(scored(scores, "answers")),
                       origins=(*base.origins, ("kind", "answers")))  # fmt: skip
        return settle(replace(defn, status="to check", reason=why))
    return replace(base, kind="scale", answers=tuple(answers), status="held back",
                   reason="needs checking: nobody gave an answer that can be scored")  # fmt: skip


def _ranked(st: Stacked, base: QuestionDefinition, answers: list[Answer], rest: list[int],
            ranks: dict[str, int]) -> QuestionDefinition:  # fmt: skip
    out = [replace(a, score=float(ranks[a.key]), origin="answers") if i in rest else a
           for i, a in enumerate(answers)]  # fmt: skip
    defn = replace(base, kind="frequency", scale="ranked rates", answers=tuple(out),
                   origins=(*base.origins, ("kind", "answers")))  # fmt: skip
    return settle(replace(defn, status="to check",
                          reason="how-often answers put in order of how often each one says"))  # fmt: skip


def _define_categories(st: Stacked, topic: str) -> QuestionDefinition:
    answers, _rest = _base_answers(st)
    return QuestionDefinition(st.name, topic, st.question, kind="categories", answers=tuple(answers),
                              status="confirmed", reason="each answer is a group",
                              origins=(("topic", "mapping file"), ("kind", "answers")))  # fmt: skip


def _define_weight(st: Stacked, topic: str) -> QuestionDefinition:
    vals = []
    for u in st.uniques:
        try:
            vals.append(float(str(u).replace(",", "")) if isinstance(u, str) else float(u))
        except (TypeError, ValueError):
            continue
    good = {v for v in vals if np.isfinite(v) and v > 0}
    base = QuestionDefinition(st.name, topic, st.question, kind="number",
                              origins=(("topic", "mapping file"), ("kind", "answers")))  # fmt: skip
    if len(good) == 1:
        return replace(base, status="held back",
                       reason="every respondent has the same weight, so it changes nothing: ignored")  # fmt: skip
    return replace(base, status="confirmed", reason="survey weights")


def definition_for(st: Stacked, topic: str, *, reverse: bool = False,
                   saved: QuestionDefinition | None = None) -> QuestionDefinition:  # fmt: skip
    """The definition of one stacked column: the saved one (counts refreshed) or a new one.

    A saved definition is applied as saved; answers the data has and it lacks are added
    with the program's own decision if it has one, else unrecognised (holding a scored
    question back until they are scored).
    """
    kind = BY_NAME[topic].kind
    if kind in ("items", "score"):
        fresh = _define_scored(st, topic, reverse)
    elif kind == "age":
        fresh = age_answers(st, topic, this_year=datetime.date.today().year)
    elif kind == "weight":
        fresh = _define_weight(st, topic)
    elif kind == "category":
        fresh = _define_categories(st, topic)
    else:  # authority, respondent id: nothing to define answer by answer
        fresh = QuestionDefinition(st.name, topic, st.question, kind="categories", status="confirmed",
                                   origins=(("topic", "mapping file"),))  # fmt: skip
    if saved is None:
        return fresh
    counts = {a.key: a.count for a in fresh.answers}
    old = {a.key for a in saved.answers}
    answers = [replace(a, count=int(counts.get(a.key, 0))) for a in saved.answers]
    for a in fresh.answers:
        if a.key not in old and (saved.kind in SCORED_KINDS or kind != "age" or a.missing):
            recognised = a.recognised and saved.kind == fresh.kind
            answers.append(a if recognised else replace(a, score=None, missing=None, origin="answers"))
    merged = replace(saved, topic=topic, question=saved.question or st.question,
                     reverse=reverse, answers=tuple(answers))  # fmt: skip
    if saved.kind == "number" and kind == "weight":
        return replace(merged, status=fresh.status, reason=fresh.reason)
    settled = settle(merged)
    return settled if settled.status == "held back" or merged.status == "held back" else merged


def column_missing(mapping: Mapping, name: str) -> list[Any]:
    """The missing codes the mapping gives for this one question."""
    return list(mapping.missing_by_column.get(name, []))


def build_definitions(tables: Sequence[RawTable], mapping: Mapping) -> dict[str, QuestionDefinition]:
    """The definition of every mapped column, in mapping order (for the window and CLI)."""
    out: dict[str, QuestionDefinition] = {}
    reverse = set(mapping.reverse)
    for topic, names in mapping.columns.items():
        if topic not in BY_NAME:
            continue
        for name in names:
            extra = () if topic == "weight" else mapping.missing
            st = stack(tables, name, extra, column_missing(mapping, name))
            out[name] = definition_for(st, topic, reverse=name in reverse,
                                       saved=mapping.definitions.get(name))  # fmt: skip
    return out


def apply_scores(st: Stacked, defn: QuestionDefinition) -> tuple[np.ndarray, dict[str, int], dict[str, int]]:
    """Scores (reversed if the definition says so), missing counts by reason, unknown counts.

    Exactly the definition: an answer it scores gets that score, one it marks missing is
    missing with its reason, anything else is missing and counted as not recognised.
    """
    n = len(st.uniques)
    score = np.full(n + 1, np.nan)
    missing: dict[str, int] = {}
    unknown: dict[str, int] = {}
    counts = st.counts
    top = defn.points - 1
    for i, u in enumerate(st.uniques):
        a = defn.answer(u)
        c = int(counts[i])
        if a is None or not a.recognised:
            label = a.label if a is not None else _shown(st, i)
            unknown[label] = unknown.get(label, 0) + c
        elif a.missing is not None:
            missing[a.missing] = missing.get(a.missing, 0) + c
        else:
            assert a.score is not None
            score[i] = (top - a.score) if defn.reverse and top > 0 else a.score
    blank = defn.answer(BLANK_KEY)
    out = score[st.codes]  # -1 (no answer) picks the last slot: NaN
    if blank is not None and blank.score is not None and st.n_blank:
        # Blank means "not ticked" only in files that have the column and did not declare it.
        fill = (top - blank.score) if defn.reverse and top > 0 else blank.score
        out[(st.codes < 0) & ~st.absent] = fill
    elif st.n_blank > 0:
        missing["blank"] = missing.get("blank", 0) + st.n_blank
    if st.declared:
        missing["declared missing code"] = missing.get("declared missing code", 0) + st.declared
    return out, missing, unknown

