"""Prepare: raw survey files + a mapping -> one clean, scored survey (DESIGN.md §1).

Why: every later step (levels, indices, models, the brief) wants one row per respondent
with scores, not labels, and an honest account of what was changed. This module stacks
the files (one council per file is common), recodes every mapped column with the scale
tables of :mod:`coprod_gui.core.scales`, and writes each decision into a
:class:`DataQuality` report in plain words: what became missing and why, which answers
were not recognised (listed, never guessed), which headers were renamed.

The frame produced is exactly the one described by :class:`SurveyFrame`. Work is done on
the distinct answers of each column, never cell by cell, so 50,000 rows prepare in a
fraction of a second.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..privacy import ANOTHER_ANSWER, looks_personal, safe_label
from ..progress import CancelFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from ..types import DataQuality, ItemInfo, Mapping, RawTable, SurveyFrame
from .constructs import BY_NAME, CATEGORICAL_CONTROLS, DRIVERS, FORM_OF_OUTCOME, OUTCOMES
from .mapping import check_mapping, resolve_column
from .scales import (
    BLANK,
    DECLARED,
    UNKNOWN,
    endpoint_codes,
    ends_score,
    looks_reverse_worded,
    missing_reason,
    norm,
    recode_codes,
    threshold_position,
)

log = logging.getLogger(__name__)

NOT_IN_FILE = "not asked in this file"
DEFAULT_AGE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("16-34", 0, 35),
    ("35-54", 35, 55),
    ("55-74", 55, 75),
    ("75+", 75, 200),
)
AGE_MIN, AGE_MAX = 16.0, 110.0
"""Plausible ages for a resident survey of adults; others become missing with a note."""
OPEN_BAND_WIDTH = 5.0
"""An open top band such as "75+" or "65 and over" is given the midpoint lower bound + 5."""
MAX_EXAMPLES = 12


# ---------------------------------------------------------------------------------------
# stacking one mapped column over all files


@dataclass
class _Stacked:
    """One mapped column over all files, factorised: labels applied, declared codes gone."""

    name: str
    codes: np.ndarray  # int, length = all rows; -1 where missing before recoding
    uniques: list[Any]  # distinct answers (labels instead of labelled codes)
    question: str
    declared: int = 0  # cells that were declared missing codes
    not_in_file: int = 0  # rows of files that lack the column
    files_without: list[str] = field(default_factory=list)
    mixed: list[str] = field(default_factory=list)  # files where numbers and text mix
    partial: list[str] = field(default_factory=list)  # files labelling only the scale's ends


def _factorize(s: pd.Series) -> tuple[np.ndarray, Any]:
    """Codes and distinct values; text goes through a plain object array (twice as fast)."""
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        return pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
    return pd.factorize(s, use_na_sentinel=True)


def _stack(tables: Sequence[RawTable], name: str, extra_missing: Sequence[Any]) -> _Stacked:
    parts: list[np.ndarray] = []
    index: dict[Any, int] = {}
    uniques: list[Any] = []
    question = name
    declared = 0
    not_in = 0
    without: list[str] = []
    mixed: list[str] = []
    partial: list[str] = []
    found = False
    for t in tables:
        real = resolve_column(t, name)
        n = len(t.frame)
        if real is None:
            parts.append(np.full(n, -1, dtype=np.intp))
            not_in += n
            without.append(t.name)
            continue
        if not found:
            question = t.question_text(real)
            found = True
        fcodes, funiq = _factorize(t.frame[real])
        part_uniques = list(funiq)
        if len({isinstance(u, str) for u in part_uniques}) == 2:
            mixed.append(t.name)
        codes = {norm(x) for x in [*extra_missing, *t.missing_codes.get(real, [])]}
        labels = {norm(k): str(v) for k, v in (t.value_labels.get(real) or {}).items()}
        ends = (
            endpoint_codes(part_uniques, t.value_labels.get(real), [*extra_missing, *codes])
            if labels
            else None
        )
        if ends is not None:
            partial.append(t.name)
        to_global = np.full(len(part_uniques) + 1, -1, dtype=np.intp)
        gone = np.zeros(len(part_uniques) + 1, dtype=bool)
        for i, u in enumerate(part_uniques):
            value = u
            if codes or labels:
                key = norm(u)
                lab = labels.get(key)
                if key in codes or (lab is not None and norm(lab) in codes):
                    gone[i] = True
                    continue
                if ends is not None and _is_code(key) and ends[0] <= float(key) <= ends[1]:
                    value = ends_score(float(key), ends)
                elif lab is not None:
                    value = lab
            j = index.get(value)
            if j is None:
                j = index[value] = len(uniques)
                uniques.append(value)
            to_global[i] = j
        if gone.any():
            declared += int(gone[fcodes].sum())
        parts.append(to_global[fcodes])
    codes_all = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
    return _Stacked(name, codes_all, uniques, question, declared, not_in, without, mixed, partial)


def _is_code(key: str) -> bool:
    try:
        float(key)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------
# the quality report helpers


def _file_note(st: _Stacked, construct: str, quality: DataQuality) -> None:
    if st.files_without:
        quality.add(
            "warning",
            f"The column {st.name!r} ({BY_NAME[construct].label}) is not in "
            f"{', '.join(st.files_without)}: its {st.not_in_file:,} respondents count as not "
            "having answered it.",
            column=st.name,
            count=st.not_in_file,
            action="treated as missing",
        )
    if st.partial:
        quality.add(
            "warning",
            f"In {', '.join(st.partial)} only some codes of {st.name!r} have answer labels "
            "(usually the two ends of the scale); the codes were used as ordered scores, "
            "turned so that a higher score means more.",
            column=st.name,
            action="codes used as scores",
        )
    if st.mixed:
        quality.add(
            "info",
            f"The column {st.name!r} holds both numbers and text in "
            f"{', '.join(st.mixed)}; both were read the same way.",
            column=st.name,
            action="numbers and text matched as answers",
        )


def _missing_note(
    name: str, counts: dict[str, int], quality: DataQuality, what: str = "answers"
) -> None:
    counts = {k: v for k, v in counts.items() if v}
    if not counts:
        return
    total = sum(counts.values())
    parts = ", ".join(f"{v:,} {k}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    quality.add(
        "info",
        f"{total:,} {what} in {name!r} became missing: {parts}.",
        column=name,
        count=total,
        action="treated as missing",
    )


def _short(label: str, limit: int = 60) -> str:
    """Long "labels" are probably free text: show only their start."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _personal_note(name: str, count: int, quality: DataQuality) -> None:
    if count:
        quality.add(
            "warning",
            f"{count:,} answers in {name!r} look like personal details (an e-mail address, "
            f"phone number, postcode, web address or free text). They count as "
            f"{ANOTHER_ANSWER!r} and are never printed.",
            column=name,
            count=count,
            action=f"counted as {ANOTHER_ANSWER!r}",
        )


