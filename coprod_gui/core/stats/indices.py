"""Co-production indices (DESIGN.md §4): 0–100 scores per form, with Cronbach's alpha.

Why this definition: items can have different scales (four frequency points here, five
there), so each item is first rescaled to 0–1 (its lowest answer 0, its highest 1) and
the index is the mean of the answered items times 100. A respondent who skipped more than
half of a form's questions gets no index: a score from one answer out of six would rest
on too little. The same rule applies per service area.

Alpha uses respondents who answered every item (the textbook definition), unweighted:
it describes how the questions hang together, not the population.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..results import IndexSummary
from ..types import ItemInfo
from .patterns import floats


def cronbach_alpha(frame: pd.DataFrame, counts: np.ndarray | None = None) -> float | None:
    """Cronbach's alpha of the item columns of ``frame`` (complete answers only).

    alpha = k/(k−1) · (1 − Σ var(item) / var(sum of items)), sample variances (n−1).
    ``None`` when it is undefined: fewer than two items, fewer than two complete
    respondents, or a total score that does not vary. With ``counts`` each row stands
    for that many respondents (a :class:`~.patterns.Tally`): the variances are the same
    sums, each row's term taken ``counts`` times.
    """
    k = frame.shape[1]
    if k < 2:
        return None
    values = frame.to_numpy(dtype=float, na_value=np.nan)
    complete = ~np.isnan(values).any(axis=1)
    values = values[complete]
    c = np.ones(len(values)) if counts is None else np.asarray(counts, dtype=float)[complete]
    n = float(c.sum())
    if n < 2:
        return None
    total_var = _sample_var(values.sum(axis=1), c, n)
    if total_var <= 0:
        return None
    item_var = float(sum(_sample_var(values[:, j], c, n) for j in range(k)))
    return k / (k - 1) * (1 - item_var / total_var)


def _sample_var(x: np.ndarray, counts: np.ndarray, n: float) -> float:
    """The sample variance (n−1) of ``x``, each value taken ``counts`` times (two passes,
    as ``np.var``: the mean first, then the squared deviations)."""
    dev = x - float(counts @ x) / n
    return float(counts @ (dev * dev)) / (n - 1)


def build_index(scores: pd.DataFrame, n_points: Sequence[int]) -> pd.Series:
    """The 0–100 index of each respondent from item scores ``0..n_points[i]-1``.

    Each item is divided by ``n_points[i] - 1`` (so 0–1), the answered items are averaged
    and multiplied by 100. Respondents who answered fewer than half the items get NaN.
    """
    if scores.shape[1] != len(n_points):
        raise ValueError("need one n_points per item column")
    if scores.shape[1] == 0:
        return pd.Series(np.nan, index=scores.index, dtype=float)
    tops = np.array([max(int(p) - 1, 1) for p in n_points], dtype=float)
    values = scores.to_numpy(dtype=float, na_value=np.nan) / tops
    answered = (~np.isnan(values)).sum(axis=1)
    with np.errstate(invalid="ignore"):
        mean = np.nansum(values, axis=1) / answered
    enough = answered * 2 >= values.shape[1]
    out = np.where(enough & (answered > 0), mean * 100.0, np.nan)
    return pd.Series(out, index=scores.index, dtype=float, name="index")


def weighted_mean_sd(
    values: pd.Series | np.ndarray,
    weights: pd.Series | np.ndarray | None = None,
    counts: np.ndarray | None = None,
) -> tuple[float, float]:
    """Mean and standard deviation of the non-missing values (weighted when given).

    The weighted sd uses the population formula with the weights as they are (the
    survey convention for describing a population); unweighted uses n−1. With
    ``counts`` each value stands for that many respondents and ``weights`` holds their
    summed weights (a :class:`~.patterns.Tally`).
    """
    v = floats(values)
    ok = ~np.isnan(v)
    if weights is not None:
        w = floats(weights)
        ok &= np.isfinite(w) & (w > 0)
        if not ok.any():
            return math.nan, math.nan
        mean = float(np.average(v[ok], weights=w[ok]))
        sd = float(math.sqrt(np.average((v[ok] - mean) ** 2, weights=w[ok])))
        return mean, sd
    c = np.ones(int(ok.sum())) if counts is None else np.asarray(counts, dtype=float)[ok]
    n = float(c.sum())
    if n == 0:
        return math.nan, math.nan
    mean = float(c @ v[ok]) / n
    sd = math.sqrt(_sample_var(v[ok], c, n)) if n > 1 else math.nan
    return mean, sd


def summarise_index(
    data: pd.DataFrame,
    items: Sequence[ItemInfo],
    weights: pd.Series | np.ndarray | None = None,
    counts: np.ndarray | None = None,
) -> tuple[pd.Series, IndexSummary]:
    """The index of ``items`` for every respondent (every row of ``data``), and its
    summary (mean, sd, alpha); ``counts`` and ``weights`` as in :func:`weighted_mean_sd`."""
    cols = [i.column for i in items]
    index = build_index(data[cols], [i.n_points for i in items])
    mean, sd = weighted_mean_sd(index, weights, counts)
    valid = index.notna().to_numpy()
    summary = IndexSummary(
        mean=None if math.isnan(mean) else mean,
        sd=None if math.isnan(sd) else sd,
        alpha=cronbach_alpha(data[cols], counts),
        n_items=len(cols),
        n_valid=int(valid.sum()) if counts is None else round(float(counts[valid].sum())),
    )
    return index, summary


def indices_by_area(
    data: pd.DataFrame,
    items: Sequence[ItemInfo],
    weights: pd.Series | np.ndarray | None = None,
    counts: np.ndarray | None = None,
) -> dict[str, IndexSummary]:
    """One index summary per service area of ``items`` (items without an area are skipped)."""
    areas: dict[str, list[ItemInfo]] = {}
    for item in items:
        if item.area:
            areas.setdefault(item.area, []).append(item)
    return {area: summarise_index(data, group, weights, counts)[1] for area, group in areas.items()}
