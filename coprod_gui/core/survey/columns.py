"""Finding a mapped column in a file: by header or variable label, in constant time.

Why its own module: the suggester, the definition builder and ``prepare`` all look
columns up by name, once per column per file. A scan over every header made that
quadratic (27 wide waves took minutes); the index here is built once per table and
reused, so each look-up is a dictionary lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..types import RawTable
from .words import norm


@dataclass
class _Index:
    frame: pd.DataFrame
    n_columns: int
    n_labels: int
    exact: dict[str, str]
    by_label: dict[str, str]
    by_key: dict[str, str]
    by_label_key: dict[str, str]


def _index(table: RawTable) -> _Index:
    idx = table.__dict__.get("_column_index")
    if (
        isinstance(idx, _Index)
        and idx.frame is table.frame
        and idx.n_columns == len(table.frame.columns)
        and idx.n_labels == len(table.variable_labels)
    ):
        return idx
    cols = list(table.frame.columns)
    present = set(cols)
    exact = {c: c for c in cols}
    by_label: dict[str, str] = {}
    by_label_key: dict[str, str] = {}
    for col, lab in table.variable_labels.items():
        if col in present and isinstance(lab, str):
            by_label.setdefault(lab, col)
            k = norm(lab)
            if k:
                by_label_key.setdefault(k, col)
    by_key: dict[str, str] = {}
    for c in cols:
        k = norm(c)
        if k:
            by_key.setdefault(k, c)
    idx = _Index(table.frame, len(cols), len(table.variable_labels), exact, by_label, by_key, by_label_key)
    table.__dict__["_column_index"] = idx  # not a dataclass field: equality is unchanged
    return idx


def resolve_column(table: RawTable, name: str) -> str | None:
    """The column of ``table`` that ``name`` refers to (header or variable label), or None.

    Exact header first, then exact variable label, then the same ignoring case, spaces and
    punctuation, so a mapping written by hand still finds "Q7  volunteer".
    """
    idx = _index(table)
    if name in idx.exact:
        return idx.exact[name]
    if name in idx.by_label:
        return idx.by_label[name]
    key = norm(name)
    if not key:
        return None
    return idx.by_key.get(key) or idx.by_label_key.get(key)
