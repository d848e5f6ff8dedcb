"""Each diagnostic triggered by data built to trigger it (reliability.md §6)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.outliers_influence import variance_inflation_factor

from coprod_gui.core.stats import comparison, linear, logit, robustness
from coprod_gui.core.stats import diagnostics as dg
from tests.core.test_models import simulate

DRIVERS = ["efficacy", "consultation_satisfaction"]


def messages(result) -> str:
    return " | ".join(d.message for d in result.diagnostics)


def test_aliased_drivers_refuse_the_fit_and_are_named() -> None:
    d = simulate(n=300)
    d["informed"] = d["efficacy"] / 2  # exactly proportional
    for fit in (linear.fit_index_model, logit.fit_participation_model):
        res = fit(
            d, "individual", drivers=["efficacy", "informed"], controls=["age"], weighted=False
        )
        assert not res.ok and res.terms == {}
        errs = [x for x in res.diagnostics if x.severity == "error"]
        assert len(errs) == 1
        assert (
            "Feeling able to make a difference and Feeling informed carry the same information"
            in errs[0].message
        )
        assert "Age" not in errs[0].message


def test_control_identical_to_a_council_is_named() -> None:
    d = simulate(n=300, councils=3)
    d["disability"] = pd.Categorical(np.where(d["authority"] == "Council 01", "Yes", "No"))
    res = linear.fit_index_model(
        d, "collective", drivers=DRIVERS, controls=["disability"], weighted=False
    )
    assert not res.ok and res.terms == {}
    msg = messages(res)
    assert "Disability: Yes" in msg and "Council: Council 01" in msg
    notes: list = []
    assert (
        comparison.compare_forms(
            d, drivers=DRIVERS, controls=["disability"], weighted=False, diagnostics=notes
        )
        == {}
    )
    assert any(n.severity == "error" and "Disability: Yes" in n.message for n in notes)


def test_aliased_groups_on_plain_arrays() -> None:
    r = np.random.default_rng(0)
    x1, x3 = r.normal(size=(2, 50))
    x = np.column_stack([np.ones(50), x1, 2 * x1, x3])
    groups = dg.aliased_groups(x, ["const", "a", "b", "c"])
    assert [sorted(g) for g in groups] == [["a", "b"]]
    assert dg.aliased_groups(x[:, [0, 1, 3]], ["const", "a", "c"]) == []


def test_too_few_respondents() -> None:
    d = simulate(n=8, councils=3, seed=1)
    res = linear.fit_index_model(
        d,
        "individual",
        drivers=["efficacy", "consultation_satisfaction", "trust_council"],
        controls=["age", "gender", "tenure"],
        weighted=False,
    )
    assert not res.ok and res.terms == {}
    p = 1 + 3 + 1 + d["gender"].nunique() - 1 + d["tenure"].nunique() - 1
    p += d["authority"].nunique() - 1
    assert p >= 8
    assert f"Too few respondents (8) to estimate {p} things" in messages(res)


def test_a_model_with_nobody_left_says_so_once() -> None:
    """Issue 9: nobody answered every question gave one warning per driver and control
    ("everyone gave the same answer"), which was untrue; now one plain message."""
    d = simulate(n=300)
    d["efficacy"] = np.nan  # nobody answered it
    for fit in (linear.fit_index_model, logit.fit_participation_model):
        res = fit(
            d, "individual", drivers=DRIVERS, controls=["age", "gender"], weighted=False
        )
        assert not res.ok and res.terms == {}
        assert "same answer" not in messages(res)
        errors = [x.message for x in res.diagnostics if x.severity == "error"]
        assert errors == [
            "No respondent answered every question this model needs, so it was not "
            "fitted. The data checks show which questions have the most missing answers."
        ]


def test_constant_driver_is_dropped_not_fatal() -> None:
    d = simulate(n=400)
    d["trust_council"] = 0.5
    d["tenure"] = pd.Categorical(["Owner"] * len(d), categories=["Owner", "Social"])
    res = linear.fit_index_model(
        d, "individual", drivers=["efficacy", "trust_council"], controls=["tenure"], weighted=False
    )
    assert res.ok and "efficacy" in res.terms
    assert "trust_council" not in res.terms and not any(t.startswith("tenure") for t in res.terms)
    flat = {x.term for x in res.diagnostics if "same answer" in x.message}
    assert flat == {"trust_council", "tenure"}


def test_complete_separation_refused_without_p_values() -> None:
    d = simulate(n=400, seed=2)
    d["any_collective"] = (d["efficacy"] > 0.5).astype(float)
    for weighted in (False, True):
        res = logit.fit_participation_model(
            d, "collective", drivers=DRIVERS, controls=["age"], weighted=weighted
        )
        assert not res.ok and res.terms == {}
        errs = [x for x in res.diagnostics if x.severity == "error"]
        assert errs[0].message.startswith(
            "Feeling able to make a difference almost perfectly predicts whether a respondent "
            "does at least one collective activity regularly"
        )
        assert errs[0].term == "efficacy"


def test_quasi_separation_in_one_council() -> None:
    d = simulate(n=800, councils=4, seed=6)
    ward = d["authority"] == "Council 02"
    d.loc[ward, "any_collective"] = 1.0
    for weighted in (False, True):  # True takes the GLM path that reports converged=True
        res = logit.fit_participation_model(
            d, "collective", drivers=DRIVERS, controls=["age"], weighted=weighted
        )
        assert res.ok
        assert "authority=Council 02" not in res.terms
        assert res.n == len(d) - int(ward.sum())
        assert all(t.std_error < 100 for t in res.terms.values())
        note = next(x for x in res.diagnostics if x.term == "authority=Council 02")
        assert note.message.startswith(
            "Everyone in Council 02 does at least one collective activity regularly"
        )
        assert f"{int(ward.sum())} respondents were left out" in note.message


def test_glm_quasi_separation_is_caught_after_the_fit() -> None:
    """The trap itself: statsmodels' GLM says converged with an absurd SE; we flag it."""
    d = simulate(n=800, councils=4, seed=6)
    d.loc[d["authority"] == "Council 02", "any_collective"] = 1.0
    fe = pd.get_dummies(d["authority"], dtype=float).drop(columns="Council 00")
    x = np.column_stack([np.ones(len(d)), d["efficacy"], fe])
    names = ["const", "efficacy", *[f"authority={c}" for c in fe.columns]]
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        res = sm.GLM(d["any_collective"].to_numpy(), x, family=sm.families.Binomial()).fit()
    assert res.converged  # the misleading flag
    flagged = dg.suspicious_terms(names, np.asarray(res.params), np.asarray(res.bse))
    assert flagged == ["authority=Council 02"]
    assert "almost perfectly predicts" in dg.separation(flagged, "does it", "m")[0].message


