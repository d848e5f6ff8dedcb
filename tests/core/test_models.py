"""The co-production models against independent computations on the same frame.

References are the statsmodels formula interface (which builds its own design matrix)
or plain numpy, so a mistake in our array building or term naming shows up as a
mismatch.
"""

from __future__ import annotations

import dataclasses
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from coprod_gui.core.errors import Cancelled
from coprod_gui.core.stats import comparison, linear, logit, robustness

DRIVERS = ["efficacy", "consultation_satisfaction", "trust_council"]
CONTROLS = ["age", "gender", "tenure"]


def simulate(n: int = 1500, councils: int = 4, seed: int = 0) -> pd.DataFrame:
    """Survey-like data: efficacy raises both forms; age lowers individual, raises collective."""
    r = np.random.default_rng(seed)
    auth = r.integers(0, councils, n)
    eff, cons, trust = r.uniform(0, 1, (3, n))
    age = r.uniform(18, 90, n)
    gender = r.choice(["Male", "Female", "Other"], n, p=[0.45, 0.5, 0.05])
    tenure = r.choice(["Owner", "Social", "Private"], n, p=[0.5, 0.2, 0.3])
    ce = 6.0 * auth / councils
    ind = 40 + 15 * eff + 5 * cons - 0.2 * (age - 50) + 3 * (gender == "Female") + ce
    col = 20 + 20 * eff + 8 * cons + 0.15 * (age - 50) - 2 * (gender == "Female") + ce
    eta_i = -0.5 + 2 * eff - 0.02 * (age - 50) + 0.1 * auth
    eta_c = -1.0 + 2.5 * eff + 0.02 * (age - 50) + 0.05 * auth
    return pd.DataFrame(
        {
            "authority": pd.Categorical([f"Council {a:02d}" for a in auth]),
            "weight": r.uniform(0.4, 2.5, n),
            "index_individual": np.clip(ind + r.normal(0, 10, n), 0, 100),
            "index_collective": np.clip(col + r.normal(0, 10, n), 0, 100),
            "any_individual": (r.uniform(size=n) < 1 / (1 + np.exp(-eta_i))).astype(float),
            "any_collective": (r.uniform(size=n) < 1 / (1 + np.exp(-eta_c))).astype(float),
            "efficacy": eff,
            "consultation_satisfaction": cons,
            "trust_council": trust,
            "age": age,
            "gender": pd.Categorical(gender),
            "tenure": pd.Categorical(tenure),
        }
    )


def formula(outcome: str, refs: dict[str, str], drivers=DRIVERS, controls=CONTROLS) -> str:
    parts = []
    for v in [*drivers, *controls]:
        parts.append(f"C({v}, Treatment({refs[v]!r}))" if v in refs else v)
    if "authority" in refs:
        parts.append(f"C(authority, Treatment({refs['authority']!r}))")
    return f"{outcome} ~ " + " + ".join(parts)


def our_name(patsy_name: str) -> str:
    if patsy_name == "Intercept":
        return "const"
    m = re.fullmatch(r"C\((\w+), .*\)\[T\.(.*)\]", patsy_name)
    return f"{m.group(1)}={m.group(2)}" if m else patsy_name


def assert_terms_match(result, ref, tol=1e-8) -> None:
    names = [our_name(n) for n in ref.params.index]
    assert sorted(names) == sorted(result.terms)
    ci = ref.conf_int()
    for pname, name in zip(ref.params.index, names, strict=True):
        t = result.terms[name]
        assert t.estimate == pytest.approx(ref.params[pname], rel=tol, abs=tol)
        assert t.std_error == pytest.approx(ref.bse[pname], rel=tol, abs=tol)
        assert t.p_value == pytest.approx(ref.pvalues[pname], rel=1e-6, abs=1e-12)
        assert t.ci_low == pytest.approx(ci.loc[pname, 0], rel=tol, abs=tol)
        assert t.ci_high == pytest.approx(ci.loc[pname, 1], rel=tol, abs=tol)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    d = simulate()
    d.loc[:33, "age"] = np.nan  # 34 respondents without an age
    d.loc[100:109, "index_individual"] = np.nan  # 10 without an index
    return d


