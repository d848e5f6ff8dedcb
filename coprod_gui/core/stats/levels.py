"""How common co-production is (DESIGN.md §4): shares with Wilson 95% intervals.

Why Wilson: a normal-approximation interval misbehaves for small groups and for shares
near 0 % or 100 % (it can go below zero); Wilson's score interval does not. Weighted
shares use the Kish effective base, n_eff = (Σw)² / Σw², in place of n, because unequal
weights make a sample worth fewer respondents than it has (the interval must widen).

Conventions (docs/architecture.md): an item counts as "done regularly" when its score is
at least ``ItemInfo.regular_from``; a respondent does "at least one activity of the form
regularly" when any answered item of that form is; respondents who answered none of the
form's items are left out of that share. Percentages are 0–100.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..results import ItemLevel, Level
from ..types import ItemInfo
from .patterns import DENSE_PATTERNS, UsableWeights, floats, usable_weights

Z95 = 1.959963984540054
"""The 97.5th percentile of the standard normal: a two-sided 95% interval."""


def wilson_interval(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion, as (low, high) on 0–1.

    ``successes`` and ``n`` may be non-integer (a weighted share times the effective
    base, and the effective base). ``n`` of zero gives (nan, nan).
    """
    if n <= 0:
        return math.nan, math.nan
    p = min(max(successes / n, 0.0), 1.0)
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def effective_base(weights: np.ndarray) -> float:
    """Kish's effective sample size (Σw)² / Σw² of positive weights."""
    w = np.asarray(weights, dtype=float)
    sq = float(w @ w)
    return float(w.sum() ** 2 / sq) if sq > 0 else 0.0


def weighted_share(
    flags: pd.Series | np.ndarray,
    weights: pd.Series | np.ndarray | None = None,
    *,
    counts: np.ndarray | None = None,
    weights_sq: np.ndarray | None = None,
) -> Level:
    """The share (0–100) of respondents whose flag is 1, among those with a flag.

    ``flags`` holds 1/0 (or True/False) with NaN for "not answered". With ``weights``
    the share is Σw·flag / Σw over respondents with a flag and a positive weight, the
    interval is Wilson's on the effective base, and ``effective_base`` is reported.
    ``base`` is always the unweighted number of respondents counted.

    With ``counts`` each flag stands for that many respondents (a :class:`~.patterns.Tally`:
    ``weights`` and ``weights_sq`` are then their summed weights and squared weights).
    """
    f = floats(flags)
    ok = ~np.isnan(f)
    if weights is not None:
        w = floats(weights)
        ok &= np.isfinite(w) & (w > 0)
    base = int(ok.sum()) if counts is None else round(float(counts[ok].sum()))
    if base == 0:
        return Level(None, None, None, 0, 0.0 if weights is not None else None)
    hits = f[ok] > 0
    if weights is None:
        n_hits = float(hits.sum()) if counts is None else float(counts[ok] @ hits)
        return _share_of(n_hits, base)
    wk = w[ok]
    wsq = float(wk @ wk) if weights_sq is None else float(weights_sq[ok].sum())
    return _weighted_share_of(float(wk @ hits), float(wk.sum()), wsq, base)


def _share_of(hits: float, base: int) -> Level:
    """The unweighted share and Wilson interval of ``hits`` out of ``base`` (> 0)."""
    if base == 0:
        return Level(None, None, None, 0)
    low, high = wilson_interval(hits, base)
    return Level(100 * hits / base, 100 * low, 100 * high, base)


def _weighted_share_of(hit_weight: float, weight: float, weight_sq: float, base: int) -> Level:
    """The weighted share from Σw·flag, Σw and Σw² of the ``base`` respondents counted."""
    if base == 0:
        return Level(None, None, None, 0, 0.0)
    # Rounding can put "everyone" a hair over 1 (12 weights gave 1.0000000000000002),
    # above the interval's upper end, which broke the charts: a share is within [0, 1].
    p = min(max(float(hit_weight) / float(weight), 0.0), 1.0)
    n_eff = float(weight) ** 2 / float(weight_sq) if weight_sq > 0 else 0.0
    low, high = wilson_interval(p * n_eff, n_eff)
    return Level(100 * p, 100 * low, 100 * high, base, n_eff)


