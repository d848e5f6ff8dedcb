"""Levels, indices and alpha from answer patterns (issue 11) against the row-by-row formulas.

At a million rows the levels, indices and Cronbach's alpha are worked out once per
distinct row of answers (``patterns.tally``) and all group breakdowns from one count
(``levels.levels_by_groups``). These tests pin that this gives the textbook figures, the
same as every respondent taken one by one, and that the analysis reads each item column
once (the old loop read it once per figure: per share, per area, per alpha).
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections import Counter
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.stats import levels as lv
from coprod_gui.core.stats import patterns
from coprod_gui.core.stats.analysis import AnalysisOptions, analyse, term_ends
from coprod_gui.core.stats.indices import cronbach_alpha
from coprod_gui.core.stats.patterns import usable_weights
from coprod_gui.core.stats.summaries import driver_bands, group_levels, summarise_form
from coprod_gui.core.types import ItemInfo, SurveyFrame
from tests.core.test_analysis import make_survey

FREQ4 = ["Never", "Rarely", "Sometimes", "Often"]


class _ReadCounting(pd.DataFrame):
    """A data frame that counts which of its columns are read with ``frame[...]``."""

    _metadata: ClassVar[list[str]] = ["reads"]

    def __getitem__(self, key):  # type: ignore[override]
        keys = key if isinstance(key, list) else [key]
        for k in keys:
            if isinstance(k, str):
                self.reads[k] += 1
        return super().__getitem__(key)


def test_each_item_column_is_read_once_per_analysis() -> None:
    survey = make_survey(600, seed=3)
    data = _ReadCounting(survey.data)
    data.reads = Counter()
    result = analyse(dataclasses.replace(survey, data=data), AnalysisOptions())
    item_reads = {i.column: data.reads[i.column] for i in survey.items}
    assert item_reads == {i.column: 1 for i in survey.items}
    assert result.indices["individual"].n_valid > 500  # the figures were still made


def _planted_alpha_frame() -> pd.DataFrame:
    """Three items, repeated rows, missing answers (rows with one are not complete)."""
    rows = [
        (3, 2, 3), (3, 2, 3), (0, 1, 0), (2, 2, 1), (1, np.nan, 1), (0, 0, 1),
        (3, 3, 2), (np.nan, np.nan, np.nan), (1, 1, 1), (2, 3, 3), (0, 1, 0), (2, np.nan, 0),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["i1", "i2", "i3"], dtype=float)


def test_alpha_is_the_textbook_formula_on_complete_answers() -> None:
    frame = _planted_alpha_frame()
    complete = [r for r in frame.itertuples(index=False) if not any(map(math.isnan, r))]
    k = 3
    item_var = sum(statistics.variance([r[j] for r in complete]) for j in range(k))
    total_var = statistics.variance([sum(r) for r in complete])
    textbook = k / (k - 1) * (1 - item_var / total_var)
    assert len(complete) == 9
    assert cronbach_alpha(frame) == pytest.approx(textbook, rel=1e-13)
    items = [ItemInfo(c, c, "individual", "health", "freq4", FREQ4, 2) for c in frame.columns]
    form = summarise_form(frame, items, usable_weights(None))
    assert form.index_summary.alpha == pytest.approx(textbook, rel=1e-13)
    # the same figure from the patterns with their counts as from the rows one by one
    t = patterns.tally([frame[c].to_numpy() for c in frame.columns], None)
    assert t.rows is not None and len(t.counts) == 10 and t.counts.sum() == 12
    tallied = pd.DataFrame(t.scores, columns=frame.columns)
    assert cronbach_alpha(tallied, t.counts) == pytest.approx(textbook, rel=1e-13)


def _figures(form) -> list[float]:
    """Every number of a form's summary (``None`` as NaN)."""
    out: list[float] = []
    for x in [form.level, *form.items, form.index_summary, *form.by_area.values()]:
        for v in dataclasses.asdict(x).values():
            if not isinstance(v, str):
                out.append(math.nan if v is None else float(v))
    return out


@pytest.mark.parametrize(
    ("weighted", "dense"),
    [(True, patterns.DENSE_PATTERNS), (False, patterns.DENSE_PATTERNS), (True, 10)],
)  # dense 10: the patterns found by np.unique instead of one bincount
def test_patterns_give_the_figures_of_every_row_one_by_one(
    weighted: bool, dense: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patterns, "DENSE_PATTERNS", dense)
    survey = make_survey(900, seed=5, weighted=weighted)
    data = survey.data.copy()
    if weighted:  # weights that cannot be used leave those respondents out
        data.loc[[3, 10, 11], "weight"] = [np.nan, 0.0, -1.0]
    data["individual_3"] = np.nan  # a question nobody answered
    weights = usable_weights(data["weight"] if weighted else None)
    for form in ("individual", "collective"):
        items = survey.items_of(form)
        packed = summarise_form(data, items, weights)
        assert packed.index_summary.n_valid > 700
        with monkeypatch.context() as m:
            m.setattr(patterns, "_pack", lambda columns: None)  # every row its own pattern
            by_row = summarise_form(data, items, weights)
        assert _figures(packed) == pytest.approx(_figures(by_row), rel=1e-12, nan_ok=True)
        np.testing.assert_array_equal(packed.index.to_numpy(), by_row.index.to_numpy())
        np.testing.assert_array_equal(packed.any_regular.to_numpy(), by_row.any_regular.to_numpy())
        np.testing.assert_array_equal(packed.states, by_row.states)
        # and the index as the brief defines it: the mean of the answered items on 0-1
        scores = data[[i.column for i in items]]
        scaled = scores / np.array([i.n_points - 1 for i in items])
        enough = scores.notna().sum(axis=1) * 2 >= len(items)
        expected = (scaled.mean(axis=1) * 100).where(enough)
        np.testing.assert_allclose(packed.index.to_numpy(), expected.to_numpy(), rtol=1e-13)
        if not weighted:
            assert packed.index_summary.mean == pytest.approx(expected.mean(), rel=1e-13)
            assert packed.index_summary.sd == pytest.approx(expected.std(ddof=1), rel=1e-13)
        assert packed.index_summary.n_valid == int(expected.notna().sum())