def test_ols_hc3_matches_formula_api(data: pd.DataFrame) -> None:
    res = linear.fit_index_model(
        data, "individual", drivers=DRIVERS, controls=CONTROLS, weighted=False
    )
    assert res.ok and res.kind == "ols"
    ref = smf.ols(formula("index_individual", res.reference_levels), data).fit(
        cov_type="HC3", use_t=True
    )
    assert_terms_match(res, ref)
    assert res.r_squared == pytest.approx(ref.rsquared, rel=1e-10)
    assert res.n == ref.nobs == len(data) - 44
    assert res.n_in_data == len(data)
    assert res.dropped == {
        "had no individual co-production score (answered fewer than half its questions)": 10,
        "did not answer the age question": 34,
    }
    assert "HC3" in res.method and "fixed effects" in res.method
    assert res.reference_levels["gender"] == "Female"  # the most common answer
    assert any("34 did not answer the age question" in d.message for d in res.diagnostics)


def test_ols_hc3_matches_numpy_by_hand(data: pd.DataFrame) -> None:
    res = linear.fit_index_model(
        data, "collective", drivers=["efficacy"], controls=["gender"], weighted=False
    )
    d = data.dropna(subset=["index_collective", "efficacy", "gender"])
    dummies = pd.get_dummies(d[["gender", "authority"]].astype(str), dtype=float)
    dummies = dummies.drop(
        columns=[
            f"gender_{res.reference_levels['gender']}",
            f"authority_{res.reference_levels['authority']}",
        ]
    )
    x = np.column_stack([np.ones(len(d)), d["efficacy"], dummies])
    y = d["index_collective"].to_numpy()
    xtx_inv = np.linalg.inv(x.T @ x)
    b = xtx_inv @ x.T @ y
    e = y - x @ b
    h = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    meat = (x * ((e / (1 - h)) ** 2)[:, None]).T @ x
    se = np.sqrt(np.diag(xtx_inv @ meat @ xtx_inv))
    assert res.terms["efficacy"].estimate == pytest.approx(b[1], rel=1e-9)
    assert res.terms["efficacy"].std_error == pytest.approx(se[1], rel=1e-9)
    assert res.terms["const"].std_error == pytest.approx(se[0], rel=1e-9)
    # standardised effect b·sd(x)/sd(y)
    expected = b[1] * d["efficacy"].std() / d["index_collective"].std()
    assert res.terms["efficacy"].std_estimate == pytest.approx(expected, rel=1e-9)
    assert res.terms["gender=Male"].std_estimate is None


def test_wls_hc3_matches_formula_api(data: pd.DataFrame) -> None:
    res = linear.fit_index_model(
        data, "individual", drivers=DRIVERS, controls=CONTROLS, weighted=True
    )
    assert res.kind == "wls" and res.method.endswith("weighted")
    d = data.dropna(subset=["index_individual", *DRIVERS, *CONTROLS])
    ref = smf.wls(formula("index_individual", res.reference_levels), d, weights=d["weight"]).fit(
        cov_type="HC3", use_t=True
    )
    assert_terms_match(res, ref)
    w = d["weight"].to_numpy()

    def wsd(v: np.ndarray) -> float:
        return np.sqrt(np.average((v - np.average(v, weights=w)) ** 2, weights=w))

    expected = (
        ref.params["efficacy"]
        * wsd(d["efficacy"].to_numpy())
        / wsd(d["index_individual"].to_numpy())
    )
    assert res.terms["efficacy"].std_estimate == pytest.approx(expected, rel=1e-9)


def test_cluster_robust_with_twenty_or_more_councils() -> None:
    d = simulate(n=2000, councils=24, seed=3)
    res = linear.fit_index_model(
        d, "collective", drivers=DRIVERS, controls=CONTROLS, weighted=False
    )
    assert "clustered by council" in res.method
    ref = smf.ols(formula("index_collective", res.reference_levels), d).fit(
        cov_type="cluster", cov_kwds={"groups": d["authority"].cat.codes}, use_t=True
    )
    assert_terms_match(res, ref)
    few = linear.fit_index_model(
        simulate(n=500, councils=19), "collective", drivers=DRIVERS, controls=[], weighted=False
    )
    assert "HC3" in few.method


