"""``analyse`` on hand-built prepared surveys, pinned against independent computations.

tests/core/test_models.py pins the model functions on ready-made model frames; here the
analysis builds that frame itself (indices, "at least one activity" flags, drivers,
controls) from item scores, so the references below rebuild everything from the raw
scores with plain numpy/pandas and the statsmodels formula interface.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.stats.proportion import proportion_confint

from coprod_gui.core.errors import Cancelled, InputError
from coprod_gui.core.stats.analysis import AnalysisOptions, analyse
from coprod_gui.core.types import DataQuality, ItemInfo, Mapping, SurveyFrame

FREQ4 = ["Never", "Rarely", "Sometimes", "Often"]
FREQ5 = ["Never", "Rarely", "Sometimes", "Often", "Very often"]
COUNCILS = ["Aston", "Brill", "Cotes", "Dunmow"]
AREAS = ["community_safety", "health", "local_environment"]


def make_survey(
    n: int = 800, seed: int = 0, *, weighted: bool = True, forms=("individual", "collective")
) -> SurveyFrame:
    """A prepared survey: efficacy raises both forms; scores with some missing answers."""
    r = np.random.default_rng(seed)
    council = r.integers(0, len(COUNCILS), n)
    eff = r.integers(0, 4, n) / 3  # a 4-point agreement scale rescaled to 0-1
    cons = r.integers(0, 5, n) / 4
    age = r.choice([20.0, 29.5, 39.5, 49.5, 59.5, 69.5, 80.0], n)
    gender = r.choice(["Female", "Male", "In another way"], n, p=[0.5, 0.44, 0.06])
    data = pd.DataFrame(
        {
            "authority": pd.Categorical(np.array(COUNCILS)[council], categories=COUNCILS),
            "efficacy": eff,
            "consultation_satisfaction": cons,
            "age": age,
            "age_band": pd.Categorical(
                np.where(age < 35, "16-34", np.where(age < 55, "35-54", "55+"))
            ),
            "gender": pd.Categorical(gender),
        }
    )
    data.loc[r.random(n) < 0.04, "consultation_satisfaction"] = np.nan
    data.loc[r.random(n) < 0.02, "gender"] = np.nan
    if weighted:
        data["weight"] = r.lognormal(0, 0.4, n)
    items = []
    for form, base, slope, npts, labels in (
        ("individual", -0.2, 1.4, 4, FREQ4),
        ("collective", -1.3, 2.0, 5, FREQ5),
    ):
        if form not in forms:
            continue
        for k in range(3):
            col = f"{form}_{k + 1}"
            latent = base + slope * eff + 0.4 * cons + 0.1 * council + r.normal(0, 1, n)
            score = np.clip(np.floor(latent + 1), 0, npts - 1)
            score[r.random(n) < 0.08] = np.nan
            data[col] = score
            items.append(
                ItemInfo(
                    col, f"How often {form} {k}?", form, AREAS[k % 2], f"freq{npts}", labels, 2
                )
            )
    controls = ["age", "gender"]
    return SurveyFrame(
        data=data,
        items=items,
        drivers=["efficacy", "consultation_satisfaction"],
        controls=controls,
        weighted=weighted,
        quality=DataQuality(rows_per_file={"a.xlsx": n}),
        mapping=Mapping(columns={"efficacy": ["Q9"]}),
        sources=["a.xlsx"],
    )


@pytest.fixture(scope="module")
def survey() -> SurveyFrame:
    return make_survey()


@pytest.fixture(scope="module")
def result(survey: SurveyFrame):
    return analyse(survey)


def reference_frame(survey: SurveyFrame) -> pd.DataFrame:
    """Index and 'any' columns rebuilt independently from the scores."""
    df = survey.data.copy()
    for form in ("individual", "collective"):
        items = survey.items_of(form)
        scores = df[[i.column for i in items]]
        scaled = scores / np.array([i.n_points - 1 for i in items])
        answered = scores.notna().sum(axis=1)
        df[f"ref_index_{form}"] = (scaled.mean(axis=1) * 100).where(answered >= 1.5)
        regular = (scores >= 2).where(scores.notna())
        df[f"ref_any_{form}"] = regular.max(axis=1).astype(float).where(answered > 0)
    return df


def test_levels_overall_and_by_group(survey: SurveyFrame, result) -> None:
    df = reference_frame(survey)
    assert result.weighted and result.n_respondents == 800
    assert result.authorities == df["authority"].value_counts().reindex(COUNCILS).to_dict()
    for form in ("individual", "collective"):
        ok = df[f"ref_any_{form}"].notna()
        flag, w = df.loc[ok, f"ref_any_{form}"], df.loc[ok, "weight"]
        p = float((flag * w).sum() / w.sum())
        n_eff = float(w.sum() ** 2 / (w**2).sum())
        low, high = proportion_confint(p * n_eff, n_eff, method="wilson")
        level = result.levels[form]
        assert level.base == int(ok.sum())
        assert level.percent == pytest.approx(100 * p, abs=1e-10)
        assert level.effective_base == pytest.approx(n_eff, abs=1e-9)
        assert (level.ci_low, level.ci_high) == pytest.approx((100 * low, 100 * high), abs=1e-9)
        for grouping in ("authority", "age_band", "gender"):
            got = result.levels_by[grouping][form]
            sub = df[ok & df[grouping].notna()]
            expected = (sub[f"ref_any_{form}"] * sub["weight"]).groupby(
                sub[grouping], observed=True
            ).sum() / sub["weight"].groupby(sub[grouping], observed=True).sum()
            assert set(got) == {str(k) for k in expected.index}
            for group, share in expected.items():
                assert got[str(group)].percent == pytest.approx(100 * share, abs=1e-10)
    assert result.levels["individual"].percent > result.levels["collective"].percent
    first = result.item_levels[0]
    regular = (df["individual_1"] >= 2).where(df["individual_1"].notna()).dropna()
    wi = df.loc[regular.index, "weight"]
    assert first.column == "individual_1" and first.form == "individual"
    assert first.percent == pytest.approx(100 * float((regular * wi).sum() / wi.sum()), abs=1e-10)
    assert len(result.item_levels) == 6


def test_indices_and_alpha(survey: SurveyFrame, result) -> None:
    df = reference_frame(survey)
    for form in ("individual", "collective"):
        idx = df[f"ref_index_{form}"]
        ok = idx.notna()
        w = df.loc[ok, "weight"]
        mean = float(np.average(idx[ok], weights=w))
        summary = result.indices[form]
        assert summary.n_valid == int(ok.sum()) and summary.n_items == 3
        assert summary.mean == pytest.approx(mean, abs=1e-10)
        assert summary.sd == pytest.approx(
            math.sqrt(np.average((idx[ok] - mean) ** 2, weights=w)), abs=1e-10
        )
        complete = df[[f"{form}_{k}" for k in (1, 2, 3)]].dropna().to_numpy()
        cov = np.cov(complete, rowvar=False)
        assert summary.alpha == pytest.approx(1.5 * (1 - np.trace(cov) / cov.sum()), abs=1e-12)
        # per service area: items 1 and 3 are community safety, item 2 health
        areas = result.indices_by_area[form]
        assert set(areas) == {"community_safety", "health"}
        assert areas["health"].n_items == 1 and areas["community_safety"].n_items == 2


def _formula_terms(params: pd.Series) -> dict[str, float]:
    out = {}
    for name, value in params.items():
        m = re.fullmatch(r"C\((\w+), .*\)\[T\.(.*)\]", name)
        out["const" if name == "Intercept" else f"{m.group(1)}={m.group(2)}" if m else name] = value
    return out


def _formula(outcome: str, refs: dict[str, str]) -> str:
    return (
        f"{outcome} ~ efficacy + consultation_satisfaction + age"
        f" + C(gender, Treatment({refs['gender']!r}))"
        f" + C(authority, Treatment({refs['authority']!r}))"
    )


def test_index_model_through_analyse_matches_formula_wls(survey: SurveyFrame, result) -> None:
    df = reference_frame(survey)
    for form in ("individual", "collective"):
        m = result.models[form]
        assert m.ok and m.kind == "wls"
        used = df.dropna(
            subset=[f"ref_index_{form}", "efficacy", "consultation_satisfaction", "age", "gender"]
        )
        ref = smf.wls(
            _formula(f"ref_index_{form}", m.reference_levels), used, weights=used["weight"]
        ).fit(cov_type="HC3", use_t=True)
        assert m.n == len(used) and m.n_in_data == 800
        params = _formula_terms(ref.params)
        ses = _formula_terms(ref.bse)
        assert sorted(params) == sorted(m.terms)
        for name, value in params.items():
            assert m.terms[name].estimate == pytest.approx(value, rel=1e-8, abs=1e-8)
            assert m.terms[name].std_error == pytest.approx(ses[name], rel=1e-8, abs=1e-8)
        assert m.r_squared == pytest.approx(ref.rsquared, abs=1e-10)
        assert m.terms["efficacy"].estimate > 0 and m.terms["efficacy"].p_value < 0.05


def test_participation_ame_and_curve_match_formula_logit() -> None:
    survey = make_survey(weighted=False, seed=4)
    result = analyse(survey)
    df = reference_frame(survey)
    for form in ("individual", "collective"):
        m = result.participation[form]
        assert m.ok and m.kind == "logit_ame"
        assert not any("group" in reason for reason in m.dropped)  # no separation here
        used = df.dropna(
            subset=[f"ref_any_{form}", "efficacy", "consultation_satisfaction", "age", "gender"]
        )
        ref = smf.logit(_formula(f"ref_any_{form}", m.reference_levels), used).fit(
            method="newton", disp=0
        )
        margeff = ref.get_margeff(at="overall", method="dydx")
        names = list(ref.params.index[1:])
        for term in ("efficacy", "consultation_satisfaction", "age"):
            k = names.index(term)
            assert m.terms[term].estimate == pytest.approx(100 * margeff.margeff[k], abs=1e-8)
            assert m.terms[term].std_error == pytest.approx(100 * margeff.margeff_se[k], rel=1e-8)
        curve = result.predicted[form]
        assert len(curve) == 21 and curve[0]["x"] == 0.0 and curve[-1]["x"] == 1.0
        for point in (curve[0], curve[10], curve[-1]):
            expected = 100 * ref.predict(used.assign(efficacy=point["x"])).mean()
            assert point["percent"] == pytest.approx(expected, abs=1e-8)
            assert point["ci_low"] < point["percent"] < point["ci_high"]
        assert curve[-1]["percent"] > curve[0]["percent"]  # efficacy goes with more


def test_comparison_is_collective_minus_individual(result) -> None:
    comp = result.comparison["efficacy"]
    assert comp.difference == pytest.approx(comp.collective - comp.individual)
    assert comp.std_error > 0 and 0 <= comp.p_value <= 1
    assert "const" not in result.comparison
    assert any(d.model == "comparison" for d in result.diagnostics)


def test_result_fields_and_json(result) -> None:
    assert result.drivers == ["efficacy", "consultation_satisfaction"]
    assert result.drivers_not_mapped == ["informed", "trust_council", "area_satisfaction"]
    assert result.controls == ["age", "gender"]
    assert result.threshold == "sometimes"
    assert result.sources == ["a.xlsx"] and result.quality.rows_per_file == {"a.xlsx": 800}
    assert result.robustness == {}  # slow checks only when asked for
    doc = json.loads(result.to_json())
    assert doc["schema"] == "coprod-results/1"
    assert doc["levels"]["individual"]["percent"] == pytest.approx(
        result.levels["individual"].percent
    )
    assert doc["models"]["collective"]["terms"]["efficacy"]["p_value"] < 0.05
    assert len(doc["predicted"]["individual"]) == 21
    assert doc["participation"]["individual"]["kind"] == "logit_ame"


def test_unweighted_option_and_threshold_override(survey: SurveyFrame) -> None:
    res = analyse(survey, AnalysisOptions(weighted=False, threshold="often"))
    assert not res.weighted and res.models["individual"].kind == "ols"
    assert res.threshold == "often"
    df = survey.data
    scores = df[["individual_1", "individual_2", "individual_3"]]
    often = (scores >= 3).where(scores.notna()).max(axis=1).dropna()
    assert res.levels["individual"].effective_base is None
    assert res.levels["individual"].percent == pytest.approx(100 * often.mean(), abs=1e-10)
    assert any("not used" in d.message for d in res.diagnostics)


def test_one_form_only_is_a_warning_not_a_failure() -> None:
    res = analyse(make_survey(n=300, forms=("individual",)))
    assert set(res.levels) == {"individual"} and set(res.models) == {"individual"}
    assert res.comparison == {}
    assert any("No collective co-production questions were mapped" in w for w in res.warnings)


def test_no_items_or_no_rows_is_an_input_error() -> None:
    survey = make_survey(n=50)
    survey.items = []
    with pytest.raises(InputError, match="No co-production questions"):
        analyse(survey)
    empty = make_survey(n=50)
    empty.data = empty.data.iloc[:0]
    with pytest.raises(InputError, match="no respondents"):
        analyse(empty)


def test_progress_runs_forward_to_one(survey: SurveyFrame) -> None:
    seen: list[tuple[float, str]] = []
    analyse(survey, progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert any("Model of collective" in m for _, m in seen)


def test_cancel_between_models_raises(survey: SurveyFrame) -> None:
    messages: list[str] = []
    state = {"stop": False}

    def progress(fraction: float, message: str) -> None:
        messages.append(message)
        if message.startswith("Model of individual"):
            state["stop"] = True  # the officer presses Cancel while this model runs

    with pytest.raises(Cancelled):
        analyse(survey, progress=progress, is_cancelled=lambda: state["stop"])
    assert messages[-1].startswith("Model of individual")  # nothing after the model started


def test_robustness_only_when_asked() -> None:
    survey = make_survey(n=300, seed=2, weighted=False)
    survey.data["authority"] = pd.Categorical(np.array([*COUNCILS, "Eyke"])[np.arange(300) % 5])
    res = analyse(survey, AnalysisOptions(robustness=True))
    assert set(res.robustness) == {
        *(f"ordered:{f}_{k}" for f in ("individual", "collective") for k in (1, 2, 3)),
        "mixedlm:individual",
        "mixedlm:collective",
    }
    assert res.robustness["mixedlm:collective"].ok
    assert res.robustness["mixedlm:collective"].terms["efficacy"].estimate > 0


def _curve_reference(ref, used: pd.DataFrame, weights: np.ndarray, x: float) -> tuple[float, float]:
    """Delta-method average prediction from a statsmodels fit (its own design and cov)."""
    exog = np.asarray(ref.model.exog, dtype=float).copy()
    j = ref.model.exog_names.index("efficacy")
    exog[:, j] = x
    p = 1 / (1 + np.exp(-(exog @ np.asarray(ref.params))))
    mean = float(weights @ p / weights.sum())
    grad = (weights * p * (1 - p)) @ exog / weights.sum()
    return 100 * mean, 100 * math.sqrt(grad @ np.asarray(ref.cov_params()) @ grad)


@pytest.mark.parametrize("case", ["weighted", "clustered"])
def test_curve_errors_match_statsmodels(case: str) -> None:
    import statsmodels.api as sm

    survey = make_survey(n=900, seed=7, weighted=case == "weighted")
    if case == "clustered":  # 20+ councils: errors clustered by council
        names = [f"Council {k:02d}" for k in range(22)]
        survey.data["authority"] = pd.Categorical(np.array(names)[np.arange(900) % 22])
    result = analyse(survey)
    df = reference_frame(survey)
    form = "collective"
    m = result.participation[form]
    used = df.dropna(
        subset=[f"ref_any_{form}", "efficacy", "consultation_satisfaction", "age", "gender"]
    )
    formula = _formula(f"ref_any_{form}", m.reference_levels)
    if case == "weighted":
        ref = smf.glm(formula, used, family=sm.families.Binomial(), var_weights=used["weight"]).fit(
            cov_type="HC0", tol=1e-12
        )
        weights = used["weight"].to_numpy()
    else:
        codes = used["authority"].cat.codes.to_numpy()
        ref = smf.logit(formula, used).fit(
            method="newton", disp=0, cov_type="cluster", cov_kwds={"groups": codes}
        )
        weights = np.ones(len(used))
    z = 1.959963984540054
    for point in result.predicted[form][::5]:
        percent, se = _curve_reference(ref, used, weights, point["x"])
        assert point["percent"] == pytest.approx(percent, abs=1e-7)
        assert point["ci_high"] == pytest.approx(min(percent + z * se, 100), abs=1e-6)
        assert point["ci_low"] == pytest.approx(max(percent - z * se, 0), abs=1e-6)