# --------------------------------------------------------------------------- flags


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def regular_from(item: ItemInfo, threshold: str | None) -> int:
    """The lowest score of ``item`` that counts as regular for a threshold label.

    ``None`` keeps the item's own ``regular_from`` (from the mapping's threshold). A
    label such as ``"often"`` is translated to the item's scale by the equivalences of
    :func:`scales.threshold_position` ("often" is "at least weekly" on a monthly/weekly
    scale), else looked up among the item's own answer labels (case and punctuation
    ignored); an item whose scale has no such answer is a plain-English error.
    """
    if threshold is None:
        return item.regular_from
    from ..survey.scales import threshold_position

    position = threshold_position(item.scale, threshold)
    if position is not None:
        return position
    wanted = _norm(threshold)
    for score, text in enumerate(item.labels):
        if _norm(text) == wanted:
            return score
    raise InputError(
        f"The threshold answer {threshold!r} is not one of the answers to the question "
        f"{item.source!r} ({', '.join(item.labels)}).",
        hint="Choose a threshold that is one of its answers, or leave the threshold as it was.",
    )


def regular_flags(
    data: pd.DataFrame, items: Sequence[ItemInfo], threshold: str | None = None
) -> pd.DataFrame:
    """1.0 where an item is done regularly, 0.0 where not, NaN where not answered."""
    out = {}
    for item in items:
        scores = data[item.column].to_numpy(dtype=float, na_value=np.nan)
        flag = (scores >= regular_from(item, threshold)).astype(float)
        flag[np.isnan(scores)] = np.nan
        out[item.column] = flag
    return pd.DataFrame(out, index=data.index, columns=[i.column for i in items])


def any_regular(flags: pd.DataFrame) -> pd.Series:
    """1.0 if any answered item is done regularly, 0.0 if none, NaN if none answered."""
    values = flags.to_numpy(dtype=float, na_value=np.nan)
    answered = (~np.isnan(values)).any(axis=1) if values.shape[1] else np.zeros(len(flags), bool)
    out = np.where(answered, (np.nan_to_num(values, nan=0.0) > 0).any(axis=1), np.nan)
    return pd.Series(out.astype(float), index=flags.index)


def item_levels(
    flags: pd.DataFrame,
    items: Sequence[ItemInfo],
    weights: pd.Series | np.ndarray | None = None,
    *,
    counts: np.ndarray | None = None,
    weights_sq: np.ndarray | None = None,
) -> list[ItemLevel]:
    """Share doing each activity regularly, one :class:`ItemLevel` per item (``counts``
    and ``weights_sq`` as in :func:`weighted_share`)."""
    out = []
    for item in items:
        lv = weighted_share(flags[item.column], weights, counts=counts, weights_sq=weights_sq)
        out.append(
            ItemLevel(
                lv.percent,
                lv.ci_low,
                lv.ci_high,
                lv.base,
                lv.effective_base,
                column=item.column,
                question=item.source,
                form=item.form,
                area=item.area,
            )
        )
    return out


def share_states(
    flags: pd.Series | np.ndarray, weights: pd.Series | np.ndarray | None = None
) -> np.ndarray:
    """Per respondent (or pattern): 0 not counted in a share (no flag, or no usable
    weight), 1 counted and not regular, 2 counted and regular, as ``int8``."""
    f = floats(flags)
    counted = ~np.isnan(f)
    if weights is not None:
        w = floats(weights)
        counted &= np.isfinite(w) & (w > 0)
    with np.errstate(invalid="ignore"):
        return np.where(counted, 1 + (f > 0), 0).astype(np.int8)


Grouping = tuple[np.ndarray, Sequence[str]]
"""A breakdown: each respondent's group code (-1: no group) and the groups' names."""


