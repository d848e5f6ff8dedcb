"""Indices and Cronbach's alpha against hand-worked and independent computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.stats.indices import (
    build_index,
    cronbach_alpha,
    indices_by_area,
    summarise_index,
    weighted_mean_sd,
)
from coprod_gui.core.types import ItemInfo

FREQ4 = ["Never", "Rarely", "Sometimes", "Often"]


def test_alpha_hand_computed() -> None:
    # items (rows = respondents)      totals
    #   0 1 0                          1
    #   1 1 1                          3
    #   2 2 3                          7
    #   3 2 2                          7
    # item variances (n-1): 5/3, 1/3, 5/3 -> sum 11/3; variance of totals: 27/3 = 9
    # alpha = 3/2 * (1 - (11/3)/9) = 3/2 * 16/27 = 8/9
    frame = pd.DataFrame({"a": [0, 1, 2, 3], "b": [1, 1, 2, 2], "c": [0, 1, 3, 2]})
    assert cronbach_alpha(frame) == pytest.approx(8 / 9, abs=1e-12)
    # a respondent with a missing answer is left out (complete answers only)
    more = pd.concat([frame, pd.DataFrame({"a": [3.0], "b": [np.nan], "c": [0.0]})])
    assert cronbach_alpha(more) == pytest.approx(8 / 9, abs=1e-12)


def test_alpha_equals_covariance_formula_on_random_items() -> None:
    rng = np.random.default_rng(3)
    latent = rng.normal(size=400)
    items = np.column_stack(
        [np.clip(np.round(1.5 + latent + rng.normal(size=400)), 0, 3) for _ in range(5)]
    )
    cov = np.cov(items, rowvar=False)
    expected = 5 / 4 * (1 - np.trace(cov) / cov.sum())
    assert cronbach_alpha(pd.DataFrame(items)) == pytest.approx(expected, abs=1e-12)
    assert 0.6 < expected < 0.95


def test_alpha_undefined_cases() -> None:
    assert cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]})) is None  # one item
    assert cronbach_alpha(pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, 1.0]})) is None  # 1 complete
    assert cronbach_alpha(pd.DataFrame({"a": [1, 1, 1], "b": [2, 2, 2]})) is None  # no variation


def test_index_rescales_each_item_and_needs_half_answered() -> None:
    scores = pd.DataFrame(
        {
            "a": [3.0, 0.0, 1.0, np.nan, np.nan],  # 4-point item: /3
            "b": [4.0, 0.0, np.nan, 2.0, np.nan],  # 5-point item: /4
            "c": [3.0, 0.0, np.nan, np.nan, np.nan],  # 4-point
            "d": [0.0, 0.0, 2.0, np.nan, 3.0],  # 4-point
        }
    )
    index = build_index(scores, [4, 5, 4, 4])
    assert index.iloc[0] == pytest.approx(75.0)  # (1 + 1 + 1 + 0) / 4 * 100
    assert index.iloc[1] == 0.0
    assert index.iloc[2] == pytest.approx(50.0)  # two of four answered: (1/3 + 2/3) / 2
    assert math.isnan(index.iloc[3])  # one of four: too few
    assert math.isnan(index.iloc[4])


def test_index_with_odd_number_of_items_needs_at_least_half() -> None:
    scores = pd.DataFrame({"a": [3.0, 3.0], "b": [np.nan, 3.0], "c": [np.nan, np.nan]})
    index = build_index(scores, [4, 4, 4])
    assert math.isnan(index.iloc[0])  # 1 of 3 is less than half
    assert index.iloc[1] == 100.0  # 2 of 3


def test_summary_weighted_mean_sd_and_areas() -> None:
    items = [
        ItemInfo("i1", "Q1", "individual", "health", "frequency_4", FREQ4, 2),
        ItemInfo("i2", "Q2", "individual", "health", "frequency_4", FREQ4, 2),
        ItemInfo("i3", "Q3", "individual", "local_environment", "frequency_4", FREQ4, 2),
        ItemInfo("i4", "Q4", "individual", None, "frequency_4", FREQ4, 2),
    ]
    data = pd.DataFrame(
        {
            "i1": [3.0, 0.0, 3.0, 1.0],
            "i2": [3.0, 1.0, 2.0, np.nan],
            "i3": [0.0, 0.0, 3.0, 3.0],
            "i4": [3.0, 3.0, 3.0, 3.0],
        }
    )
    w = pd.Series([1.0, 2.0, 1.0, 0.5])
    index, summary = summarise_index(data, items, w)
    expected = (data / 3).mean(axis=1) * 100
    assert index.tolist() == pytest.approx(expected.tolist())
    mean = float(np.average(expected, weights=w))
    assert summary.mean == pytest.approx(mean)
    assert summary.sd == pytest.approx(math.sqrt(np.average((expected - mean) ** 2, weights=w)))
    assert summary.n_items == 4 and summary.n_valid == 4
    assert summary.alpha == pytest.approx(cronbach_alpha(data[["i1", "i2", "i3", "i4"]]))
    areas = indices_by_area(data, items)
    assert set(areas) == {"health", "local_environment"}  # the item with no area is skipped
    assert areas["health"].mean == pytest.approx(np.mean([100, 100 / 6, 250 / 3, 100 / 3]))
    assert areas["health"].n_items == 2 and areas["health"].n_valid == 4
    assert areas["local_environment"].alpha is None  # one item: alpha undefined
    mean_u, sd_u = weighted_mean_sd(expected)
    assert (mean_u, sd_u) == pytest.approx((expected.mean(), expected.std(ddof=1)))
