"""One mapped column over all files, factorised once: labels applied, declared codes gone.

Why: every later decision (the question's definition, its scores, age, groups) works on
the handful of distinct answers, never cell by cell, and several files (one council per
file) must share one list of answers so that "Often" in one file and code 4 labelled
"Often" in another are the same answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..io.grid import first_seen
from ..types import RawTable
from .columns import resolve_column
from .scales import endpoint_codes, ends_score, missing_reason
from .words import _is_number_key, norm


@dataclass
class Stacked:
    """One mapped column over all files (see the module docstring)."""

    name: str
    codes: np.ndarray  # int, length = all rows; -1 where blank, declared missing or absent
    uniques: list[Any]  # distinct answers (labels instead of labelled codes)
    question: str
    declared: int = 0  # cells that were declared missing codes
    not_in_file: int = 0  # rows of files that lack the column
    files_without: list[str] = field(default_factory=list)
    mixed: list[str] = field(default_factory=list)  # files where numbers and text mix
    partial: list[str] = field(default_factory=list)  # files labelling only the scale's ends
    code_of: list[str | None] = field(default_factory=list)  # file code behind a label
    labelled: list[bool] = field(default_factory=list)  # the answer came from a value label
    from_codebook: list[bool] = field(default_factory=list)  # ... given by a codebook
    kept_codes: dict[str, str] = field(default_factory=dict)  # global missing code -> its label
    all_labels: list[str] = field(default_factory=list)  # every value label, used or not
    absent: np.ndarray | None = None  # bool per row: file lacks the column or code declared

    @property
    def counts(self) -> np.ndarray:
        """Cells per distinct answer: counted once (every later step asks again), and
        counted again only if ``codes`` is replaced."""
        cached = self.__dict__.get("_counts")
        if cached is None or cached[0] is not self.codes:
            counts = np.bincount(self.codes + 1, minlength=len(self.uniques) + 1)[1:]
            cached = self.__dict__["_counts"] = (self.codes, counts)
        return cached[1]

    @property
    def n_blank(self) -> int:
        """Blank cells in files that have the column (declared codes not included)."""
        empty = len(self.codes) - int(self.counts.sum())  # the cells with code -1
        return empty - self.declared - self.not_in_file


def factorize(s: pd.Series) -> tuple[np.ndarray, Any]:
    """Codes and distinct values; Python-stored text goes through a plain object array
    (twice as fast); Arrow-stored text is factorised as it is (five times faster than
    converting it to objects first); a categorical's own codes are used (no hash of every
    cell: the reader keeps repeated answers as categoricals, see ``core/io/grid.py``)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniques, _ = _factorize_categorical(s)
        return codes.astype(np.intp, copy=False), uniques
    arrow = getattr(s.dtype, "storage", None) == "pyarrow"
    if not arrow and (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
        return pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
    return pd.factorize(s, use_na_sentinel=True)


def _counted(s: pd.Series) -> tuple[np.ndarray, Any, np.ndarray]:
    """:func:`factorize`, and how many cells hold each distinct value; a categorical's
    codes stay in its own small integer type (-1 still means no value)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return _factorize_categorical(s)
    codes, uniques = factorize(s)
    return codes, uniques, np.bincount(codes + 1, minlength=len(uniques) + 1)[1:]


def _factorize_categorical(s: pd.Series) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """``pd.factorize`` of a categorical column, the same codes (in the categorical's own
    integer type) and values, from its codes: the categories in use, in the order they
    first appear (and the cells of each)."""
    codes = np.asarray(s.cat.codes)
    cats = s.cat.categories
    size = codes.dtype.itemsize
    if size <= 2:  # -1 counted as the largest unsigned value, beyond every category
        every = np.bincount(codes.view(f"u{size}"), minlength=1 << (8 * size))
        counts = every[: len(cats)]
    else:
        counts = np.bincount(codes.astype(np.intp) + 1, minlength=len(cats) + 1)[1:]
    present = counts > 0
    order = first_seen(codes, present, present)
    if len(order) == len(cats) and (order == np.arange(len(cats))).all():
        return codes, list(cats), counts  # the reader's own order: nothing to map
    remap = np.full(len(cats) + 1, -1, dtype=codes.dtype)
    remap[order] = np.arange(len(order))
    return remap[codes], list(cats[order]), counts[order]


def stack(
    tables: Sequence[RawTable],
    name: str,
    extra_missing: Sequence[Any] = (),
    column_missing: Sequence[Any] = (),
) -> Stacked:
    """Stack column ``name`` of every file.

    ``column_missing`` (this question's own missing codes) always count as missing;
    ``extra_missing`` (the mapping's codes for every question) do too, except where this
    column labels the code as a real answer ("6 = Other" when 6 is "don't know"
    elsewhere): such codes are kept and listed in ``kept_codes`` for a note.
    """
    parts: list[np.ndarray] = []
    absent: list[np.ndarray] = []
    file_counts: list[tuple[np.ndarray, np.ndarray]] = []
    index: dict[Any, int] = {}
    out = Stacked(name, np.zeros(0, dtype=np.intp), [], name)
    found = False
    own = {norm(x) for x in column_missing}
    glob = {norm(x) for x in extra_missing} - own
    for t in tables:
        real = resolve_column(t, name)
        n = len(t.frame)
        if real is None:
            parts.append(np.full(n, -1, dtype=np.intp))
            absent.append(np.ones(n, dtype=bool))
            out.not_in_file += n
            out.files_without.append(t.name)
            continue
        if not found:
            out.question = t.question_text(real)
            found = True
        fcodes, funiq, fcounts = _counted(t.frame[real])
        part_uniques = list(funiq)
        if len({isinstance(u, str) for u in part_uniques}) == 2:
            out.mixed.append(t.name)
        value_labels = t.value_labels.get(real) or {}
        by_codebook = t.label_origin.get(real) == "codebook"
        labels = {norm(k): str(v) for k, v in value_labels.items()}
        out.all_labels.extend(v for v in labels.values() if v not in out.all_labels)
        gone_keys = own | {norm(x) for x in t.missing_codes.get(real, [])}
        for g in glob:
            lab = labels.get(g)
            if lab is not None and missing_reason(lab) is None:
                out.kept_codes[g] = lab  # a real answer here: keep it
            else:
                gone_keys.add(g)
        ends = endpoint_codes(part_uniques, value_labels, list(gone_keys)) if labels else None
        if ends is not None:
            out.partial.append(t.name)
        to_global = np.full(len(part_uniques) + 1, -1, dtype=np.intp)
        gone = np.zeros(len(part_uniques) + 1, dtype=bool)
        for i, u in enumerate(part_uniques):
            value: Any = u
            code: str | None = None
            is_label = False
            if gone_keys or labels:
                key = norm(u)
                lab = labels.get(key)
                if key in gone_keys or (lab is not None and norm(lab) in gone_keys):
                    gone[i] = True
                    continue
                if ends is not None and _is_number_key(key) and ends[0] <= float(key) <= ends[1]:
                    value = ends_score(float(key), ends)
                elif lab is not None:
                    value, code, is_label = lab, key, True
            j = index.get(value)
            if j is None:
                j = index[value] = len(out.uniques)
                out.uniques.append(value)
                out.code_of.append(code)
                out.labelled.append(is_label)
                out.from_codebook.append(is_label and by_codebook)
            to_global[i] = j
        # every count from the cells per distinct answer (no further pass over the cells)
        if gone.any():
            absent.append(gone[fcodes])
            out.declared += int(fcounts[gone[:-1]].sum())
        else:
            absent.append(np.zeros(n, dtype=bool))
        parts.append(to_global[fcodes])  # (any integer codes: -1 picks the last slot)
        mapped = to_global[:-1] >= 0
        file_counts.append((to_global[:-1][mapped], fcounts[mapped]))
    # one file: its arrays as they are (no copy of a million codes)
    out.codes = _joined(parts, np.intp)
    out.absent = _joined(absent, bool)
    counts = np.zeros(len(out.uniques), dtype=np.int64)
    for where, c in file_counts:
        np.add.at(counts, where, c)
    out.__dict__["_counts"] = (out.codes, counts)  # what ``Stacked.counts`` would count
    return out


def _joined(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
