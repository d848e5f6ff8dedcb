"""Prepare: raw survey files + a mapping -> one clean, scored survey (DESIGN.md §1).

Why: every later step (levels, indices, models, the brief) wants one row per respondent
with scores, not labels, and an honest account of what was changed. This module stacks
the files (one council per file is common), gives every mapped column its question
definition (:mod:`define`: the saved one, or one built from the files with the scale
tables), applies exactly that definition, and writes each decision into a
:class:`DataQuality` report in plain words: what became missing and why, which answers
were not recognised (listed, never guessed), which questions were held back.

The frame produced is exactly the one described by :class:`SurveyFrame`; the mapping it
carries holds the definitions used, so saving it gives a ``coprod-mapping/2`` file that
reproduces the run. Work is done on the distinct answers of each column, never cell by
cell, so 50,000 rows prepare in a fraction of a second.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..progress import CancelFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from ..types import DataQuality, ItemInfo, Mapping, RawTable, SurveyFrame
from .ages import DEFAULT_AGE_BANDS, apply_age  # noqa: F401  (DEFAULT_AGE_BANDS re-exported)
from .columns import resolve_column
from .constructs import BY_NAME, CATEGORICAL_CONTROLS, DRIVERS, FORM_OF_OUTCOME, OUTCOMES
from .controls import authority, category, tidy_name, weight  # noqa: F401  (tidy_name re-exported)
from .define import apply_scores, column_missing, definition_for
from .definitions import QuestionDefinition
from .frequency import rate_per_year, rate_threshold
from .mapping import check_mapping
from .notes import file_note, held_back, missing_note, unknown_note, unscorable
from .scales import BY_SCALE, NUMERIC, looks_reverse_worded, threshold_position
from .stack import Stacked, stack
from .words import norm

log = logging.getLogger(__name__)

NOT_IN_FILE = "not asked in this file"


def _define(
    tables: Sequence[RawTable], mapping: Mapping, construct: str, name: str, quality: DataQuality
) -> tuple[Stacked, QuestionDefinition]:
    extra = () if construct == "weight" else mapping.missing
    st = stack(tables, name, extra, column_missing(mapping, name))
    file_note(st, construct, quality)
    for code, label in st.kept_codes.items():
        quality.add(
            "info",
            f"The mapping's missing code {code} is a real answer in {name!r} ({label!r}), "
            "so it was kept there. List it under that question in \"missing\" if it should "
            "be missing there too.",
            column=name,
            action="kept as an answer",
        )
    defn = definition_for(
        st, construct, reverse=name in set(mapping.reverse), saved=mapping.definitions.get(name)
    )
    return st, defn


def _scores(st: Stacked, defn: QuestionDefinition, quality: DataQuality) -> np.ndarray:
    scores, missing, unknown = apply_scores(st, defn)
    missing_note(st.name, missing, quality)
    unknown_note(st.name, unknown, quality)
    if defn.scale == NUMERIC:
        quality.add(
            "warning",
            f"{st.name!r} holds numbers without answer labels; they were used as ordered "
            f"scores ({', '.join(defn.labels[:12]) or 'as they are'}), assuming a higher number "
            "means more. Check this against the questionnaire.",
            column=st.name,
            action="numbers used as scores",
        )
    return scores


def _threshold(defn: QuestionDefinition, threshold: str) -> int | None:
    if defn.scale in BY_SCALE:
        return threshold_position(defn.scale, threshold)
    if defn.scale == "ranked rates":
        by_pos = {int(a.score): a.key for a in defn.answers if a.score is not None}
        rates = [rate_per_year(by_pos.get(i, "")) or 0.0 for i in range(defn.points)]
        return rate_threshold(rates, threshold)
    return None


def _mean_of(parts: list[np.ndarray]) -> np.ndarray:
    """Each respondent's mean over the items they answered (NaN: none): the same sums,
    added in the same order, as ``np.nansum(np.vstack(parts), axis=0)``, without the
    stacked copies (a million rows: 0.05-0.18 s of memory new to the process)."""
    total = np.zeros(len(parts[0]))
    valid = np.zeros(len(parts[0]), dtype=np.uint8 if len(parts) < 255 else np.intp)
    for p in parts:
        ok = ~np.isnan(p)
        total += np.where(ok, p, 0.0)
        valid += ok
    with np.errstate(invalid="ignore"):
        return np.where(valid > 0, total / np.maximum(valid, 1), np.nan)


def _rescaled(scores: np.ndarray, defn: QuestionDefinition) -> np.ndarray:
    """Scores on 0–1 (0 = lowest answer, 1 = highest); NaN stays NaN. A scale's scores
    are divided in place (``scores`` is the array :func:`_scores` just made)."""
    top = defn.points - 1
    if defn.scale != NUMERIC and top > 0:
        return np.divide(scores, top, out=scores)  # in place: the caller's own new array
    valid = scores[~np.isnan(scores)]
    if not len(valid) or valid.max() == valid.min():
        return scores * np.nan
    return (scores - valid.min()) / (valid.max() - valid.min())


def prepare(
    tables: list[RawTable],
    mapping: Mapping,
    *,
    progress: ProgressFn = no_progress,
    is_cancelled: CancelFn = never_cancelled,
) -> SurveyFrame:
    """Stack, recode and check the survey files: the input of the analysis.

    Raises :class:`InputError` when no file is given, when the mapping names a column no
    file has, or when the mapping has no co-production items at all.
    """
    if not tables:
        raise InputError("No survey file was given.", hint="Choose at least one survey file.")
    check_mapping(mapping, tables)
    if not any(mapping.has(o) for o in OUTCOMES):
        raise InputError(
            "The mapping has no co-production questions for "
            f"{', '.join(repr(t.name) for t in tables)}, so there is nothing to analyse.",
            hint="Map the how-often (or yes/no) questions about what residents do to "
            "individual_coproduction or collective_coproduction in the mapping file.",
        )
    quality = DataQuality()
    for t in tables:
        quality.rows_per_file[t.name] = len(t.frame)
        for note in t.notes:
            quality.add("info", note, source=t.name)
        for old, new, why in t.renamed_headers:
            quality.add(
                "info",
                f"In {t.name} the column header {old!r} was renamed {new!r}: {why}.",
                source=t.name,
                column=new,
                action="header renamed",
            )
    n = sum(len(t.frame) for t in tables)
    data: dict[str, Any] = {}
    used: dict[str, QuestionDefinition] = {}
    steps = 2 + sum(len(v) for v in mapping.columns.values())
    done = 0

    def step(msg: str) -> None:
        nonlocal done
        done += 1
        check_cancelled(is_cancelled)
        progress(min(done / steps, 1.0), msg)

    progress(0.0, "Preparing the survey")
    data["authority"] = authority(tables, mapping, quality)
    step("Councils")

    weighted = False
    if mapping.has("weight"):
        # The mapping's "missing" codes are answers, not weights: a weight of 9 stays 9.
        st, defn = _define(tables, mapping, "weight", mapping.get("weight")[0], quality)
        used[st.name] = defn
        if defn.usable:
            data["weight"] = weight(st, quality, ", ".join(repr(t.name) for t in tables))
            weighted = True
        else:
            quality.add(
                "warning",
                f"The weight column {st.name!r} has the same value for every respondent, so "
                "it would change nothing; it was ignored and the results are unweighted.",
                column=st.name,
                action="weight ignored",
            )
        step("Weights")

    items: list[ItemInfo] = []
    left_out: list[str] = []
    for construct in OUTCOMES:
        form = FORM_OF_OUTCOME[construct]
        k = 0
        for name in mapping.get(construct):
            st, defn = _define(tables, mapping, construct, name, quality)
            used[name] = defn
            step(f"Scoring {name[:40]}")
            if not defn.usable:
                held_back(name, construct, defn.reason, [a.label for a in defn.unknown], quality)
                left_out.append(f"{name!r} {defn.reason}")
                continue
            scores = _scores(st, defn, quality)
            if np.isnan(scores).all():
                unscorable(name, construct, quality)
                left_out.append(f"{name!r} has no answer that could be scored")
                continue
            labels = defn.labels
            pos = _threshold(defn, mapping.threshold)
            if pos is None:
                pos = _fallback_threshold(labels, mapping.threshold)
                quality.add(
                    "warning",
                    f"The answers to {name!r} have no {mapping.threshold!r}; "
                    f"'doing it regularly' was taken as a score of {pos} or more "
                    f"({_label_at(labels, pos)}).",
                    column=name,
                )
            k += 1
            column = f"{form}_{k}"
            data[column] = scores
            items.append(
                ItemInfo(
                    column=column,
                    source=st.question,
                    form=form,  # type: ignore[arg-type]
                    area=_area(mapping, name, tables),
                    scale=defn.scale or NUMERIC,
                    labels=list(labels),
                    regular_from=int(pos),
                    reversed=defn.reverse,
                )
            )
    if not items:
        raise InputError(
            "Co-production questions are mapped, but none could be scored, because "
            + "; ".join(left_out[:6])
            + ("; ..." if len(left_out) > 6 else "")
            + ".",
            hint="Give each answer listed for those questions a score (0 = least) or mark it "
            "missing in their question definitions, or map other questions, then run again.",
        )

    drivers: list[str] = []
    for construct in DRIVERS:
        parts = []
        for name in mapping.get(construct):
            st, defn = _define(tables, mapping, construct, name, quality)
            used[name] = defn
            if not defn.reverse and looks_reverse_worded(st.question):
                quality.add(
                    "warning",
                    f"{name!r} looks worded against {BY_NAME[construct].label.lower()} "
                    "(agreeing means less of it), but the mapping does not list it under "
                    '"reverse", so it was scored as it is.',
                    column=name,
                )
            step(f"Scoring {name[:40]}")
            if not defn.usable:
                held_back(name, construct, defn.reason, [a.label for a in defn.unknown], quality)
                continue
            parts.append(_rescaled(_scores(st, defn, quality), defn))
        if parts:
            data[construct] = mean = _mean_of(parts)
            if np.isnan(mean).all():
                quality.add(
                    "warning",
                    f"Nobody gave a usable answer for {BY_NAME[construct].label.lower()}, so "
                    "it cannot be examined.",
                    action="left out of the models",
                )
            else:
                drivers.append(construct)

    controls: list[str] = []
    if mapping.has("age"):
        st, defn = _define(tables, mapping, "age", mapping.get("age")[0], quality)
        used[st.name] = defn
        years, bands = apply_age(st, defn, quality)
        data["age"] = years
        data["age_band"] = bands
        if np.isfinite(years).sum() >= 2 and np.nanstd(years) > 0:
            controls.append("age")
        else:
            quality.add(
                "warning",
                "Too few usable ages to examine age.",
                column=st.name,
                action="left out of the models",
            )
        step("Age")
    for construct in CATEGORICAL_CONTROLS:
        if not mapping.has(construct):
            continue
        st, defn = _define(tables, mapping, construct, mapping.get(construct)[0], quality)
        used[st.name] = defn
        cat = category(st, quality, defn)
        data[construct] = cat
        if (pd.Series(cat).value_counts() > 0).sum() >= 2:
            controls.append(construct)
        else:
            quality.add(
                "warning",
                f"{st.name!r} ({BY_NAME[construct].label}) has fewer than two different "
                "answers, so it cannot be compared.",
                column=st.name,
                action="left out of the models",
            )
        step(BY_NAME[construct].label)

    if mapping.has("respondent_id"):
        _check_ids(tables, mapping.get("respondent_id")[0], quality)

    # Each column kept as the array it was made as: the default would copy every score
    # column into one block (0.2 s at a million rows) that nothing here needs.
    frame = pd.DataFrame(data, index=pd.RangeIndex(n), copy=False)
    _no_answers_note(frame, items, quality)
    progress(1.0, "Survey prepared")
    log.info("prepared %d respondents from %d file(s), %d items", n, len(tables), len(items))
    return SurveyFrame(
        data=frame,
        items=items,
        drivers=drivers,
        controls=controls,
        weighted=weighted,
        quality=quality,
        mapping=_with_definitions(mapping, used),
        sources=[t.name for t in tables],
    )


def _area(mapping: Mapping, name: str, tables: Sequence[RawTable]) -> str | None:
    if name in mapping.service_areas:
        return mapping.service_areas[name]
    for t in tables:
        real = resolve_column(t, name)
        if real is None:
            continue
        for key in (real, t.variable_labels.get(real, "")):
            if key in mapping.service_areas:
                return mapping.service_areas[key]
    return None


def _with_definitions(mapping: Mapping, used: dict[str, QuestionDefinition]) -> Mapping:
    """The mapping as applied: every prepared column's definition, reverse list in step."""
    defs = {**{k: v for k, v in mapping.definitions.items() if k in used}, **used}
    reverse = [c for c in mapping.reverse if c not in defs or defs[c].reverse]
    reverse += [c for c, d in defs.items() if d.reverse and c not in reverse]
    return replace(mapping, definitions=defs, reverse=reverse)


