"""Which respondents a model uses, and why the others were left out (DESIGN.md §4).

A respondent is used when they have everything the model needs (its outcome, a valid
weight when weighted, a council, every driver and control); each other respondent is
counted once, under the first thing they lack, so the brief can say who was left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InputError
from ..survey.constructs import label

if TYPE_CHECKING:
    from .design import DesignCache


def _check_columns(data: pd.DataFrame, needed: Sequence[str]) -> None:
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise InputError(
            f"The modelling data have no column for {', '.join(label(c) for c in missing)}.",
            hint="Map it (in the window's Import tab, or in the mapping file given with "
            "--mapping), or leave it out of the drivers and controls.",
        )


def _missing_reason(var: str, outcome_words: dict[str, str]) -> str:
    if var in outcome_words:
        return outcome_words[var]
    if var == "weight":
        return "had no valid survey weight"
    if var == "authority":
        return "had no council recorded"
    return f"did not answer the {label(var).lower()} question"


def _select_rows(
    data: pd.DataFrame,
    outcomes: dict[str, str],
    variables: Sequence[str],
    weighted: bool,
    cache: DesignCache | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Respondents with everything the model needs; each other row counted once, by the
    first thing it lacks (outcome first, then weight, council, drivers, controls).

    With ``cache`` (an analysis's :class:`DesignCache`), the same respondents of the same
    data as the last model's come back as that model's rows, not a second copy (at a
    million respondents each copy of the model frame is about 0.1 s)."""
    order = [*outcomes, *(["weight"] if weighted else []), "authority", *variables]
    _check_columns(data, order)
    keep = np.ones(len(data), dtype=bool)
    dropped: dict[str, int] = {}
    for var in order:
        col = data[var]
        bad = col.isna().to_numpy()
        if var == "weight":
            vals = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            bad = ~(np.isfinite(vals) & (vals > 0))
        newly = bad & keep
        count = int(newly.sum())
        if count:
            dropped[_missing_reason(var, outcomes)] = count
        keep &= ~bad
    if cache is not None and cache.picked is not None:
        was_data, was_keep, was_rows = cache.picked
        if was_data is data and np.array_equal(was_keep, keep):
            return was_rows, dropped
    rows = data.loc[keep]
    if cache is not None:
        cache.picked = (data, keep, rows)
    return rows, dropped