def test_scores_that_are_not_whole_numbers_are_taken_row_by_row() -> None:
    frame = pd.DataFrame({"a": [0.5, 1.0, 2.0, np.nan], "b": [1.0, 2.0, 0.0, 3.0]})
    t = patterns.tally([frame["a"].to_numpy(), frame["b"].to_numpy()], None)
    assert t.rows is None and len(t.counts) == 4  # not packed: each respondent their own
    items = [ItemInfo(c, c, "individual", None, "freq4", FREQ4, 2) for c in frame.columns]
    form = summarise_form(frame, items, None)
    assert form.index.tolist() == pytest.approx([25.0, 50.0, 100 / 3, 100.0])


def _levels_by_masks(flags: pd.Series, groups: pd.Series, w: pd.Series | None) -> dict:
    """Each group's share worked row by row with a mask, as levels were first computed."""
    out = {}
    for name in groups.cat.categories:
        inside = (groups == name).to_numpy()
        if inside.any():
            out[str(name)] = lv.weighted_share(flags[inside], None if w is None else w[inside])
    return out


@pytest.mark.parametrize("dense", [patterns.DENSE_PATTERNS, 40])
def test_all_breakdowns_of_all_forms_from_one_count(
    dense: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lv, "DENSE_PATTERNS", dense)  # 40: one grouping per pass
    survey = make_survey(700, seed=8)
    data = survey.data.copy()
    data.loc[[5, 6], "weight"] = [np.nan, 0.0]
    weights = usable_weights(data["weight"])
    forms = {
        f: summarise_form(data, survey.items_of(f), weights) for f in ("individual", "collective")
    }
    got = group_levels(data, ["authority", "age_band", "gender"], survey.drivers, forms, weights)
    assert list(got) == ["authority", "age_band", "gender", "band:efficacy",
                         "band:consultation_satisfaction"]  # fmt: skip
    for form, summary in forms.items():
        for grouping in ("authority", "age_band", "gender"):
            expected = _levels_by_masks(summary.any_regular, data[grouping], data["weight"])
            assert list(got[grouping][form]) == list(expected)
            for name, level in expected.items():
                mine = got[grouping][form][name]
                assert mine.base == level.base
                assert dataclasses.astuple(mine) == pytest.approx(dataclasses.astuple(level))
        bands = driver_bands(data["efficacy"])
        expected = _levels_by_masks(summary.any_regular, bands, data["weight"])
        assert got["band:efficacy"][form].keys() == expected.keys() == {"higher", "lower"}
        for name, level in expected.items():
            assert dataclasses.astuple(got["band:efficacy"][form][name]) == pytest.approx(
                dataclasses.astuple(level)
            )


def test_driver_bands_leave_the_middle_and_the_unanswered_out() -> None:
    bands = driver_bands(pd.Series([0.0, 0.25, 0.5, 0.75, 1.0, np.nan]))
    assert bands.astype(object).tolist()[:2] == ["lower", "lower"]
    assert bands.astype(object).tolist()[3:5] == ["higher", "higher"]
    assert bands.isna().tolist() == [False, False, True, False, False, True]


def test_term_ends_shares_worked_by_hand() -> None:
    data = pd.DataFrame(
        {
            "efficacy": [0.0, 0.0, 1 / 3, 0.5, 2 / 3, 1.0, 1.0, np.nan],
            "age": [20.0, 20.0, 45.0, 45.0, 80.0, 80.0, np.nan, 45.0],
            "age_band": pd.Categorical(
                ["16-34", "16-34", "35-54", "35-54", "75+", "75+", None, "35-54"],
                categories=["16-34", "35-54", "55-74", "75+"],
            ),
        }
    )
    w = pd.Series([1.0, 2.0, 1.0, np.nan, 3.0, 1.0, 2.0, 5.0])  # a missing weight adds 0
    ends = term_ends(data, "efficacy", w)
    assert ends is not None
    assert ends["share_low"] == pytest.approx(100 * 3 / 10)  # 0 and 0: weights 1 + 2
    assert ends["share_high"] == pytest.approx(100 * 3 / 10)
    assert ends["share_above_middle"] == pytest.approx(100 * 6 / 10)
    plain = term_ends(data, "efficacy", None)
    assert plain is not None and plain["share_low"] == pytest.approx(100 * 2 / 7)
    age = term_ends(data, "age", w)  # came in bands: youngest and oldest band used
    assert age is not None
    assert (age["low"], age["high"], age["low_label"], age["high_label"]) == (
        20.0, 80.0, "16-34", "75+",
    )  # fmt: skip
    assert age["share_low"] == pytest.approx(100 * 3 / 13)
    assert age["share_high"] == pytest.approx(100 * 4 / 13)
    data.loc[2, "age"] = 40.0  # a band with two ages: not bands after all
    assert term_ends(data, "age", w)["low"] == 30.0  # type: ignore[index]


def test_survey_frame_is_unchanged_by_the_analysis() -> None:
    survey: SurveyFrame = make_survey(300, seed=2)
    before = survey.data.copy()
    analyse(survey)
    pd.testing.assert_frame_equal(survey.data, before)