def group_codes(groups: pd.Series) -> Grouping:
    """The :data:`Grouping` of a column (category order; a non-category is made one)."""
    if not isinstance(groups.dtype, pd.CategoricalDtype):
        groups = groups.astype("category")
    return groups.cat.codes.to_numpy(), [str(c) for c in groups.cat.categories]


def levels_by_group(
    flags: pd.Series, groups: pd.Series, weights: pd.Series | None = None
) -> dict[str, Level]:
    """The share of ``flags`` within each group (category order; unused groups skipped).

    Respondents with no group (NaN) are left out of every group. One flag and one
    grouping of :func:`levels_by_groups`.
    """
    states = share_states(flags, weights)
    return levels_by_groups([group_codes(groups)], [states], usable_weights(weights))[0][0]


def levels_by_groups(
    groupings: Sequence[Grouping],
    states: Sequence[np.ndarray],
    weights: UsableWeights | None = None,
) -> list[list[dict[str, Level]]]:
    """The share within each group of every grouping, for every form's ``states``
    (:func:`share_states`), as ``[grouping][form] -> {group: Level}``.

    Why all at once: a mask and a share per group read every row once per group, and
    even one ``bincount`` per grouping and form reads a million rows 16 times; here the
    groupings (and the forms' states) are packed into one key per respondent and counted
    with one ``bincount`` of respondents, weights and squared weights, and each
    grouping's shares are sums over that table. Groupings whose table would be too big
    are counted in further passes.
    """
    n_states = 3 ** len(states)
    state = np.zeros(len(states[0]) if states else 0, dtype=np.int32)
    for f, s in enumerate(states):
        state += s * np.int32(3**f)
    batches: list[list[int]] = []
    size = 0
    for j, (_, names) in enumerate(groupings):
        r = len(names) + 1
        if batches and size * r <= DENSE_PATTERNS:
            batches[-1].append(j)
            size *= r
        else:
            batches.append([j])
            size = n_states * r
    out: list[list[dict[str, Level]]] = [[] for _ in groupings]
    for batch in batches:
        shape = [len(groupings[j][1]) + 1 for j in batch]
        total = int(np.prod(shape)) * n_states
        key = np.zeros(len(state), dtype=np.int32 if total < 1 << 31 else np.intp)
        for j, r in zip(batch, shape, strict=True):
            key *= r
            key += groupings[j][0]
            key += 1  # slot 0: no group
        key *= n_states
        key += state
        key = key.astype(np.intp, copy=False)
        cube = [np.bincount(key, minlength=total).reshape(*shape, n_states)]
        if weights is not None:
            for w in (weights.weight, weights.weight_sq):
                cube.append(np.bincount(key, weights=w, minlength=total).reshape(*shape, n_states))
        for axis, j in enumerate(batch):
            others = tuple(a for a in range(len(batch)) if a != axis)
            margins = [c.sum(axis=others) for c in cube]  # groups (slot 0: none) x states
            names = groupings[j][1]
            present = margins[0][1:].sum(axis=1) > 0
            for f in range(len(states)):
                by = [_by_state(m[1:], f, len(states)) for m in margins]  # groups x 3
                levels = {}
                for k, name in enumerate(names):
                    if not present[k]:
                        continue
                    base = int(by[0][k, 1] + by[0][k, 2])
                    if weights is None:
                        levels[name] = _share_of(float(by[0][k, 2]), base)
                    else:
                        sw, sww = by[1][k], by[2][k]
                        levels[name] = _weighted_share_of(
                            sw[2], sw[1] + sw[2], sww[1] + sww[2], base
                        )
                out[j].append(levels)
    return out


def _by_state(table: np.ndarray, form: int, n_forms: int) -> np.ndarray:
    """Columns of ``table`` (groups x joint states of ``n_forms``) summed to one form's
    three states."""
    joint = table.reshape(table.shape[0], *([3] * n_forms))
    axis = n_forms - form  # state of form f is digit f of the joint state (base 3)
    others = tuple(a for a in range(1, n_forms + 1) if a != axis)
    return joint.sum(axis=others) if others else joint
