"""Age: years, years of birth, or bands, decided from what the answers are.

Why: a labelled end of a number scale ("89 = 89 OR OLDER") is still a number, so one
label must never turn a column of ages into a single band; bands are used only when the
answers are bands; four-digit years of birth become ages counted to a reference year the
officer can change in the question's definition.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ..types import DataQuality
from .definitions import Answer, QuestionDefinition
from .notes import missing_note, unknown_note
from .stack import Stacked
from .words import BLANK, DECLARED, missing_reason, norm

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
FIRST_BIRTH_YEAR = 1890

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


def _label(st: Stacked, i: int) -> str:
    u = st.uniques[i]
    return " ".join(str(u).split()) if isinstance(u, str) else norm(u)


def age_answers(st: Stacked, topic: str, *, this_year: int) -> QuestionDefinition:
    """The definition of an age column: number, years of birth or bands (see module doc)."""
    counts = st.counts
    parsed = [_parse_age(u) for u in st.uniques]
    n_years = sum(int(counts[i]) for i, p in enumerate(parsed) if p[0] == "years" and not st.labelled[i])
    n_band = sum(int(counts[i]) for i, p in enumerate(parsed) if p[0] == "band")
    bands = n_band > n_years
    plain = [(float(p[1]), int(counts[i])) for i, p in enumerate(parsed)
             if p[0] == "years" and p[1] is not None and not st.labelled[i]]  # fmt: skip
    in_yob = sum(c for v, c in plain if FIRST_BIRTH_YEAR <= v <= this_year - 10)
    yob = not bands and bool(plain) and in_yob >= 0.9 * sum(c for _v, c in plain)
    answers: list[Answer] = []
    ends = 0
    for i, (kind, years, _lo, _hi) in enumerate(parsed):
        key, c = norm(st.uniques[i]), int(counts[i])
        origin = ("codebook" if st.from_codebook[i] else "file labels") if st.labelled[i] else "answers"
        code = st.code_of[i]
        if kind.startswith("missing:"):
            answers.append(Answer(key, _label(st, i), c, None, kind.split(":", 1)[1], origin, code))
        elif not bands and code is not None and _is_num(code) and kind != "years":
            # A labelled end of a number ("89 = 89 OR OLDER") keeps its number.
            ends += 1
            answers.append(Answer(key, _label(st, i), c, float(code), None, "file labels", code))
        elif kind == "years" and st.labelled[i]:
            answers.append(Answer(key, _label(st, i), c, years, None, "file labels", code))
        elif kind == "band" and not bands and (_lo == 0.0 or _hi == 200.0):
            # An open end among numbers ("90 or over", "under 18") is the number at that end.
            end = _lo if _hi == 200.0 else (_hi - 1 if _hi is not None else None)
            ends += 1
            answers.append(Answer(key, _label(st, i), c, end, None, origin, code))
        elif kind == "band":
            answers.append(Answer(key, _label(st, i), c, years, None, origin, code))
        elif kind == "unknown":
            answers.append(Answer(key, _label(st, i), c, None, None, origin, code))
    origins = (("topic", "mapping file"), ("kind", "answers"))
    if bands:
        return QuestionDefinition(st.name, topic, st.question, "bands", tuple(answers),
                                  status="confirmed", origins=origins,
                                  reason="age bands; each counts as its midpoint")  # fmt: skip
    if yob:
        return QuestionDefinition(st.name, topic, st.question, "years of birth", tuple(answers),
                                  status="to check", origins=origins, reference_year=this_year,
                                  reason=f"years of birth, turned into ages in {this_year}; set "
                                  '"reference_year" to the year of the survey')  # fmt: skip
    why = "ages in years" + (
        f"; {ends} labelled end{'s' if ends != 1 else ''} of the scale kept as numbers" if ends else ""
    )
    return QuestionDefinition(st.name, topic, st.question, "number", tuple(answers),
                              status="confirmed", origins=origins, reason=why)  # fmt: skip


def _is_num(key: str) -> bool:
    try:
        float(key)
    except ValueError:
        return False
    return True


def apply_age(st: Stacked, defn: QuestionDefinition, quality: DataQuality) -> tuple[np.ndarray, pd.Categorical]:
    """Ages in years and age groups, exactly as the definition says."""
    codes, uniques = st.codes, st.uniques
    counts = st.counts
    years = np.full(len(uniques), np.nan)
    band_label: list[str | None] = [None] * len(uniques)
    bands: dict[str, float] = {}
    canon: dict[tuple[float | None, float | None], str] = {}
    missing: dict[str, int] = {}
    unknown: dict[str, int] = {}
    implausible = 0
    ref = defn.reference_year
    for i, u in enumerate(uniques):
        c = int(counts[i])
        a = defn.answer(u)
        kind, y, lo, hi = _parse_age(u)
        if a is not None and a.missing is not None:
            missing[a.missing] = missing.get(a.missing, 0) + c
            continue
        if a is not None and a.score is not None:
            y = a.score
            kind = "band" if defn.kind == "bands" and kind == "band" else "years"
        elif kind == "years" and defn.kind == "years of birth" and y is not None and ref:
            y = ref - y
        elif kind == "band" and defn.kind != "bands":
            kind = "years"  # a band among numbers counts as its midpoint
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
    if st.n_blank > 0:
        missing[BLANK] = missing.get(BLANK, 0) + st.n_blank
    if st.declared:
        missing[DECLARED] = st.declared
    missing_note(st.name, missing, quality)
    unknown_note(st.name, unknown, quality)
    if implausible:
        quality.add(
            "warning",
            f"{implausible:,} ages in {st.name!r} are below {AGE_MIN:g} or above {AGE_MAX:g} "
            "years; they were treated as missing.",
            column=st.name,
            count=implausible,
            action="treated as missing",
        )
    if defn.kind == "years of birth":
        quality.add(
            "info",
            f"{st.name!r} holds years of birth; they were turned into ages in {ref}.",
            column=st.name,
            action="years of birth turned into ages",
        )
    lut = np.append(years, np.nan)
    sel = codes  # -1 (no answer) picks each table's last slot: missing
    age_years = lut[sel]
    if bands:
        order = sorted(bands, key=bands.__getitem__)
        lows = np.array([bands[b] for b in order])
        # each distinct answer's group, then the cells' groups through their codes
        where = {b: i for i, b in enumerate(order)}
        lut = np.array([where[b] if b is not None else -1 for b in band_label] + [-1])
        band_codes = lut[sel]
        # Exact ages among the bands go into the band that holds them.
        loose = (band_codes < 0) & ~np.isnan(age_years)
        if loose.any():
            pos = np.searchsorted(lows, age_years[loose], side="right") - 1
            band_codes[loose] = np.clip(pos, 0, len(order) - 1)
        quality.add(
            "info",
            f"Age was given in bands in {st.name!r}; each band counts as its midpoint "
            f"(for example {order[0]!r} = {years[band_label.index(order[0])]:g} years) and the "
            "survey's own bands are used for age groups.",
            column=st.name,
            action="bands turned into midpoints",
        )
        return age_years, pd.Categorical.from_codes(band_codes, categories=order)
    labels = [b[0] for b in DEFAULT_AGE_BANDS]
    edges = [b[1] for b in DEFAULT_AGE_BANDS]
    pos = np.searchsorted(np.array(edges), age_years, side="right") - 1
    band_codes = np.where(np.isnan(age_years), -1, np.clip(pos, 0, len(labels) - 1))
    return age_years, pd.Categorical.from_codes(band_codes, categories=labels)