def test_one_council_has_no_fixed_effects() -> None:
    d = simulate(n=400, councils=1)
    res = linear.fit_index_model(d, "individual", drivers=DRIVERS, controls=["age"], weighted=False)
    assert res.ok and not any(t.startswith("authority=") for t in res.terms)
    assert "authority" not in res.reference_levels
    assert "one council" in res.method


def _logit_reference(d: pd.DataFrame, refs: dict[str, str], outcome: str):
    return smf.logit(formula(outcome, refs), d).fit(disp=0, method="newton")


def test_ame_continuous_matches_finite_differences_and_get_margeff(data: pd.DataFrame) -> None:
    res = logit.fit_participation_model(
        data, "collective", drivers=DRIVERS, controls=CONTROLS, weighted=False
    )
    assert res.ok and res.kind == "logit_ame"
    assert "const" not in res.terms
    d = data.dropna(subset=["any_collective", *DRIVERS, *CONTROLS])
    ref = _logit_reference(d, res.reference_levels, "any_collective")
    eps = 1e-6
    for var in ["efficacy", "trust_council", "age"]:
        up = ref.predict(d.assign(**{var: d[var] + eps}))
        down = ref.predict(d.assign(**{var: d[var] - eps}))
        fd = 100 * float((up - down).mean()) / (2 * eps)
        assert res.terms[var].estimate == pytest.approx(fd, rel=1e-6)
    margeff = ref.get_margeff(at="overall", method="dydx")
    names = list(ref.params.index[1:])
    for var in ["efficacy", "consultation_satisfaction", "age"]:
        i = names.index(var)
        assert res.terms[var].estimate == pytest.approx(100 * margeff.margeff[i], rel=1e-8)
        assert res.terms[var].std_error == pytest.approx(100 * margeff.margeff_se[i], rel=1e-6)
        assert res.terms[var].p_value == pytest.approx(margeff.pvalues[i], rel=1e-5, abs=1e-300)
        lo, hi = margeff.conf_int()[i]
        assert (res.terms[var].ci_low, res.terms[var].ci_high) == pytest.approx(
            (100 * lo, 100 * hi), rel=1e-6
        )


def test_ame_categories_are_discrete_changes_from_reference(data: pd.DataFrame) -> None:
    res = logit.fit_participation_model(
        data, "individual", drivers=DRIVERS, controls=CONTROLS, weighted=False
    )
    d = data.dropna(subset=["any_individual", *DRIVERS, *CONTROLS])
    ref = _logit_reference(d, res.reference_levels, "any_individual")
    base_t = res.reference_levels["tenure"]
    for level in ["Social", "Private"]:
        if level == base_t:
            continue
        to = pd.Categorical([level] * len(d), categories=d["tenure"].cat.categories)
        fro = pd.Categorical([base_t] * len(d), categories=d["tenure"].cat.categories)
        change = 100 * float(
            (ref.predict(d.assign(tenure=to)) - ref.predict(d.assign(tenure=fro))).mean()
        )
        assert res.terms[f"tenure={level}"].estimate == pytest.approx(change, rel=1e-8)
    # a two-level category: statsmodels' discrete-change margeff is the same thing
    d2 = data.dropna(subset=["any_individual", "efficacy"]).assign(
        two=lambda f: pd.Categorical(np.where(f["gender"] == "Male", "Male", "Not male"))
    )
    res2 = logit.fit_participation_model(
        d2, "individual", drivers=["efficacy"], controls=["two"], weighted=False
    )
    x = sm.add_constant(
        np.column_stack(
            [d2["efficacy"], (d2["two"] != res2.reference_levels["two"]).to_numpy(float)]
        )
    )
    fe = pd.get_dummies(d2["authority"], dtype=float).drop(
        columns=res2.reference_levels["authority"]
    )
    x = np.column_stack([x, fe])
    fit = sm.Logit(d2["any_individual"].to_numpy(), x).fit(disp=0, method="newton")
    me = fit.get_margeff(at="overall", method="dydx", dummy=True)
    other = next(t for t in res2.terms if t.startswith("two="))
    assert res2.terms[other].estimate == pytest.approx(100 * me.margeff[1], rel=1e-8)
    assert res2.terms[other].std_error == pytest.approx(100 * me.margeff_se[1], rel=1e-6)


