"""Shares, Wilson intervals and weighted levels against the formulas worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from coprod_gui.core.errors import InputError
from coprod_gui.core.stats.levels import (
    any_regular,
    effective_base,
    item_levels,
    levels_by_group,
    regular_flags,
    regular_from,
    weighted_share,
    wilson_interval,
)
from coprod_gui.core.types import ItemInfo

FREQ4 = ["Never", "Rarely", "Sometimes", "Often"]
MONTHLY = ["Not at all", "Less often", "At least monthly", "At least weekly"]


def wilson_by_hand(x: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_wilson_known_values() -> None:
    low, high = wilson_interval(24, 100)
    # p = 0.24, z^2/n = 0.038415: centre 0.249617, half-width 0.082646
    assert low == pytest.approx(0.166913, abs=1e-6)
    assert high == pytest.approx(0.332323, abs=1e-6)
    assert (low, high) == pytest.approx(wilson_by_hand(24, 100), abs=1e-12)
    assert (low, high) == pytest.approx(proportion_confint(24, 100, method="wilson"), abs=1e-9)
    # The score interval never leaves 0-1 (a normal interval for 0/10 would be 0 +- 0)
    low0, high0 = wilson_interval(0, 10)
    assert low0 == 0.0 and high0 == pytest.approx(0.277533, abs=1e-6)
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0)
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_unweighted_share() -> None:
    flags = pd.Series([1, 0, 1, np.nan, 0, 1, 1, 0])
    lv = weighted_share(flags)
    assert lv.base == 7 and lv.effective_base is None
    assert lv.percent == pytest.approx(400 / 7)
    low, high = wilson_by_hand(4, 7)
    assert (lv.ci_low, lv.ci_high) == pytest.approx((100 * low, 100 * high))


def test_weighted_share_uses_kish_effective_base() -> None:
    flags = pd.Series([1.0, 0.0, 1.0, np.nan, 1.0])
    weights = pd.Series([2.0, 1.0, 1.0, 5.0, 0.0])  # NaN flag and zero weight left out
    lv = weighted_share(flags, weights)
    assert lv.base == 3
    assert lv.percent == pytest.approx(75.0)  # (2 + 1) / (2 + 1 + 1)
    n_eff = 4**2 / (4 + 1 + 1)  # (sum w)^2 / sum w^2 = 16 / 6
    assert lv.effective_base == pytest.approx(n_eff)
    low, high = wilson_by_hand(0.75 * n_eff, n_eff)
    assert (lv.ci_low, lv.ci_high) == pytest.approx((100 * low, 100 * high))
    # equal weights: the same share and interval as unweighted, effective base = n
    same = weighted_share(flags.iloc[:3], pd.Series([3.0, 3.0, 3.0]))
    plain = weighted_share(flags.iloc[:3])
    assert same.effective_base == pytest.approx(3.0)
    assert (same.percent, same.ci_low, same.ci_high) == pytest.approx(
        (plain.percent, plain.ci_low, plain.ci_high)
    )
    assert effective_base(np.array([1.0, 1.0, 4.0])) == pytest.approx(36 / 18)


def test_unequal_weights_widen_the_interval() -> None:
    rng = np.random.default_rng(1)
    flags = pd.Series((rng.random(2000) < 0.3).astype(float))
    w = pd.Series(rng.lognormal(0, 0.8, 2000))
    weighted = weighted_share(flags, w)
    plain = weighted_share(flags)
    assert weighted.effective_base < 0.7 * 2000
    assert weighted.ci_high - weighted.ci_low > plain.ci_high - plain.ci_low


def test_empty_share() -> None:
    lv = weighted_share(pd.Series([np.nan, np.nan]))
    assert lv.percent is None and lv.base == 0


def items() -> list[ItemInfo]:
    return [
        ItemInfo("i1", "How often do you recycle?", "individual", "env", "frequency_4", FREQ4, 2),
        ItemInfo(
            "i2", "How often do you volunteer?", "individual", None, "frequency_monthly", MONTHLY, 2
        ),
    ]


def test_flags_threshold_and_at_least_one() -> None:
    data = pd.DataFrame({"i1": [3, 2, 1, np.nan, np.nan, 0], "i2": [0, np.nan, 3, 1, np.nan, 1]})
    flags = regular_flags(data, items())
    assert flags["i1"].tolist()[:3] == [1.0, 1.0, 0.0] and math.isnan(flags["i1"].iloc[3])
    any_flag = any_regular(flags)
    # 1 if any answered item is regular; 0 if answered but none; NaN if nothing answered
    assert any_flag.iloc[:4].tolist() == [1.0, 1.0, 1.0, 0.0]
    assert math.isnan(any_flag.iloc[4]) and any_flag.iloc[5] == 0.0
    # "often" is "at least weekly" on the monthly/weekly scale
    often = regular_flags(data, items(), "often")
    assert often["i1"].tolist()[:3] == [1.0, 0.0, 0.0]
    assert often["i2"].tolist()[2] == 1.0 and often["i2"].tolist()[0] == 0.0
    assert regular_from(items()[1], "At least weekly") == 3
    assert regular_from(items()[0], None) == 2


def test_unknown_threshold_is_a_plain_error() -> None:
    with pytest.raises(InputError, match="not one of the answers") as err:
        regular_from(items()[0], "every single day")
    assert "How often do you recycle?" in str(err.value)


def test_item_levels_and_groups() -> None:
    data = pd.DataFrame({"i1": [3, 2, 1, 0, 3, 2], "i2": [0, 0, 3, 1, np.nan, 2]})
    flags = regular_flags(data, items())
    levels = item_levels(flags, items())
    assert [lv.column for lv in levels] == ["i1", "i2"]
    assert levels[0].percent == pytest.approx(400 / 6)
    assert levels[1].percent == pytest.approx(40.0) and levels[1].base == 5
    assert levels[0].question == "How often do you recycle?" and levels[0].area == "env"
    groups = pd.Series(pd.Categorical(["A", "B", "A", "B", None, "A"], categories=["A", "B", "C"]))
    by = levels_by_group(flags["i1"], groups)
    assert list(by) == ["A", "B"]  # unused category skipped, no-group respondent left out
    assert by["A"].percent == pytest.approx(200 / 3) and by["A"].base == 3
    assert by["B"].percent == pytest.approx(50.0)
    w = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    byw = levels_by_group(flags["i1"], groups, w)
    assert byw["A"].percent == pytest.approx(100 * 7 / 10)
    assert byw["A"].effective_base == pytest.approx(100 / 46)