def test_outcome_constant_for_everyone() -> None:
    d = simulate(n=200)
    d["any_individual"] = 1.0
    res = logit.fit_participation_model(
        d, "individual", drivers=DRIVERS, controls=[], weighted=False
    )
    assert not res.ok
    assert "Everyone in the data does at least one individual activity regularly" in messages(res)


def test_vif_matches_statsmodels_and_warns() -> None:
    d = simulate(n=500, seed=8)
    r = np.random.default_rng(8)
    d["informed"] = d["efficacy"] + r.normal(0, 0.02, len(d))
    res = linear.fit_index_model(
        d,
        "individual",
        drivers=["efficacy", "informed", "trust_council"],
        controls=["gender"],
        weighted=False,
    )
    assert res.ok
    warned = {x.term for x in res.diagnostics if "variance inflation" in x.message}
    assert warned == {"efficacy", "informed"}
    x = np.column_stack([np.ones(len(d)), d["efficacy"], d["informed"], d["trust_council"]])
    names = ["const", "efficacy", "informed", "trust_council"]
    ours = dg.vif_values(x, names, names[1:])
    for i, n in enumerate(names[1:], start=1):
        assert ours[n] == pytest.approx(variance_inflation_factor(x, i), rel=1e-8)


def test_respondents_used_message() -> None:
    d = simulate(n=300)
    d.loc[:33, "age"] = np.nan
    res = linear.fit_index_model(d, "individual", drivers=DRIVERS, controls=["age"], weighted=False)
    first = res.diagnostics[0]
    assert (
        first.message
        == "266 of 300 respondents were used; left out: 34 did not answer the age question."
    )
    assert res.dropped == {"did not answer the age question": 34}
    d.loc[40:44, "weight"] = 0.0
    res = linear.fit_index_model(d, "individual", drivers=DRIVERS, controls=["age"], weighted=True)
    assert res.dropped == {"had no valid survey weight": 5, "did not answer the age question": 34}
    whole = linear.fit_index_model(
        simulate(n=50), "individual", drivers=DRIVERS, controls=[], weighted=False
    )
    assert whole.diagnostics[0].message == "All 50 respondents in the data were used."


def test_mixed_model_needs_five_councils() -> None:
    d = simulate(n=300, councils=1)
    out = robustness.fit_robustness(d, None, drivers=DRIVERS, controls=[], weighted=False)
    for form in ("individual", "collective"):
        res = out[f"mixedlm:{form}"]
        assert not res.ok and res.terms == {}
        assert "needs at least 5 councils; the data have 1" in messages(res)


def test_warnings_are_translated_not_leaked() -> None:
    d = simulate(n=300, seed=9)
    x = np.column_stack([np.ones(len(d)), d["efficacy"]])
    y = (d["efficacy"] > 0.5).to_numpy(float)
    with warnings.catch_warnings(record=True) as recs:
        warnings.simplefilter("always")
        sm.GLM(y, x, family=sm.families.Binomial()).fit()
    notes = dg.from_warnings(recs, "m")
    kinds = {n.message for n in notes}
    assert "Some answers perfectly predict the outcome (separation)." in kinds
    assert all("0." not in n.message for n in notes)  # no numbers from the data