def test_weighted_ame_is_weighted_average_and_scale_free(data: pd.DataFrame) -> None:
    res = logit.fit_participation_model(
        data, "collective", drivers=DRIVERS, controls=CONTROLS, weighted=True
    )
    assert res.method.endswith("weighted") and "HC0" in res.method
    d = data.dropna(subset=["any_collective", *DRIVERS, *CONTROLS])
    ref = smf.glm(
        formula("any_collective", res.reference_levels),
        d,
        family=sm.families.Binomial(),
        var_weights=d["weight"],
    ).fit()
    w = d["weight"].to_numpy()
    eps = 1e-6
    up = ref.predict(d.assign(efficacy=d["efficacy"] + eps))
    down = ref.predict(d.assign(efficacy=d["efficacy"] - eps))
    fd = 100 * np.average(up - down, weights=w) / (2 * eps)
    assert res.terms["efficacy"].estimate == pytest.approx(fd, rel=1e-6)
    # survey weights only matter relatively: tripling them changes nothing
    res3 = logit.fit_participation_model(
        data.assign(weight=data["weight"] * 3),
        "collective",
        drivers=DRIVERS,
        controls=CONTROLS,
        weighted=True,
    )
    for name, term in res.terms.items():
        assert res3.terms[name].estimate == pytest.approx(term.estimate, rel=1e-8)
        assert res3.terms[name].std_error == pytest.approx(term.std_error, rel=1e-8)


def test_compare_forms_equals_separate_fits() -> None:
    d = simulate(n=1200, councils=3, seed=5)
    d.loc[:20, "index_collective"] = np.nan
    notes: list = []
    comp = comparison.compare_forms(
        d, drivers=DRIVERS, controls=CONTROLS, weighted=True, diagnostics=notes
    )
    both = d.dropna(subset=["index_individual", "index_collective"])
    refs = linear.fit_index_model(
        both, "individual", drivers=DRIVERS, controls=CONTROLS, weighted=True
    )
    refc = linear.fit_index_model(
        both, "collective", drivers=DRIVERS, controls=CONTROLS, weighted=True
    )
    assert set(comp) == {t for t in refs.terms if t != "const" and not t.startswith("authority=")}
    for name, c in comp.items():
        assert c.individual == pytest.approx(refs.terms[name].estimate, rel=1e-8, abs=1e-8)
        assert c.collective == pytest.approx(refc.terms[name].estimate, rel=1e-8, abs=1e-8)
        assert c.difference == pytest.approx(
            refc.terms[name].estimate - refs.terms[name].estimate, rel=1e-8, abs=1e-8
        )
    assert any("21" in n.message for n in notes)
    # the SE equals the interaction's SE in a stacked formula model clustered by respondent
    long = pd.concat(
        [
            both.assign(
                index=both["index_individual"], form="individual", rid=np.arange(len(both))
            ),
            both.assign(
                index=both["index_collective"], form="collective", rid=np.arange(len(both))
            ),
        ]
    )
    rhs = formula("index", refs.reference_levels).split("~")[1]
    ref = smf.wls(
        f"index ~ ({rhs}) * C(form, Treatment('individual'))", long, weights=long["weight"]
    ).fit(cov_type="cluster", cov_kwds={"groups": long["rid"]}, use_t=True)
    name = "efficacy:C(form, Treatment('individual'))[T.collective]"
    assert comp["efficacy"].difference == pytest.approx(ref.params[name], rel=1e-8)
    assert comp["efficacy"].std_error == pytest.approx(ref.bse[name], rel=1e-8)
    assert comp["efficacy"].p_value == pytest.approx(ref.pvalues[name], rel=1e-6)