def _fallback_threshold(labels: list[str], threshold: str) -> int:
    """Threshold on a scale without the named answer: the label itself, else the upper half."""
    for i, lab in enumerate(labels):
        if norm(lab) == norm(threshold):
            return i
    return max(1, len(labels) // 2) if labels else 1


def _label_at(labels: list[str], pos: int) -> str:
    return repr(labels[pos]) if 0 <= pos < len(labels) else f"score {pos}"


def _check_ids(tables: Sequence[RawTable], name: str, quality: DataQuality) -> None:
    for t in tables:
        real = resolve_column(t, name)
        if real is None:
            continue
        dup = _repeats(t.frame[real].dropna())
        if dup:
            quality.add(
                "warning",
                f"{dup:,} respondent IDs in {t.name} appear more than once; check the file "
                "does not hold the same respondents twice.",
                source=t.name,
                column=real,
                count=dup,
            )


def _repeats(s: pd.Series) -> int:
    """Every repeat after the first: the same count as ``duplicated().sum()``.

    IDs usually come in order: a column that only ever increases repeats nothing, told
    by comparing neighbours (6 ms for a million text IDs). Otherwise one hash of the
    distinct IDs (0.15-0.45 s for a million; ``duplicated`` took 1.2 s)."""
    if len(s) > 1:
        if pd.api.types.is_numeric_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype):
            v = s.to_numpy()
            if bool((v[1:] > v[:-1]).all()):
                return 0
        elif getattr(s.dtype, "storage", None) == "pyarrow":
            import pyarrow as pa
            import pyarrow.compute as pc

            a = pa.array(s)  # the column's own Arrow array (no copy)
            if pc.all(pc.less(a.slice(0, len(a) - 1), a.slice(1))).as_py():
                return 0
    return len(s) - int(s.nunique())


def _no_answers_note(frame: pd.DataFrame, items: list[ItemInfo], quality: DataQuality) -> None:
    if not items:
        return
    cols = [i.column for i in items]
    none = int(frame[cols].isna().all(axis=1).sum())
    if none:
        quality.add(
            "warning",
            f"{none:,} respondents answered none of the co-production questions. They are "
            "kept (they count in the number of respondents) but cannot show any "
            "co-production.",
            count=none,
            action="kept",
        )
