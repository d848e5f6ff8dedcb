"""The bundled example survey: it matches its generator and shows the research's patterns.

Read with plain pandas and recoded here, independently of the product's reader and scale
tables, so a bug there cannot hide a bug in the example (or the other way round).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from openpyxl import load_workbook

from coprod_gui.core.errors import InputError
from coprod_gui.core.survey import synthetic as syn
from coprod_gui.core.survey.example import example_survey_paths

FREQ = {"Often": 3, "Sometimes": 2, "Rarely": 1, "Never": 0}
AGREE = {"Definitely agree": 3, "Tend to agree": 2, "Tend to disagree": 1, "Definitely disagree": 0}
SATIS = {
    "Very satisfied": 4,
    "Fairly satisfied": 3,
    "Neither satisfied nor dissatisfied": 2,
    "Fairly dissatisfied": 1,
    "Very dissatisfied": 0,
}
AMOUNT = {"A great deal": 3, "A fair amount": 2, "Not very much": 1, "Not at all": 0}
INFORMED = {
    "Very well informed": 3,
    "Fairly well informed": 2,
    "Not very well informed": 1,
    "Not well informed at all": 0,
}
AGE_MID = {"16-24": 20, "25-34": 29.5, "35-44": 39.5, "45-54": 49.5, "55-64": 59.5,
           "65-74": 69.5, "75+": 80}  # fmt: skip


def _read(path: Path) -> pd.DataFrame:
    return pd.read_excel(
        path,
        sheet_name="Data",
        header=syn.HEADER_ROW_INDEX,
        dtype={"Respondent ID": str},
        engine="calamine",
    )


@pytest.fixture(scope="module")
def shipped_path() -> Path:
    paths = example_survey_paths()
    assert len(paths) == 1
    return paths[0]


@pytest.fixture(scope="module")
def shipped(shipped_path: Path) -> pd.DataFrame:
    return _read(shipped_path)


def _scored(df: pd.DataFrame, col: str) -> pd.Series:
    """Score 0-1, higher = more; unknown labels would show up as a failure below."""
    values = df[col]
    for table in (FREQ, AGREE, SATIS, AMOUNT, INFORMED):
        if values.dropna().isin([*table, "Don't know"]).all():
            score = values.map(table).astype(float) / max(table.values())
            return 1 - score if "too difficult" in col else score
    raise AssertionError(f"unrecognised answers in {col!r}: {values.unique()[:8]}")


def _index(df: pd.DataFrame, construct: str) -> pd.DataFrame:
    return pd.DataFrame({c: _scored(df, c) for c in syn.CONSTRUCT_COLUMNS[construct]})


def _alpha(items: pd.DataFrame) -> float:
    x = items.dropna()
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var().sum() / x.sum(axis=1).var())


# --- the shipped file --------------------------------------------------------------------


def test_shipped_file_has_the_agency_layout(shipped_path: Path) -> None:
    assert shipped_path.stat().st_size < 1_000_000
    wb = load_workbook(shipped_path, read_only=True)
    try:
        assert wb.sheetnames == ["About this survey", "Data"]
        rows = list(wb["Data"].iter_rows(min_row=1, max_row=5, values_only=True))
    finally:
        wb.close()
    assert rows[0][0] == syn.DEFAULT_TITLE
    assert rows[1][0] == "Base: all respondents"
    assert all(v is None for v in rows[2])
    assert rows[3][0] == "Respondent ID"
    assert rows[3][1] == "Council"
    assert isinstance(rows[4][0], str)


def test_shipped_file_matches_the_generator(shipped: pd.DataFrame, tmp_path: Path) -> None:
    fresh = syn.generate_survey(5000, syn.DEFAULT_SEED, syn.FIVE_FICTIONAL_COUNCILS)
    out = tmp_path / "regenerated.xlsx"
    syn.write_agency_xlsx(fresh, out)
    again = _read(out)
    pd.testing.assert_frame_equal(shipped, again, check_dtype=False)
    # And the file holds exactly what the generator made (not just a stable artefact).
    assert list(shipped.columns) == list(fresh.columns)
    for col in fresh.columns:
        a = shipped[col].to_numpy(dtype=object)
        b = fresh[col].to_numpy(dtype=object)
        same = [(pd.isna(x) and pd.isna(y)) or x == y for x, y in zip(a, b, strict=True)]
        assert all(same), col


def test_generator_is_seeded() -> None:
    a = syn.generate_survey(300, seed=7)
    b = syn.generate_survey(300, seed=7)
    c = syn.generate_survey(300, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_five_councils_of_about_a_thousand(shipped: pd.DataFrame) -> None:
    counts = shipped["Council"].value_counts()
    assert set(counts.index) == set(syn.FIVE_FICTIONAL_COUNCILS)
    assert len(shipped) == 5000
    assert counts.between(900, 1100).all(), counts.to_dict()


def test_ids_keep_leading_zeros_and_are_unique(shipped: pd.DataFrame) -> None:
    ids = shipped["Respondent ID"]
    assert ids.map(type).eq(str).all()
    assert ids.str.fullmatch(r"\d{6}").all()
    assert ids.is_unique
    assert "000123" in set(ids)


def test_weights_are_positive_and_average_one(shipped: pd.DataFrame) -> None:
    w = shipped["Weight"].astype(float)
    assert w.notna().all() and (w > 0).all()
    assert w.mean() == pytest.approx(1.0, abs=0.01)
    assert w.std() > 0.1  # a real weight, not a column of ones


def test_missing_answers_are_sprinkled_in(shipped: pd.DataFrame) -> None:
    items = [c for cols in syn.CONSTRUCT_COLUMNS.values() for c in cols]
    dk = shipped[items].eq("Don't know").mean()
    assert (dk > 0).all() and (dk < 0.15).all()
    assert shipped[items].isna().to_numpy().mean() > 0.005
    for col in ("Age group", "Gender", "Highest qualification"):
        assert (shipped[col] == "Prefer not to say").any(), col
    bands = set(shipped["Age group"].dropna()) - {"Prefer not to say"}
    assert bands == set(AGE_MID)


def test_individual_far_more_common_than_collective(shipped: pd.DataFrame) -> None:
    def share_any(construct: str) -> float:
        items = _index(shipped, construct)
        return float((items >= 2 / 3).any(axis=1).mean())  # at least "Sometimes"

    individual = share_any("individual_coproduction")
    collective = share_any("collective_coproduction")
    assert 0.85 <= individual <= 0.95
    assert 0.25 <= collective <= 0.40
    assert individual - collective > 0.4


def test_influence_agreement_is_in_the_uk_range(shipped: pd.DataFrame) -> None:
    answers = shipped[syn.INFLUENCE_COL]
    agree = answers.isin(["Definitely agree", "Tend to agree"]).sum()
    valid = answers.isin(list(AGREE)).sum()
    assert 0.25 <= agree / valid <= 0.38


@pytest.mark.parametrize(
    "construct",
    ["individual_coproduction", "collective_coproduction", "efficacy",
     "consultation_satisfaction"],
)  # fmt: skip
def test_indices_are_reliable_but_not_redundant(shipped: pd.DataFrame, construct: str) -> None:
    assert 0.6 <= _alpha(_index(shipped, construct)) <= 0.8


def _design(df: pd.DataFrame) -> pd.DataFrame:
    d = pd.DataFrame(
        {
            "individual": _index(df, "individual_coproduction").mean(axis=1),
            "collective": _index(df, "collective_coproduction").mean(axis=1),
            "efficacy": _index(df, "efficacy").mean(axis=1),
            "consultation": _index(df, "consultation_satisfaction").mean(axis=1),
            "age": df["Age group"].map(AGE_MID).astype(float),
        }
    )
    dummies = pd.get_dummies(df["Council"], prefix="la", drop_first=True, dtype=float)
    return pd.concat([d, dummies], axis=1).dropna()


@pytest.mark.parametrize(("outcome", "age_sign"), [("individual", -1), ("collective", 1)])
def test_drivers_point_the_way_the_research_found(
    shipped: pd.DataFrame, outcome: str, age_sign: int
) -> None:
    d = _design(shipped)
    x = sm.add_constant(d.drop(columns=["individual", "collective"]))
    fit = sm.OLS(d[outcome], x).fit(cov_type="HC3")
    assert fit.params["efficacy"] > 0 and fit.tvalues["efficacy"] > 4
    assert fit.params["consultation"] > 0 and fit.tvalues["consultation"] > 3
    assert np.sign(fit.params["age"]) == age_sign and abs(fit.tvalues["age"]) > 4


def test_efficacy_matters_more_for_collective_relative_to_its_level(
    shipped: pd.DataFrame,
) -> None:
    d = _design(shipped)
    x = sm.add_constant(d[["efficacy", "consultation", "age"]])
    rel = {}
    for y in ("individual", "collective"):
        fit = sm.OLS(d[y], x).fit()
        rel[y] = fit.params["efficacy"] / d[y].mean()
    assert rel["collective"] > 2 * rel["individual"]


def test_councils_differ_modestly(shipped: pd.DataFrame) -> None:
    by_la = _design(shipped).join(shipped["Council"]).groupby("Council")["individual"].mean()
    spread = by_la.max() - by_la.min()
    assert 0.005 < spread < 0.15


# --- API edges ---------------------------------------------------------------------------


def test_small_and_custom_surveys() -> None:
    df = syn.generate_survey(3, seed=1, councils=("Only Council",))
    assert len(df) == 3
    assert set(df["Council"]) == {"Only Council"}
    with pytest.raises(ValueError):
        syn.generate_survey(0)


def test_write_without_about_sheet(tmp_path: Path) -> None:
    df = syn.generate_survey(20, seed=3)
    out = tmp_path / "plain.xlsx"
    syn.write_agency_xlsx(df, out, title="Test title", about_sheet=False)
    wb = load_workbook(out, read_only=True)
    try:
        assert wb.sheetnames == ["Data"]
        assert next(wb["Data"].iter_rows(max_row=1, values_only=True))[0] == "Test title"
    finally:
        wb.close()
    assert len(_read(out)) == 20
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, no leftovers


def test_missing_example_is_a_plain_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import coprod_gui.core.survey.example as example

    monkeypatch.setattr(example, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    with pytest.raises(InputError, match="example survey"):
        example_survey_paths()


def test_true_mapping_covers_every_construct_and_column(shipped: pd.DataFrame) -> None:
    from coprod_gui.core.survey.constructs import BY_NAME

    mapping = syn.true_mapping()
    assert set(mapping) == set(BY_NAME)
    mapped = [c for cols in mapping.values() for c in cols]
    assert sorted(mapped) == sorted(shipped.columns)
    areas = {syn.SERVICE_AREA[c] for c in mapping["collective_coproduction"]}
    assert {"community_safety", "local_environment", "health"} <= areas
