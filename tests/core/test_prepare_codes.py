"""Preparing works through a categorical's codes, never a hash of every cell (issue 11).

The reader keeps repeated answers as categoricals; stacking a column takes the codes it
already has (the same codes and answers, in the same order, as ``pd.factorize``), and the
ID check compares neighbours when the IDs come in order. Not timed: the work is counted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.io.reading import read_survey
from coprod_gui.core.survey import stack as stack_module
from coprod_gui.core.survey.mapping import suggest_mapping
from coprod_gui.core.survey.prepare import _repeats, prepare
from coprod_gui.core.survey.synthetic import generate_survey


@pytest.mark.parametrize(
    "values",
    [
        ["b", "a", None, "b", "c", "a"],  # first appearance is not category order
        ["x", "x", "x"],
        [None, "y", None, "z"],
    ],
)
def test_a_categorical_is_factorised_as_pandas_does(values: list[str | None]) -> None:
    s = pd.Series(pd.Categorical(values, categories=["z", "c", "b", "a", "y", "x", "unused"]))
    codes, uniques = stack_module.factorize(s)
    want_codes, want_uniques = pd.factorize(s, use_na_sentinel=True)
    assert codes.tolist() == want_codes.tolist()
    assert list(uniques) == list(want_uniques)


def test_preparing_uses_the_codes_not_every_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression guard: the old code factorised every answer column cell by cell."""
    n = 40_000
    path = tmp_path / "s.csv"
    pd.concat([generate_survey(2000, seed=7)] * (n // 2000), ignore_index=True).to_csv(
        path, index=False
    )
    table = read_survey(path)
    mapping, _ = suggest_mapping([table])
    hashed: list[int] = []
    original = pd.factorize

    def counted(values, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
            hashed.append(len(values))
        return original(values, *args, **kwargs)

    monkeypatch.setattr(stack_module.pd, "factorize", counted)
    survey = prepare([table], mapping)
    monkeypatch.undo()
    assert not hashed, hashed  # no categorical column hashed cell by cell
    again = prepare([table], mapping)  # (unpatched) the same survey either way
    pd.testing.assert_frame_equal(survey.data, again.data)
    score = survey.data["individual_1"]
    assert score.notna().sum() > 0.5 * n  # answers came through as scores
    assert np.nanmean(score) == pytest.approx(np.nanmean(score.iloc[:2000]), rel=1e-12)


@pytest.mark.parametrize(
    "s",
    [
        pd.Series([f"{i:05d}" for i in range(50)], dtype="str"),  # in order: no hash
        pd.Series(["3", "1", "2", "1", "3", "3"], dtype="str"),
        pd.Series(["a", "b", "b"], dtype="str"),  # in order, but a repeat
        pd.Series(["a", "b", "c"], dtype=object),
        pd.Series([1, 2, 3, 3, 9]),
        pd.Series([1.0, 2.5, 7.0]),
        pd.Series([5, 4, 3]),
        pd.Series(pd.Categorical(["a", "a", "b"])),
        pd.Series(["only"], dtype="str"),
    ],
)
def test_repeated_ids_are_counted_as_duplicated_does(s: pd.Series) -> None:
    assert _repeats(s) == int(s.duplicated().sum())


@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_a_drivers_mean_is_bit_for_bit_the_stacked_nanmean(k: int) -> None:
    from coprod_gui.core.survey.prepare import _mean_of

    rng = np.random.default_rng(k)
    parts = []
    for _ in range(k):
        p = rng.integers(0, 5, size=5001) / 4.0 + rng.normal(size=5001) * 1e-3
        p[rng.random(5001) < 0.3] = np.nan
        parts.append(p)
    parts[0][:10] = np.nan  # respondents with no answer at all (when k == 1)
    stacked = np.vstack(parts)
    with np.errstate(invalid="ignore"):
        valid = (~np.isnan(stacked)).sum(axis=0)
        want = np.where(valid > 0, np.nansum(stacked, axis=0) / np.maximum(valid, 1), np.nan)
    got = _mean_of(parts)
    assert np.array_equal(got.view(np.int64), want.view(np.int64))