def test_known_signs_are_recovered() -> None:
    d = simulate(n=4000, councils=5, seed=11)
    kw = {"drivers": DRIVERS, "controls": CONTROLS, "weighted": False}
    ind = linear.fit_index_model(d, "individual", **kw)
    col = linear.fit_index_model(d, "collective", **kw)
    assert ind.terms["efficacy"].estimate > 0 and ind.terms["efficacy"].p_value < 0.001
    assert col.terms["efficacy"].estimate > 0 and col.terms["efficacy"].p_value < 0.001
    assert ind.terms["age"].estimate < 0 and ind.terms["age"].ci_high < 0
    assert col.terms["age"].estimate > 0 and col.terms["age"].ci_low > 0
    assert abs(ind.terms["trust_council"].estimate) < 3 * ind.terms["trust_council"].std_error + 1
    pi = logit.fit_participation_model(d, "individual", **kw)
    pc = logit.fit_participation_model(d, "collective", **kw)
    assert pi.terms["age"].estimate < 0 < pc.terms["age"].estimate
    assert pi.terms["efficacy"].estimate > 0 and pc.terms["efficacy"].estimate > 0
    comp = comparison.compare_forms(d, **kw)
    assert comp["age"].difference > 0 and comp["age"].p_value < 0.001
    assert comp["gender=Male"].difference > 0  # Female: +3 individual, −2 collective
    # efficacy ranks above trust by the standardised effect
    assert ind.terms["efficacy"].std_estimate > abs(ind.terms["trust_council"].std_estimate)


def test_missing_column_is_a_plain_input_error(data: pd.DataFrame) -> None:
    from coprod_gui.core.errors import InputError

    with pytest.raises(InputError, match="Trust in the council"):
        linear.fit_index_model(
            data.drop(columns="trust_council"),
            "individual",
            drivers=DRIVERS,
            controls=[],
            weighted=False,
        )


def ordinal_items(d: pd.DataFrame, seed: int = 2) -> pd.DataFrame:
    r = np.random.default_rng(seed)
    latent = d["index_individual"] / 20 + r.logistic(0, 1, len(d))
    score = np.digitize(latent, [1.5, 2.5, 3.5])  # 0..3
    score = np.where(score == 2, 3, score)  # level 2 never used: OrderedModel's trap
    return pd.DataFrame({"recycling": score.astype(float)}, index=d.index)


def test_robustness_fits_ordered_and_mixed_models() -> None:
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    d = simulate(n=1500, councils=6, seed=4)
    items = {"individual": ordinal_items(d)}
    seen: list[float] = []
    out = robustness.fit_robustness(
        d,
        items,
        drivers=["efficacy"],
        controls=["age"],
        weighted=False,
        progress=lambda f, m: seen.append(f),
    )
    assert set(out) == {"ordered:recycling", "mixedlm:individual", "mixedlm:collective"}
    assert seen == sorted(seen) and seen[-1] == 1.0
    om = out["ordered:recycling"]
    assert om.ok and om.kind == "ordered_logit" and "const" not in om.terms
    # independent: the same ordered logit from the formula-built design
    exog = pd.get_dummies(d["authority"], dtype=float).drop(
        columns=om.reference_levels["authority"]
    )
    exog.insert(0, "age", d["age"])
    exog.insert(0, "efficacy", d["efficacy"])
    y = pd.Categorical(items["individual"]["recycling"], ordered=True).remove_unused_categories()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = OrderedModel(y, exog.to_numpy(), distr="logit").fit(
            method="bfgs", maxiter=500, disp=False
        )
    assert om.terms["efficacy"].estimate == pytest.approx(ref.params[0], rel=1e-4)
    assert om.terms["efficacy"].estimate > 0
    mx = out["mixedlm:individual"]
    assert mx.ok and mx.kind == "mixedlm"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mref = smf.mixedlm("index_individual ~ efficacy + age", d, groups=d["authority"]).fit(
            reml=True, method=["powell"]
        )
    assert mx.terms["efficacy"].estimate == pytest.approx(mref.fe_params["efficacy"], rel=1e-3)
    assert any("councils account for" in x.message for x in mx.diagnostics)


def test_robustness_cancelled_raises() -> None:
    d = simulate(n=300, councils=6)
    calls = {"n": 0}

    def cancel_after_first() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    with pytest.raises(Cancelled):
        robustness.fit_robustness(
            d,
            {"individual": ordinal_items(d)},
            drivers=["efficacy"],
            controls=[],
            weighted=False,
            is_cancelled=cancel_after_first,
        )
    assert calls["n"] == 2