def _unknown_note(name: str, unknown: dict[str, int], quality: DataQuality) -> None:
    if not unknown:
        return
    total = sum(unknown.values())
    order = sorted(unknown, key=lambda k: -unknown[k])
    labels = [_short(lab) for lab in order]
    # The message is exported (brief, workbook, results.json), so it never quotes the
    # answers: an unrecognised cell can be a resident's free text (a name, a phone number).
    # They stay in ``examples``, which only the window shows.
    kinds = f"{len(labels):,} different answer{'s' if len(labels) != 1 else ''}"
    quality.add(
        "warning",
        f"{total:,} answers in {name!r} are not ones this program recognises ({kinds}). "
        "They were not guessed: they count as missing. Add them to the mapping's "
        '"missing" list if that is what they mean, or check the column.',
        column=name,
        count=total,
        examples=labels[:MAX_EXAMPLES],
        action="treated as missing",
    )


def _unscorable(name: str, construct: str, quality: DataQuality) -> None:
    """Note an item left out because none of its answers could be scored."""
    quality.add(
        "error",
        f"No answer in {name!r} could be scored, so it was left out of "
        f"{BY_NAME[construct].label.lower()}.",
        column=name,
        action="item left out",
    )


def _recode_stacked(st: _Stacked, *, reverse: bool, quality: DataQuality) -> tuple[np.ndarray, Any]:
    rec = recode_codes(st.codes, st.uniques, reverse=reverse)
    counts = dict(rec.missing_counts)
    blank = counts.pop(BLANK, 0) - st.declared - st.not_in_file
    if blank > 0:
        counts[BLANK] = blank
    if st.declared:
        counts[DECLARED] = counts.get(DECLARED, 0) + st.declared
    if st.not_in_file:
        counts[NOT_IN_FILE] = st.not_in_file
    rec.missing_counts = counts
    _missing_note(st.name, {k: v for k, v in counts.items() if k != NOT_IN_FILE}, quality)
    _unknown_note(st.name, rec.unknown, quality)
    if rec.numeric_unlabelled:
        quality.add(
            "warning",
            f"{st.name!r} holds numbers without answer labels; they were used as ordered "
            f"scores ({', '.join(rec.labels) or 'as they are'}), assuming a higher number "
            "means more. Check this against the questionnaire.",
            column=st.name,
            action="numbers used as scores",
        )
    return rec.scores.to_numpy(dtype=float), rec


