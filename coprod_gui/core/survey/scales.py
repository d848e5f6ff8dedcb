"""Answer scales: turning survey answers into ordered scores (DESIGN.md §3).

Why a table and not guesswork: officers must be able to trust that "Fairly satisfied"
became 3 of 0–4 and that "Don't know" became missing, and see it in the Import tab. So
every known scale is listed here once, lowest answer first, with the spellings agencies
use; anything not in the table is reported as unknown and treated as missing, never
guessed.

Matching ignores case, spaces, punctuation and a leading code ("4 - Often"), so
"Don't know", "Dont know", "DON'T  KNOW" and "don’t know" are one answer.

Scores are 0..k-1 on the item's own scale, higher = more of the thing (more often, more
agreement, more satisfied). The "don't know" family (don't know, prefer not to say,
refused, not applicable, n/a, no answer ...) and declared missing codes become NaN and
are counted by reason.

Threshold equivalences (the lowest answer that counts as "doing it regularly"), used
when the mapping's ``threshold`` names an answer of a different frequency scale:

=====================  ===========================  ==================  ============
threshold named        never/rarely/sometimes/often  not at all/less      yes/no,
                       (and the 5-point version)     often/at least       ticked
                                                     monthly/at least
                                                     weekly
=====================  ===========================  ==================  ============
"rarely"               rarely                       less often          yes/ticked
"sometimes" (default)  sometimes                    at least monthly    yes/ticked
"often"                often                        at least weekly     yes/ticked
"at least monthly"     sometimes                    at least monthly    yes/ticked
"at least weekly"      often                        at least weekly     yes/ticked
=====================  ===========================  ==================  ============
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .scale_table import (  # noqa: F401  (re-exported: the scale vocabulary)
    _THRESHOLD_EQUIV,
    BY_SCALE,
    NUMERIC,
    SCALES,
    UNKNOWN,
    Scale,
)
from .words import (  # noqa: F401  (re-exported)
    BLANK,
    DECLARED,
    MISSING_FAMILY,
    _is_number_key,
    _strip_code,
    missing_reason,
    norm,
)

_KEYS: dict[str, dict[str, int]] = {s.name: s.keys for s in SCALES}
_OWN: dict[str, set[str]] = {s.name: {norm(x) for x in s.labels} for s in SCALES}



def scale_labels(name: str) -> list[str]:
    """Labels of a named scale, lowest first (empty for unknown/numeric)."""
    sc = BY_SCALE.get(name)
    return list(sc.labels) if sc else []


def _key_score(scale: str, value: Any) -> int | None:
    keys = _KEYS[scale]
    k = norm(value)
    if k in keys:
        return keys[k]
    k2 = _strip_code(value)
    return keys.get(k2) if k2 else None


def detect_scale(answers: Iterable[Any]) -> str | None:
    """The known scale that best explains these distinct answers, or None.

    Missing-family answers and numbers are ignored. The scale matching most of the
    answers wins; on a tie the shorter scale (4-point before 5-point), then the one whose
    own labels (not just other spellings) match more, then table order.
    """
    texts = [a for a in answers if not _is_number_key(norm(a)) and norm(a)]
    texts = [a for a in texts if missing_reason(a) is None]
    if not texts:
        return None
    best: tuple[Any, ...] | None = None
    for i, sc in enumerate(SCALES):
        hits = sum(1 for a in texts if _key_score(sc.name, a) is not None)
        if not hits:
            continue
        own = sum(1 for a in texts if norm(a) in _OWN[sc.name] or _strip_code(a) in _OWN[sc.name])
        # On a tie the shorter scale explains more of itself (4 of 4 beats 4 of 5).
        rank = (hits, -len(sc.labels), own, -i)
        if best is None or rank > best[0]:
            best = (rank, sc.name)
    if best is None:
        return None
    # Ticked/blank needs the single "ticked" answer; yes/no at least one of yes/no.
    return best[1]



def threshold_position(scale: str, threshold: str = "sometimes") -> int | None:
    """Score of the lowest answer that counts as "regularly" on ``scale``, or None.

    ``threshold`` is an answer label ("sometimes", "at least monthly", "often" ...); the
    equivalence table in this module's docstring translates it between frequency scales.
    On yes/no and ticked scales any threshold means "yes"/"ticked" (score 1).
    """
    sc = BY_SCALE.get(scale)
    if sc is None:
        return None
    if sc.kind == "binary":
        return 1
    t = norm(threshold)
    if t not in _THRESHOLD_EQUIV:
        # Another spelling of a frequency answer ("at least once a month"): use its label.
        for freq in ("frequency_monthly", "frequency_4"):
            if t in _KEYS[freq]:
                t = norm(BY_SCALE[freq].labels[_KEYS[freq][t]])
                break
    equiv = _THRESHOLD_EQUIV.get(t, {}).get(scale)
    if equiv is not None:
        return _KEYS[scale].get(norm(equiv))
    return _KEYS[scale].get(t)


# ---------------------------------------------------------------------------------------
# reverse-keyed wording

_NEGATIVE_WORDING = re.compile(
    r"\b(too (difficult|hard|complicated)|"
    r"(can ?not|cant|could not|couldnt|do not|dont|does not|doesnt) (really )?"
    r"(make|makes) (a|any|much) difference|"
    r"(makes?|make) (no|little) difference|"
    r"no (point|use) in|not worth (it|the effort|bothering)|nothing (i|people|we) can do|"
    r"(have|has|got) (no|little) (say|influence|control)|"
    r"(cant|can not|cannot) influence|powerless)\b"
)


def looks_reverse_worded(question: str) -> bool:
    """True when a question is worded against its construct (agreeing = less of it).

    Only robust phrases count ("it is too difficult for someone like me to make a
    difference", "people like me have no say", "can't make a difference"); anything
    subtler is left to the mapping's ``reverse`` list, which always wins.
    """
    return bool(_NEGATIVE_WORDING.search(norm(question)))


# ---------------------------------------------------------------------------------------
# recoding


@dataclass
class Recoded:
    """One column's answers as scores, with what happened to every answer."""

    scores: pd.Series  # float, aligned to the input, 0..k-1, NaN = missing
    scale: str  # name of the scale recognised (see SCALES), NUMERIC or UNKNOWN
    labels: list[str]  # answer labels in score order, lowest first
    missing_counts: dict[str, int] = field(default_factory=dict)  # reason -> count
    unknown: dict[str, int] = field(default_factory=dict)  # unrecognised label -> count
    reversed: bool = False
    numeric_unlabelled: bool = False  # numbers without labels used as ordered scores
    # distinct answer -> (count, score or None, what happens); feeds recode_preview
    table: list[tuple[str, int, float | None, str]] = field(default_factory=list)

    @property
    def n_points(self) -> int:
        return len(self.labels)

    @property
    def n_missing(self) -> int:
        return int(sum(self.missing_counts.values()) + sum(self.unknown.values()))

    def rescaled(self) -> pd.Series:
        """Scores on 0–1 (0 = lowest answer, 1 = highest); NaN stays NaN."""
        top = self.n_points - 1
        if top > 0:
            return self.scores / top
        valid = self.scores.dropna()
        if valid.empty or valid.max() == valid.min():
            return self.scores * np.nan
        return (self.scores - valid.min()) / (valid.max() - valid.min())


def endpoint_codes(
    values: Iterable[Any],
    value_labels: Mapping[Any, str] | None,
    extra_missing: Sequence[Any] = (),
) -> tuple[int, int, bool] | None:
    """(lowest code, highest code, labels run downwards) when only some codes are labelled.

    SPSS files often label only the ends of a scale (1 = "Strongly disagree",
    7 = "Strongly agree") and leave 2..6 bare. Then the codes themselves are the order,
    and the labels only say which end is "more". None when every code used has a label.
    """
    extra = {norm(x) for x in extra_missing}
    any_label = {norm(k) for k in (value_labels or {})}
    labelled: dict[float, str] = {}
    for k, lab in (value_labels or {}).items():
        key = norm(k)
        if not _is_number_key(key) or lab is None or key in extra or norm(lab) in extra:
            continue
        if missing_reason(lab) is None:
            labelled[float(key)] = str(lab)
    if len(labelled) < 2:
        return None
    lo, hi = min(labelled), max(labelled)
    if not (lo.is_integer() and hi.is_integer()) or hi - lo > 10:
        return None
    bare = []
    for v in values:
        key = norm(v)
        if _is_number_key(key) and key not in extra and key not in any_label:
            bare.append(float(key))
    if not bare or not all(lo < b < hi and b.is_integer() for b in bare):
        return None
    sc = detect_scale(labelled.values())
    s_lo = _key_score(sc, labelled[lo]) if sc else None
    s_hi = _key_score(sc, labelled[hi]) if sc else None
    return int(lo), int(hi), bool(s_lo is not None and s_hi is not None and s_lo > s_hi)


def ends_score(code: float, ends: tuple[int, int, bool]) -> float:
    """A code of an end-labelled scale turned so that a higher number means more."""
    lo, hi, downwards = ends
    return float(lo + hi - code) if downwards else float(code)


def _end_label(score_value: int, ends: tuple[int, int, bool], labels_of: dict[str, str]) -> str:
    lo, hi, downwards = ends
    code = lo + hi - score_value if downwards else score_value
    lab = labels_of.get(norm(code))
    return f"{code} = {lab}" if lab else str(code)


def _label_lookup(value_labels: Mapping[Any, str] | None) -> dict[str, str]:
    return {norm(k): str(v) for k, v in (value_labels or {}).items() if v is not None}


def recode(
    series: pd.Series,
    *,
    value_labels: Mapping[Any, str] | None = None,
    extra_missing: Sequence[Any] = (),
    reverse: bool = False,
    scale: str | None = None,
) -> Recoded:
    """Scores of one column of answers (text labels, labelled codes or bare numbers).

    Works on the distinct answers only, so 50,000 rows cost as much as the handful of
    labels they use. ``scale`` forces a scale (used when several files are stacked, so
    that every file is scored on the one scale detected over all of them).
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return recode_codes(
        np.asarray(codes),
        list(uniques),
        index=series.index,
        name=series.name,
        value_labels=value_labels,
        extra_missing=extra_missing,
        reverse=reverse,
        scale=scale,
    )


def recode_codes(
    codes: np.ndarray,
    uniques: Sequence[Any],
    *,
    index: pd.Index | None = None,
    name: Any = None,
    value_labels: Mapping[Any, str] | None = None,
    extra_missing: Sequence[Any] = (),
    reverse: bool = False,
    scale: str | None = None,
) -> Recoded:
    """:func:`recode` of an already factorised column (``codes`` -1 = blank).

    Lets the preparer stack several files' columns without factorising them twice.
    """
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    n_blank = int((codes < 0).sum())

    labels_of = _label_lookup(value_labels)
    extra = {norm(x) for x in extra_missing}
    # 1) each distinct answer -> (display text, key, label text used for matching)
    display: list[str] = []
    texts: list[Any] = []
    declared: list[bool] = []
    ends = endpoint_codes(uniques, value_labels, extra_missing) if value_labels else None
    for u in uniques:
        key = norm(u)
        shown = key if not isinstance(u, str) else str(u).strip()
        lab = labels_of.get(key)
        declared.append(key in extra or (lab is not None and norm(lab) in extra))
        if lab is not None:
            shown = f"{shown} = {lab}"
        if ends is not None and _is_number_key(key) and ends[0] <= float(key) <= ends[1]:
            texts.append(ends_score(float(key), ends))  # only the ends are labelled
        elif lab is not None:
            texts.append(lab)
        else:
            texts.append(u)
        display.append(shown)

    candidates = [t for t, d in zip(texts, declared, strict=True) if not d]
    if value_labels and ends is None:
        candidates += list(labels_of.values())
    chosen = scale if scale in BY_SCALE else (detect_scale(candidates) if scale is None else None)

    score = np.full(len(uniques), np.nan)
    what: list[str] = [""] * len(uniques)
    missing_counts: dict[str, int] = {}
    unknown: dict[str, int] = {}
    numeric_idx: list[int] = []
    for i, t in enumerate(texts):
        c = int(counts[i])
        if declared[i]:
            missing_counts[DECLARED] = missing_counts.get(DECLARED, 0) + c
            what[i] = "declared a missing code: treated as missing"
            continue
        reason = missing_reason(t)
        if reason is not None:
            missing_counts[reason] = missing_counts.get(reason, 0) + c
            what[i] = f"'{reason}': treated as missing"
            continue
        sc = _key_score(chosen, t) if chosen else None
        if sc is not None:
            score[i] = sc
            continue
        if _is_number_key(norm(t)):
            numeric_idx.append(i)
            continue
        unknown[display[i]] = unknown.get(display[i], 0) + c
        what[i] = "not a recognised answer: treated as missing and reported"

    numeric_unlabelled = False
    if chosen is not None:
        labels = scale_labels(chosen)
        for i in numeric_idx:  # numbers among a labelled scale: never guessed
            unknown[display[i]] = unknown.get(display[i], 0) + int(counts[i])
            what[i] = "a number without a label among text answers: treated as missing"
    elif numeric_idx:
        vals = np.array([float(norm(texts[i])) for i in numeric_idx])
        lo, hi = float(vals.min()), float(vals.max())
        if np.all(vals == np.round(vals)) and hi - lo <= 10:
            labels = [norm(v) for v in range(int(lo), int(hi) + 1)]
            if ends is not None:
                labels = [_end_label(v, ends, labels_of) for v in range(int(lo), int(hi) + 1)]
            for i, v in zip(numeric_idx, vals, strict=True):
                score[i] = v - lo
            chosen = NUMERIC
        else:
            labels = []
            for i, v in zip(numeric_idx, vals, strict=True):
                score[i] = v
            chosen = NUMERIC
        numeric_unlabelled = True
    else:
        labels = []
        chosen = UNKNOWN

    k = len(labels)
    if reverse and k > 1:
        score = (k - 1) - score
    elif reverse and chosen == NUMERIC:
        score = -score
    for i in range(len(uniques)):
        if not what[i]:
            if numeric_unlabelled:
                what[i] = (
                    "code used as an ordered score (only the ends of the scale have labels)"
                    if ends is not None
                    else "number used as an ordered score (no answer labels)"
                )
            else:
                what[i] = f"score {score[i]:g} of 0–{k - 1}" + (" (reversed)" if reverse else "")

    blank_score = np.nan
    if n_blank and chosen == "ticked":
        blank_score = 0.0  # a multi-choice tick box: blank means "not ticked"
    elif n_blank:
        missing_counts[BLANK] = n_blank
    out = np.full(len(codes), blank_score)
    if len(uniques):
        lut = np.append(score, blank_score)
        out = lut[np.where(codes >= 0, codes, len(uniques))]
    table = [(display[i], int(counts[i]), None if np.isnan(score[i]) else float(score[i]),
              what[i]) for i in range(len(uniques))]  # fmt: skip
    if n_blank:
        table.append(
            ("(blank)", n_blank, None, "blank: missing")
            if np.isnan(blank_score)
            else ("(blank)", n_blank, 0.0, "blank: not ticked, score 0")
        )
    return Recoded(
        scores=pd.Series(out, index=index, dtype=float, name=name),
        scale=chosen,
        labels=labels,
        missing_counts=missing_counts,
        unknown=unknown,
        reversed=bool(reverse),
        numeric_unlabelled=numeric_unlabelled,
        table=table,
    )


def recode_preview(
    series: pd.Series,
    *,
    value_labels: Mapping[Any, str] | None = None,
    extra_missing: Sequence[Any] = (),
    reverse: bool = False,
) -> pd.DataFrame:
    """What recoding does to each distinct answer, for the Import tab.

    Columns: ``answer``, ``count``, ``score`` (NaN when missing), ``what happens`` (plain
    English). Rows in score order, then missing answers, most common first.
    """
    rec = recode(series, value_labels=value_labels, extra_missing=extra_missing, reverse=reverse)
    rows = sorted(
        rec.table,
        key=lambda r: (r[2] is None, r[2] if r[2] is not None else 0.0, -r[1], r[0]),
    )
    return pd.DataFrame(
        {
            "answer": [r[0] for r in rows],
            "count": pd.Series([r[1] for r in rows], dtype="int64"),
            "score": pd.Series([np.nan if r[2] is None else r[2] for r in rows], dtype=float),
            "what happens": [r[3] for r in rows],
        }
    )
