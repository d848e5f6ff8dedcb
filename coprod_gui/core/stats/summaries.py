"""Levels and indices of each form, and their breakdowns by group (DESIGN.md §4).

Why a module of its own: these figures are sums over respondents, and at a million rows
reading the answers once per figure (each share, each area's index, each alpha, each
group) cost two seconds. Here each form's items are read once into a
:class:`~.patterns.Tally` (distinct rows of answers with their counts and summed
weights) and every figure of the form is worked out on it by the functions of
:mod:`.levels` and :mod:`.indices`; then all breakdowns of all forms come from one count
of respondents per group and answer state (:func:`.levels.levels_by_groups`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..results import IndexSummary, ItemLevel, Level
from ..types import ItemInfo
from .indices import indices_by_area, summarise_index
from .levels import (
    Grouping,
    any_regular,
    group_codes,
    item_levels,
    levels_by_groups,
    regular_flags,
    share_states,
    weighted_share,
)
from .patterns import UsableWeights, floats, tally


@dataclass
class FormSummary:
    """Every level and index figure of one form, and the per-respondent values the models
    and the breakdowns use (``index``: 0–100 or NaN; ``any_regular``: 1/0/NaN;
    ``states``: :func:`.levels.share_states` of ``any_regular``)."""

    level: Level
    items: list[ItemLevel]
    index_summary: IndexSummary
    by_area: dict[str, IndexSummary]
    index: pd.Series
    any_regular: pd.Series
    states: np.ndarray


def summarise_form(
    data: pd.DataFrame,
    items: Sequence[ItemInfo],
    weights: UsableWeights | None,
    threshold: str | None = None,
) -> FormSummary:
    """The :class:`FormSummary` of ``items`` (one form), reading each item column once."""
    cols = [i.column for i in items]
    t = tally([data[c].to_numpy(dtype=float, na_value=np.nan) for c in cols], weights)
    patterns = pd.DataFrame(t.scores, columns=cols)
    flags = regular_flags(patterns, items, threshold)
    any_flag = any_regular(flags).to_numpy()
    share = {"counts": t.counts, "weights_sq": t.weights_sq}
    index, summary = summarise_index(patterns, items, t.weights, t.counts)
    return FormSummary(
        level=weighted_share(any_flag, t.weights, **share),
        items=item_levels(flags, items, t.weights, **share),
        index_summary=summary,
        by_area=indices_by_area(patterns, items, t.weights, t.counts),
        index=pd.Series(t.per_row(index.to_numpy()), index=data.index, name="index"),
        any_regular=pd.Series(t.per_row(any_flag), index=data.index),
        states=t.per_row(share_states(any_flag, t.weights)),
    )


def group_levels(
    data: pd.DataFrame,
    groupings: Sequence[str],
    drivers: Sequence[str],
    forms: dict[str, FormSummary],
    weights: UsableWeights | None,
) -> dict[str, dict[str, dict[str, Level]]]:
    """Each form's level by every grouping column and by every driver's two bands
    (:func:`driver_bands`), as ``{grouping or "band:<driver>": {form: {group: Level}}}``.

    A driver whose bands are empty for a form has no entry for it (nor a key, when empty
    for every form).
    """
    codes: list[Grouping] = [group_codes(data[g]) for g in groupings]
    for driver in drivers:
        codes.append((_band_codes(floats(data[driver])), BANDS))
    got = levels_by_groups(codes, [s.states for s in forms.values()], weights)
    out: dict[str, dict[str, dict[str, Level]]] = {
        g: dict(zip(forms, got[j], strict=True)) for j, g in enumerate(groupings)
    }
    for f, form in enumerate(forms):
        for d, driver in enumerate(drivers):
            bands = got[len(groupings) + d][f]
            if bands:
                out.setdefault(f"band:{driver}", {})[form] = bands
    return out


def driver_bands(scores: pd.Series) -> pd.Series:
    """'higher' above the middle of a 0–1 driver, 'lower' below it, missing at the middle.

    Why: the brief states each driver as two plain groups ("among residents who feel they
    can make a difference ... among those who do not"); an answer exactly in the middle
    ("neither", or one agree and one disagree) belongs to neither.
    """
    band = pd.Categorical.from_codes(_band_codes(floats(scores)), BANDS, validate=False)
    return pd.Series(band, index=scores.index)


BANDS = ["higher", "lower"]
"""The two bands of a driver, in this order (codes 0 and 1)."""


def _band_codes(x: np.ndarray) -> np.ndarray:
    """Codes straight away (NaN compares false both ways: -1, missing), no strings per row."""
    higher, lower = (x > 0.5).view(np.int8), (x < 0.5).view(np.int8)
    return higher + 2 * lower - 1  # higher 0, lower 1, neither -1