def test_leverage_one_falls_back_to_hc1() -> None:
    d = simulate(n=300, councils=3, seed=10)
    d["authority"] = d["authority"].cat.add_categories(["Tiny"])
    d.loc[0, "authority"] = "Tiny"  # the only respondent from a council
    res = linear.fit_index_model(d, "individual", drivers=DRIVERS, controls=[], weighted=False)
    assert res.ok and "HC1" in res.method
    assert all(np.isfinite(t.std_error) for n, t in res.terms.items() if n != "authority=Tiny")


def test_separated_control_level_is_explained() -> None:
    d = simulate(n=900, councils=3, seed=13)
    other = d["gender"] == "Other"
    d.loc[other, "any_individual"] = 0.0
    res = logit.fit_participation_model(
        d, "individual", drivers=DRIVERS, controls=["gender"], weighted=False
    )
    assert res.ok and "gender=Other" not in res.terms
    assert {t for t in res.terms if t.startswith("gender=")} in ({"gender=Male"}, {"gender=Female"})
    assert all(type(t.estimate) is float and type(t.std_error) is float for t in res.terms.values())
    note = next(x for x in res.diagnostics if x.term == "gender=Other")
    assert note.message.startswith(
        "No one answering 'Other' to Gender does at least one individual activity regularly"
    )
    assert res.n == len(d) - int(other.sum())


def test_ordered_model_with_one_answer_is_refused_plainly() -> None:
    d = simulate(n=200, councils=2)
    items = {"collective": pd.DataFrame({"volunteer": np.zeros(len(d))}, index=d.index)}
    out = robustness.fit_robustness(d, items, drivers=DRIVERS, controls=[], weighted=True)
    res = out["ordered:volunteer"]
    assert not res.ok and res.terms == {}
    assert "Everyone used gave the same answer" in messages(res)
    assert "does not use the survey weights" in messages(res)


def test_variable_listed_twice_is_used_once() -> None:
    d = simulate(n=300)
    res = linear.fit_index_model(
        d,
        "individual",
        drivers=["efficacy", "efficacy"],
        controls=["efficacy", "age"],
        weighted=False,
    )
    assert res.ok and list(res.terms)[:3] == ["const", "efficacy", "age"]


def test_mixed_model_distrusts_a_false_converged_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default optimiser stops at its start and says converged (perf_baseline §4)."""
    from statsmodels.regression.mixed_linear_model import MixedLM

    real_fit = MixedLM.fit

    def stuck_default(self, *args, method=None, **kwargs):
        if method is None:
            res = real_fit(self, *args, method=["nm"], maxiter=1, **kwargs)
            res.converged = True  # the misleading flag
            return res
        return real_fit(self, *args, method=method, **kwargs)

    monkeypatch.setattr(MixedLM, "fit", stuck_default)
    d = simulate(n=600, councils=6, seed=14)
    out = robustness.fit_robustness(d, None, drivers=DRIVERS, controls=[], weighted=False)
    res = out["mixedlm:individual"]
    assert res.ok
    assert "disagreed although both reported success" in messages(res)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        good = real_fit(
            MixedLM(
                d["index_individual"].to_numpy(),
                sm.add_constant(d[DRIVERS].to_numpy()),
                groups=d["authority"].cat.codes.to_numpy(),
            ),
            reml=True,
            method=["powell"],
        )
    assert res.terms["efficacy"].estimate == pytest.approx(good.fe_params[1], rel=1e-6)


def test_mixed_model_discards_an_impossible_likelihood(monkeypatch: pytest.MonkeyPatch) -> None:
    """lbfgs can end with zero council variance and llf = +inf (perf_baseline §4)."""
    from statsmodels.regression.mixed_linear_model import MixedLM

    real_fit = MixedLM.fit

    def inf_default(self, *args, method=None, **kwargs):
        if method is None:
            return real_fit(self, *args, method=["lbfgs"], maxiter=1, **kwargs)
        return real_fit(self, *args, method=method, **kwargs)

    monkeypatch.setattr(MixedLM, "fit", inf_default)
    d = simulate(n=600, councils=6, seed=14)
    res = robustness.fit_robustness(d, None, drivers=DRIVERS, controls=[], weighted=False)[
        "mixedlm:individual"
    ]
    assert res.ok and "One of the two ways of fitting" in messages(res)
    assert np.isfinite(res.terms["efficacy"].std_error)


def test_constant_index_is_refused() -> None:
    d = simulate(n=100).assign(index_collective=50.0)
    res = linear.fit_index_model(d, "collective", drivers=DRIVERS, controls=[], weighted=False)
    assert not res.ok and res.terms == {}
    assert "same collective co-production score" in messages(res)
    with pytest.raises(ValueError, match="form"):
        linear.fit_index_model(d, "both", drivers=DRIVERS, controls=[], weighted=False)


def test_aliasing_message_for_a_single_column() -> None:
    notes = dg.aliasing([["const", "trust_council"]], "m")
    assert notes[0].message.startswith("Trust in the council is the same for everyone used")
    assert notes[0].severity == "error" and notes[0].term == "trust_council"
