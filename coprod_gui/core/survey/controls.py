"""Councils, groups and weights: the columns that are not scored.

Why apart from ``prepare``: each has its own rules (council names merged across spellings,
groups kept as the survey words them, weights that must be positive numbers) and its
own notes, and ``prepare`` only needs to call them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..privacy import ANOTHER_ANSWER, looks_personal, safe_label
from ..types import DataQuality, Mapping, RawTable
from .columns import resolve_column
from .definitions import QuestionDefinition
from .notes import missing_note, personal_note
from .stack import Stacked, factorize
from .words import BLANK, DECLARED, missing_reason, norm


def tidy_name(stem: str) -> str:
    """A council name from a file name: "kelworth_2024" -> "Kelworth 2024"."""
    words = re.sub(r"[_\-.]+", " ", stem).split()
    return " ".join(w[:1].upper() + w[1:] if w.islower() else w for w in words) or stem


def file_label(t: RawTable, all_tables: Sequence[RawTable]) -> str:
    base = tidy_name(t.source.stem)
    same = [x for x in all_tables if tidy_name(x.source.stem) == base]
    if len(same) > 1 and t.sheet:
        return f"{base} {tidy_name(t.sheet)}"
    return base


def authority(
    tables: Sequence[RawTable], mapping: Mapping, quality: DataQuality
) -> pd.Categorical:
    names = mapping.get("authority")
    # Council names over all files, found on each file's distinct values and reached
    # through codes (no Python object per respondent): in order of first appearance.
    parts: list[np.ndarray] = []
    uniques: list[str] = []
    index: dict[str, int] = {}

    def code_of(name: str) -> int:
        if name not in index:
            index[name] = len(uniques)
            uniques.append(name)
        return index[name]

    for t in tables:
        n = len(t.frame)
        real = resolve_column(t, names[0]) if names else None
        if real is None:
            label = file_label(t, tables)
            parts.append(np.full(n, code_of(label), dtype=np.intp))
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
        col = t.frame[real]
        if isinstance(col.dtype, pd.CategoricalDtype):
            fcodes, funiq = factorize(col)  # the categorical's own codes, same order
        else:
            fcodes, funiq = pd.factorize(col.astype(object), use_na_sentinel=True)
        labels = {norm(k): str(v) for k, v in (t.value_labels.get(real) or {}).items()}
        tidy = [
            " ".join(str(labels.get(norm(u), u)).split()) if missing_reason(u) is None else None
            for u in funiq
        ]
        counts = np.bincount(np.asarray(fcodes) + 1, minlength=len(tidy) + 1)
        personal = sum(int(counts[i + 1]) for i, v in enumerate(tidy) if v and looks_personal(v))
        tidy = [safe_label(v) if v else v for v in tidy]
        personal_note(real, personal, quality)
        bad = int(counts[0]) + sum(int(counts[i + 1]) for i, v in enumerate(tidy) if not v)
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
        lut = np.array([code_of(v) if v else -1 for v in tidy] + [-1], dtype=np.intp)
        parts.append(lut[fcodes])
    codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
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
        lut[codes], categories=cats  # -1 (no council) picks the last slot: -1
    )


def category(st: Stacked, quality: DataQuality, defn: QuestionDefinition | None = None) -> pd.Categorical:
    """Groups of a categorical control; answers the definition marks missing are missing."""
    codes, uniques = st.codes, st.uniques
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    shown: list[str | None] = [None] * len(uniques)
    missing: dict[str, int] = {}
    numbers = 0
    personal = 0
    totals: dict[str, int] = {}
    spelling: dict[str, str] = {}
    for i, u in enumerate(uniques):
        a = defn.answer(u) if defn is not None else None
        reason = a.missing if a is not None and a.missing else missing_reason(u)
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
    n_blank = st.n_blank
    if n_blank > 0:
        missing[BLANK] = missing.get(BLANK, 0) + n_blank
    if st.declared:
        missing[DECLARED] = st.declared
    missing_note(st.name, missing, quality)
    personal_note(st.name, personal, quality)
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
    sel = codes  # -1 (no answer) picks the last slot: -1
    return pd.Categorical.from_codes(lut[sel], categories=cats)


# ---------------------------------------------------------------------------------------
# weight


def weight(st: Stacked, quality: DataQuality, files: str = "the survey") -> np.ndarray:
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
    # "Infinity", 1e309 and the like: not a weight anyone meant, and one would swamp the rest.
    infinite = int(np.isinf(w).sum())
    if infinite:
        w = np.where(np.isinf(w), np.nan, w)
    missing = int(np.isnan(w).sum()) - infinite
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
    if missing or nonpos or infinite:
        parts = []
        if missing:
            parts.append(f"{missing:,} have no usable weight")
        if infinite:
            parts.append(f"{infinite:,} have a weight that is not a finite number")
        if nonpos:
            parts.append(f"{nonpos:,} have a weight of zero or less")
        quality.add(
            "warning",
            f"In the weight column {st.name!r}, {' and '.join(parts)}. These respondents are "
            "left out of weighted figures and models.",
            column=st.name,
            count=missing + nonpos + infinite,
            action="left out of weighted results",
        )
    return w