def test_fast_ordered_model_score_is_the_true_gradient() -> None:
    from statsmodels.miscmodels.ordinal_model import OrderedModel
    from statsmodels.tools.numdiff import approx_fprime

    d = simulate(n=800, councils=3, seed=12)
    x = np.column_stack([d["efficacy"], d["age"], (d["gender"] == "Male").to_numpy(float)])
    y = pd.Categorical(ordinal_items(d)["recycling"], ordered=True).remove_unused_categories()
    fast = robustness._fast_ordered_model()(y, x, distr="logit")
    for shift in (0.0, 0.3, -0.2):
        p = fast.start_params + shift
        numeric = approx_fprime(p, fast.loglike, centered=True)
        assert fast.score(p) == pytest.approx(numeric, rel=5e-4, abs=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = fast.fit(method="bfgs", maxiter=500, disp=False)
        b = OrderedModel(y, x, distr="logit").fit(method="bfgs", maxiter=500, disp=False)
    assert np.asarray(a.params) == pytest.approx(np.asarray(b.params), rel=1e-5, abs=1e-6)
    assert np.asarray(a.bse) == pytest.approx(np.asarray(b.bse), rel=1e-4)


def test_weighted_ame_se_is_delta_method_on_the_survey_sandwich(data: pd.DataFrame) -> None:
    """Independent: pseudo-ML sandwich by hand, gradient of the AME by finite differences."""
    from statsmodels.tools.numdiff import approx_fprime

    drivers, controls = ["efficacy", "trust_council"], ["tenure"]
    res = logit.fit_participation_model(
        data, "individual", drivers=drivers, controls=controls, weighted=True
    )
    d = data.dropna(subset=["any_individual", *drivers, *controls])
    ref_t = res.reference_levels["tenure"]
    ref_a = res.reference_levels["authority"]
    tenure = pd.get_dummies(d["tenure"], dtype=float).drop(columns=ref_t)
    councils = pd.get_dummies(d["authority"], dtype=float).drop(columns=ref_a)
    x = np.column_stack([np.ones(len(d)), d[drivers], tenure, councils])
    y, w = d["any_individual"].to_numpy(), d["weight"].to_numpy()
    beta = np.zeros(x.shape[1])
    for _ in range(50):  # weighted Newton-Raphson for the pseudo-likelihood
        p = 1 / (1 + np.exp(-x @ beta))
        beta += np.linalg.solve((x * (w * p * (1 - p))[:, None]).T @ x, x.T @ (w * (y - p)))
    p = 1 / (1 + np.exp(-x @ beta))
    bread = np.linalg.inv((x * (w * p * (1 - p))[:, None]).T @ x)
    meat = (x * (w * (y - p))[:, None]).T @ (x * (w * (y - p))[:, None])
    cov = bread @ meat @ bread

    def ame_efficacy(b: np.ndarray) -> float:
        q = 1 / (1 + np.exp(-x @ b))
        return 100 * np.average(q * (1 - q), weights=w) * b[1]

    def ame_level(b: np.ndarray, col: int) -> float:
        x1, x0 = x.copy(), x.copy()
        x1[:, 3 : 3 + tenure.shape[1]] = 0
        x0[:, 3 : 3 + tenure.shape[1]] = 0
        x1[:, col] = 1
        q1, q0 = (1 / (1 + np.exp(-m @ b)) for m in (x1, x0))
        return 100 * np.average(q1 - q0, weights=w)

    g = approx_fprime(beta, ame_efficacy, centered=True)
    assert res.terms["efficacy"].estimate == pytest.approx(ame_efficacy(beta), rel=1e-8)
    assert res.terms["efficacy"].std_error == pytest.approx(np.sqrt(g @ cov @ g), rel=1e-5)
    for k, level in enumerate(tenure.columns):
        g = approx_fprime(beta, lambda b, c=3 + k: ame_level(b, c), centered=True)
        term = res.terms[f"tenure={level}"]
        assert term.estimate == pytest.approx(ame_level(beta, 3 + k), rel=1e-8)
        assert term.std_error == pytest.approx(np.sqrt(g @ cov @ g), rel=1e-5)


# --------------------------------------------------------------------------- level counts


def small_tenure_data(seed: int = 5) -> pd.DataFrame:
    """Tenure 'Other' given by 5 respondents, one of them without an age (so 4 are used)."""
    d = simulate(n=800, councils=6, seed=seed)
    d["tenure"] = d["tenure"].cat.add_categories(["Other"])
    d.loc[[3, 50, 120, 400, 700], "tenure"] = "Other"
    d.loc[[700, 10, 11], "age"] = np.nan  # row 700 is an 'Other'
    return d


def test_level_counts_are_respondents_used_per_level() -> None:
    d = small_tenure_data()
    used = d.dropna(subset=["age", "index_individual"])
    res = linear.fit_index_model(
        d, "individual", drivers=["efficacy"], controls=["age", "tenure"], weighted=False
    )
    assert res.ok and res.n == len(used) == 797
    assert res.level_counts["tenure=Other"] == 4
    assert "tenure=Other" in res.terms  # the estimate the report layer must hide
    # the reference level is counted too, keyed the same way
    ref = res.reference_levels["tenure"]
    assert ref == used["tenure"].value_counts().idxmax()
    assert res.level_counts[f"tenure={ref}"] == int((used["tenure"] == ref).sum())
    tenure = {k: v for k, v in res.level_counts.items() if k.startswith("tenure=")}
    assert sum(tenure.values()) == res.n
    councils = {k: v for k, v in res.level_counts.items() if k.startswith("authority=")}
    assert len(councils) == 6 and sum(councils.values()) == res.n
    assert res.level_counts["authority=Council 03"] == int(
        (used["authority"] == "Council 03").sum()
    )
    assert "efficacy" not in res.level_counts and "age" not in res.level_counts
    # every categorical term has a count
    assert {t for t in res.terms if "=" in t} <= set(res.level_counts)
    # the counts travel into results.json's model entries
    assert dataclasses.asdict(res)["level_counts"]["tenure=Other"] == 4


def test_level_counts_in_participation_and_robustness_models() -> None:
    d = small_tenure_data()
    part = logit.fit_participation_model(
        d, "collective", drivers=["efficacy"], controls=["age", "tenure"], weighted=True
    )
    assert part.level_counts["tenure=Other"] == 4
    assert sum(v for k, v in part.level_counts.items() if k.startswith("tenure=")) == part.n
    out = robustness.fit_robustness(
        d,
        {"individual": ordinal_items(d)},
        drivers=["efficacy"],
        controls=["tenure"],
        weighted=False,
    )
    om, mx = out["ordered:recycling"], out["mixedlm:individual"]
    assert om.level_counts["tenure=Other"] == 5  # age is not in this model: all 5 used
    assert "tenure=Other" in om.terms
    assert mx.ok and mx.level_counts["tenure=Other"] == 5
    # the random-council model has no council terms, so no council counts
    assert not any(k.startswith("authority=") for k in mx.level_counts)


def test_separated_groups_inside_another_are_counted_in_full() -> None:
    """tenure=Other (4 people) all answer gender 'Other' too, and everyone answering
    'Other' to gender takes part: both notes give the real group size, never 0."""
    d = simulate(n=800, councils=3, seed=6)
    d["tenure"] = d["tenure"].cat.add_categories(["Other"])
    other_gender = d.index[d["gender"] == "Other"]
    d.loc[other_gender[:4], "tenure"] = "Other"
    d.loc[other_gender, "any_collective"] = 1.0
    res = logit.fit_participation_model(
        d, "collective", drivers=["efficacy"], controls=["gender", "tenure"], weighted=False
    )
    notes = {x.term: x for x in res.diagnostics if x.term in ("gender=Other", "tenure=Other")}
    assert notes["gender=Other"].count == len(other_gender)
    assert notes["tenure=Other"].count == 4
    assert "Those 4 respondents were left out" in notes["tenure=Other"].message
    assert not any("Those 0 respondents" in x.message for x in res.diagnostics)
    assert "tenure=Other" not in res.level_counts and "gender=Other" not in res.level_counts


def test_thin_data_note_says_one_thing() -> None:
    d = simulate(n=6, councils=1, seed=7)
    res = linear.fit_index_model(d, "individual", drivers=[], controls=[], weighted=False)
    messages = [x.message for x in res.diagnostics]
    assert "Only 6 respondents for 1 thing to estimate; results will be imprecise." in messages
    assert not any("1 things" in m for m in messages)
    one = linear.fit_index_model(d.iloc[:1], "individual", drivers=[], controls=[], weighted=False)
    assert not one.ok
    assert any(
        x.message.startswith("Too few respondents (1) to estimate 1 thing; the model was not")
        for x in one.diagnostics
    )