# ---------------------------------------------------------------------------------------
# council names


def tidy_name(stem: str) -> str:
    """A council name from a file name: "kelworth_2024" -> "Kelworth 2024"."""
    words = re.sub(r"[_\-.]+", " ", stem).split()
    return " ".join(w[:1].upper() + w[1:] if w.islower() else w for w in words) or stem


def _file_label(t: RawTable, all_tables: Sequence[RawTable]) -> str:
    base = tidy_name(t.source.stem)
    same = [x for x in all_tables if tidy_name(x.source.stem) == base]
    if len(same) > 1 and t.sheet:
        return f"{base} {tidy_name(t.sheet)}"
    return base


def _authority(
    tables: Sequence[RawTable], mapping: Mapping, quality: DataQuality
) -> pd.Categorical:
    names = mapping.get("authority")
    parts: list[np.ndarray] = []
    for t in tables:
        n = len(t.frame)
        real = resolve_column(t, names[0]) if names else None
        if real is None:
            label = _file_label(t, tables)
            parts.append(np.full(n, label, dtype=object))
            if names:
                quality.add(
                    "warning",
                    f"{t.name} has no column {names[0]!r}, so its respondents were given the "
                    f"council name {label!r} from the file name.",
                    source=t.name,
                    column=names[0],
                    count=n,
                )
            continue
        s = t.frame[real].astype(object)
        labels = {norm(k): str(v) for k, v in (t.value_labels.get(real) or {}).items()}
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        tidy = [
            " ".join(str(labels.get(norm(u), u)).split()) if missing_reason(u) is None else None
            for u in uniques
        ]
        personal = sum(
            int((codes == i).sum()) for i, v in enumerate(tidy) if v and looks_personal(v)
        )
        tidy = [safe_label(v) if v else v for v in tidy]
        _personal_note(real, personal, quality)
        sel = np.where(codes >= 0, codes, len(uniques))
        arr = np.array([*(v or None for v in tidy), None], dtype=object)[sel]
        bad = int(np.array([not v for v in tidy] + [True])[sel].sum())
        if bad:
            quality.add(
                "warning",
                f"{bad:,} respondents in {t.name} have no council in {real!r}. They count in "
                "the overall figures but not in figures by council or in the models.",
                source=t.name,
                column=real,
                count=bad,
                action="council left missing",
            )
        parts.append(arr)
    allv = np.concatenate(parts) if parts else np.array([], dtype=object)
    codes, uniques = pd.factorize(allv, use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    # Merge spellings that differ only in case or spacing, keeping the commonest.
    canon: dict[str, str] = {}
    for i in np.argsort(-counts, kind="stable"):
        canon.setdefault(norm(uniques[i]) or str(uniques[i]), str(uniques[i]))
    merged = [canon[norm(u) or str(u)] for u in uniques]
    cats = sorted(set(merged))
    where = {c: i for i, c in enumerate(cats)}
    lut = np.array([*(where[nm] for nm in merged), -1], dtype=np.int64)
    return pd.Categorical.from_codes(
        lut[np.where(codes >= 0, codes, len(uniques))], categories=cats
    )


# ---------------------------------------------------------------------------------------
# age


_BAND = re.compile(r"^(\d{1,3})\s*(?:-|–|—|to)\s*(\d{1,3})(?:\s*(?:years?|yrs)(?: old)?)?$")
_OPEN_TOP = re.compile(
    r"^(\d{1,3})\s*(?:\+|plus|and over|or over|and older|or older|years and over|"
    r"years or over|years and older|or more|and above)$"
)
_OPEN_BOTTOM = re.compile(r"^(?:under|below|less than|younger than)\s*(\d{1,3})$")
_UP_TO = re.compile(r"^(\d{1,3})\s*(?:or under|and under|or younger|or less)$")


def _parse_age(value: Any) -> tuple[str, float | None, float | None, float | None]:
    """(kind, years, band low, band high) of an age answer.

    kind is "years", "band", "missing:<reason>" or "unknown".
    """
    key = norm(value)
    if not key:
        return ("missing:" + BLANK, None, None, None)
    try:
        years = float(key)
    except ValueError:
        pass
    else:
        return ("years", years, None, None)
    reason = missing_reason(value)
    if reason:
        return ("missing:" + reason, None, None, None)
    text = " ".join(str(value).lower().replace("aged", "").split())
    text = re.sub(r"\s*(?:years?|yrs)(?: old)?$", "", text) if not _BAND.match(text) else text
    if m := _BAND.match(text):
        lo, hi = float(m.group(1)), float(m.group(2))
        if lo < hi:
            return ("band", (lo + hi) / 2, lo, hi + 1)
    if m := _OPEN_TOP.match(text):
        lo = float(m.group(1))
        return ("band", lo + OPEN_BAND_WIDTH, lo, 200.0)
    if m := _OPEN_BOTTOM.match(text):
        hi = float(m.group(1))
        return ("band", (AGE_MIN + hi - 1) / 2, 0.0, hi)
    if m := _UP_TO.match(text):
        hi = float(m.group(1))
        return ("band", (AGE_MIN + hi) / 2, 0.0, hi + 1)
    return ("unknown", None, None, None)


def _age(st: _Stacked, quality: DataQuality) -> tuple[np.ndarray, pd.Categorical]:
    codes, uniques = st.codes, st.uniques
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    years = np.full(len(uniques), np.nan)
    band_label: list[str | None] = [None] * len(uniques)
    bands: dict[str, float] = {}
    canon: dict[tuple[float | None, float | None], str] = {}
    missing: dict[str, int] = {}
    unknown: dict[str, int] = {}
    implausible = 0
    for i, u in enumerate(uniques):
        kind, y, lo, hi = _parse_age(u)
        c = int(counts[i])
        if kind == "years":
            if y is not None and AGE_MIN <= y <= AGE_MAX:
                years[i] = y
            else:
                implausible += c
        elif kind == "band":
            years[i] = y if y is not None else np.nan
            # "25-34" and "25 to 34" in two files are one band: keep the first spelling.
            label = canon.setdefault((lo, hi), " ".join(str(u).split()))
            band_label[i] = label
            bands[label] = lo if lo is not None else 0.0
        elif kind.startswith("missing:"):
            r = kind.split(":", 1)[1]
            missing[r] = missing.get(r, 0) + c
        else:
            key = " ".join(str(u).split())
            unknown[key] = unknown.get(key, 0) + c
    n_blank = int((codes < 0).sum()) - st.declared - st.not_in_file
    if n_blank > 0:
        missing[BLANK] = missing.get(BLANK, 0) + n_blank
    if st.declared:
        missing[DECLARED] = st.declared
    _missing_note(st.name, missing, quality)
    _unknown_note(st.name, unknown, quality)
    if implausible:
        quality.add(
            "warning",
            f"{implausible:,} ages in {st.name!r} are below {AGE_MIN:g} or above {AGE_MAX:g} "
            "years (or look like a year of birth); they were treated as missing.",
            column=st.name,
            count=implausible,
            action="treated as missing",
        )
    lut = np.append(years, np.nan)
    sel = np.where(codes >= 0, codes, len(uniques))
    age_years = lut[sel]

    if bands:
        order = sorted(bands, key=bands.__getitem__)
        lows = np.array([bands[b] for b in order])
        band_arr = np.array([*band_label, None], dtype=object)[sel]
        # Exact ages among the bands go into the band that holds them.
        loose = pd.isna(band_arr) & ~np.isnan(age_years)
        if loose.any():
            pos = np.searchsorted(lows, age_years[loose], side="right") - 1
            band_arr[loose] = np.array(order, dtype=object)[np.clip(pos, 0, len(order) - 1)]
        quality.add(
            "info",
            f"Age was given in bands in {st.name!r}; each band counts as its midpoint "
            f"(for example {order[0]!r} = {years[band_label.index(order[0])]:g} years) and the "
            "survey's own bands are used for age groups.",
            column=st.name,
            action="bands turned into midpoints",
        )
        return age_years, pd.Categorical(band_arr, categories=order)
    labels = [b[0] for b in DEFAULT_AGE_BANDS]
    edges = [b[1] for b in DEFAULT_AGE_BANDS]
    pos = np.searchsorted(np.array(edges), age_years, side="right") - 1
    band_codes = np.where(np.isnan(age_years), -1, np.clip(pos, 0, len(labels) - 1))
    return age_years, pd.Categorical.from_codes(band_codes, categories=labels)


# ---------------------------------------------------------------------------------------
# categorical controls


def _category(st: _Stacked, quality: DataQuality) -> pd.Categorical:
    codes, uniques = st.codes, st.uniques
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    shown: list[str | None] = [None] * len(uniques)
    missing: dict[str, int] = {}
    numbers = 0
    personal = 0
    totals: dict[str, int] = {}
    spelling: dict[str, str] = {}
    for i, u in enumerate(uniques):
        reason = missing_reason(u)
        c = int(counts[i])
        if reason:
            missing[reason] = missing.get(reason, 0) + c
            continue
        key = norm(u)
        if not key:
            missing[BLANK] = missing.get(BLANK, 0) + c
            continue
        if not isinstance(u, str):
            numbers += c
        text = key if not isinstance(u, str) else " ".join(u.split())
        if looks_personal(text):  # a resident's own words: merged, never printed
            text, key = ANOTHER_ANSWER, norm(ANOTHER_ANSWER)
            personal += c
        totals[key] = totals.get(key, 0) + c
        if key not in spelling or c > totals[key] - c:
            spelling.setdefault(key, text)
        shown[i] = key
    n_blank = int((codes < 0).sum()) - st.declared - st.not_in_file
    if n_blank > 0:
        missing[BLANK] = missing.get(BLANK, 0) + n_blank
    if st.declared:
        missing[DECLARED] = st.declared
    _missing_note(st.name, missing, quality)
    _personal_note(st.name, personal, quality)
    if numbers:
        quality.add(
            "warning",
            f"{st.name!r} holds number codes without labels; each code is kept as its own "
            "group. Check what the codes mean in the questionnaire.",
            column=st.name,
            count=numbers,
        )
    order = sorted(totals, key=lambda k: (-totals[k], k))
    cats = [spelling[k] for k in order]
    where = {k: i for i, k in enumerate(order)}
    lut = np.array([where[k] if k else -1 for k in shown] + [-1], dtype=np.int64)
    sel = np.where(codes >= 0, codes, len(uniques))
    return pd.Categorical.from_codes(lut[sel], categories=cats)


# ---------------------------------------------------------------------------------------
# weight


def _weight(st: _Stacked, quality: DataQuality, files: str = "the survey") -> np.ndarray:
    """Weights as numbers; unusable ones become NaN (noted), none usable stops the run.

    A weight column without a single positive number is a wrong mapping (a text column,
    a council name), not a data quality issue: carrying on would report every weighted
    figure as empty and still exit as if all went well.
    """
    codes, uniques = st.codes, st.uniques
    vals = np.full(len(uniques), np.nan)
    for i, u in enumerate(uniques):
        try:
            vals[i] = float(str(u).replace(",", "").strip()) if isinstance(u, str) else float(u)
        except (TypeError, ValueError):
            vals[i] = np.nan
    w = np.append(vals, np.nan)[np.where(codes >= 0, codes, len(uniques))]
    missing = int(np.isnan(w).sum())
    nonpos = int((w <= 0).sum())
    if nonpos:
        w = np.where(w <= 0, np.nan, w)
    if len(w) and np.isnan(w).all():
        raise InputError(
            f"The weight column {st.name!r} in {files} has no usable weights (they must be "
            "numbers above zero).",
            hint="Choose the right weight column in the mapping, or remove the weight to "
            "analyse the survey unweighted.",
        )
    if missing or nonpos:
        parts = []
        if missing:
            parts.append(f"{missing:,} have no usable weight")
        if nonpos:
            parts.append(f"{nonpos:,} have a weight of zero or less")
        quality.add(
            "warning",
            f"In the weight column {st.name!r}, {' and '.join(parts)}. These respondents are "
            "left out of weighted figures and models.",
            column=st.name,
            count=missing + nonpos,
            action="left out of weighted results",
        )
    return w


# ---------------------------------------------------------------------------------------
# the whole step


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
            hint="Choose the how-often questions for individual or collective co-production "
            "(in the Import tab, or in a mapping file).",
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
    extra = list(mapping.missing)
    data: dict[str, Any] = {}
    steps = 2 + sum(len(v) for v in mapping.columns.values())
    done = 0

    def step(msg: str) -> None:
        nonlocal done
        done += 1
        check_cancelled(is_cancelled)
        progress(min(done / steps, 1.0), msg)

    progress(0.0, "Preparing the survey")
    data["authority"] = _authority(tables, mapping, quality)
    step("Councils")

    weighted = False
    if mapping.has("weight"):
        # The mapping's "missing" codes are answers, not weights: a weight of 9 stays 9.
        st = _stack(tables, mapping.get("weight")[0], ())
        _file_note(st, "weight", quality)
        data["weight"] = _weight(st, quality, ", ".join(repr(t.name) for t in tables))
        weighted = True
        step("Weights")

    reverse = set(mapping.reverse)
    items: list[ItemInfo] = []
    for construct in OUTCOMES:
        form = FORM_OF_OUTCOME[construct]
        k = 0
        for name in mapping.get(construct):
            st = _stack(tables, name, extra)
            _file_note(st, construct, quality)
            rev = name in reverse
            scores, rec = _recode_stacked(st, reverse=rev, quality=quality)
            step(f"Scoring {name[:40]}")
            if rec.scale == UNKNOWN or np.isnan(scores).all():
                _unscorable(name, construct, quality)
                continue
            pos = threshold_position(rec.scale, mapping.threshold)
            if pos is None:
                pos = _fallback_threshold(rec.labels, mapping.threshold)
                quality.add(
                    "warning",
                    f"The answers to {name!r} have no {mapping.threshold!r}; "
                    f"'doing it regularly' was taken as a score of {pos} or more "
                    f"({_label_at(rec.labels, pos)}).",
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
                    scale=rec.scale,
                    labels=list(rec.labels),
                    regular_from=int(pos),
                    reversed=rev,
                )
            )

    drivers: list[str] = []
    for construct in DRIVERS:
        parts = []
        for name in mapping.get(construct):
            st = _stack(tables, name, extra)
            _file_note(st, construct, quality)
            rev = name in reverse
            if not rev and looks_reverse_worded(st.question):
                quality.add(
                    "warning",
                    f"{name!r} looks worded against {BY_NAME[construct].label.lower()} "
                    "(agreeing means less of it), but the mapping does not list it under "
                    '"reverse", so it was scored as it is.',
                    column=name,
                )
            _scores, rec = _recode_stacked(st, reverse=rev, quality=quality)
            step(f"Scoring {name[:40]}")
            if rec.scale == UNKNOWN:
                _unscorable(name, construct, quality)
                continue
            parts.append(rec.rescaled().to_numpy(dtype=float))
        if parts:
            stack = np.vstack(parts)
            with np.errstate(invalid="ignore"):
                valid = (~np.isnan(stack)).sum(axis=0)
                mean = np.where(valid > 0, np.nansum(stack, axis=0) / np.maximum(valid, 1), np.nan)
            data[construct] = mean
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
        st = _stack(tables, mapping.get("age")[0], extra)
        _file_note(st, "age", quality)
        years, bands = _age(st, quality)
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
        st = _stack(tables, mapping.get(construct)[0], extra)
        _file_note(st, construct, quality)
        cat = _category(st, quality)
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

    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
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
        mapping=mapping,
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
        s = t.frame[real].dropna()
        dup = int(s.duplicated().sum())
        if dup:
            quality.add(
                "warning",
                f"{dup:,} respondent IDs in {t.name} appear more than once; check the file "
                "does not hold the same respondents twice.",
                source=t.name,
                column=real,
                count=dup,
            )


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
