"""The co-production models of DESIGN.md §4, fitted on numpy arrays.

Input (built by :mod:`coprod_gui.core.analysis`): one row per respondent with
``authority`` (category), optional ``weight``, ``index_<form>`` (0–100),
``any_<form>`` (0/1), drivers scaled 0–1, ``age`` in years and categorical controls.

Why arrays, not formulas: building the design through the formula interface is 80–90 %
of an OLS or logit fit at 50,000 rows (perf_baseline.md §4). Categorical codes become
dummy columns directly here.

Conventions shared with every layer (docs/architecture.md): terms are keyed by construct
name (``efficacy``, ``age``), ``"gender=Female"`` against ``reference_levels["gender"]``,
``"authority=<name>"`` and ``"const"``. The reference level of a categorical control is
its most common answer among the respondents used, so every comparison is against a large,
stable group (a tiny reference group would make all its comparisons noisy).

Every warning statsmodels raises is captured and turned into a plain
:class:`Diagnostic`; broken problems (aliased columns, n ≤ p, separation) are refused
or marked before anyone reads a misleading p-value (reliability.md §6).
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.special

from . import diagnostics as dg
from .errors import InputError
from .progress import CancelFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from .results import Comparison, Diagnostic, ModelResult, Term
from .survey.constructs import FORMS, label

CLUSTER_MIN_COUNCILS = 20
"""With fewer councils, cluster-robust errors are biased (few clusters): use HC3 instead."""

CONTINUOUS = frozenset(
    {
        "efficacy",
        "consultation_satisfaction",
        "informed",
        "trust_council",
        "area_satisfaction",
        "age",
    }
)
"""Variables entered as numbers (drivers 0–1, age in years); everything else is a category."""


# --------------------------------------------------------------------------- design


@dataclass
class _Design:
    """A design matrix with its bookkeeping (which rows, which columns, why)."""

    x: np.ndarray
    names: list[str]
    rows: pd.DataFrame  # the respondents used (subset of the data)
    weights: np.ndarray | None
    councils: np.ndarray  # integer council code per row
    n_councils: int
    reference_levels: dict[str, str]
    continuous: list[str]
    blocks: dict[str, list[int]]  # categorical variable -> its dummy column positions
    dropped: dict[str, int]
    notes: list[Diagnostic] = field(default_factory=list)
    level_counts: dict[str, int] = field(default_factory=dict)  # "var=level" -> respondents

    def new_result(
        self, n_in_data: int, *, form: str, kind: str, method: str, outcome: str
    ) -> ModelResult:
        """A result carrying this design's bookkeeping (respondents used, why others
        dropped, reference levels, level counts), so every model reports them alike."""
        return ModelResult(
            form=form,
            kind=kind,
            method=method,
            outcome=outcome,
            n=len(self.rows),
            n_in_data=n_in_data,
            dropped=self.dropped,
            reference_levels=self.reference_levels,
            level_counts=self.level_counts,
        )


def _check_form(form: str) -> None:
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, not {form!r}")


def _check_columns(data: pd.DataFrame, needed: Sequence[str]) -> None:
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise InputError(
            f"The modelling data have no column for {', '.join(label(c) for c in missing)}.",
            hint="Map it on the import page, or leave it out of the drivers and controls.",
        )


def _missing_reason(var: str, outcome_words: dict[str, str]) -> str:
    if var in outcome_words:
        return outcome_words[var]
    if var == "weight":
        return "had no valid survey weight"
    if var == "authority":
        return "had no council recorded"
    return f"did not answer the {label(var).lower()} question"


def _select_rows(
    data: pd.DataFrame,
    outcomes: dict[str, str],
    variables: Sequence[str],
    weighted: bool,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Respondents with everything the model needs; each other row counted once, by the
    first thing it lacks (outcome first, then weight, council, drivers, controls)."""
    order = [*outcomes, *(["weight"] if weighted else []), "authority", *variables]
    _check_columns(data, order)
    keep = np.ones(len(data), dtype=bool)
    dropped: dict[str, int] = {}
    for var in order:
        col = data[var]
        bad = col.isna().to_numpy()
        if var == "weight":
            vals = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            bad = ~(np.isfinite(vals) & (vals > 0))
        newly = bad & keep
        count = int(newly.sum())
        if count:
            dropped[_missing_reason(var, outcomes)] = count
        keep &= ~bad
    return data.loc[keep], dropped


def _unique(drivers: Sequence[str], controls: Sequence[str]) -> tuple[list[str], list[str]]:
    """Each variable once (a variable listed twice would alias with itself)."""
    d = list(dict.fromkeys(drivers))
    return d, [c for c in dict.fromkeys(controls) if c not in d]


def _is_continuous(series: pd.Series, var: str) -> bool:
    """Drivers and age are numbers; so is any other numeric (non-category) column."""
    if var in CONTINUOUS:
        return True
    if isinstance(series.dtype, pd.CategoricalDtype):
        return False
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("category")
    return series.cat.codes.to_numpy(), [str(c) for c in series.cat.categories]


def _most_common(counts: np.ndarray) -> int:
    return int(np.argmax(counts))  # ties: the first in the category order


def _build(
    rows: pd.DataFrame,
    *,
    drivers: Sequence[str],
    controls: Sequence[str],
    weighted: bool,
    dropped: dict[str, int],
    model: str,
    fixed_effects: bool = True,
    constant: bool = True,
) -> _Design:
    """Dummy-code the categoricals (most common level as reference), add council fixed
    effects when there is more than one council, and drop variables with no variation."""
    n = len(rows)
    weights = rows["weight"].to_numpy(dtype=float) if weighted else None
    cols: list[np.ndarray] = []
    names: list[str] = []
    refs: dict[str, str] = {}
    continuous: list[str] = []
    blocks: dict[str, list[int]] = {}
    level_counts: dict[str, int] = {}
    flat: list[str] = []
    if constant:
        cols.append(np.ones(n))
        names.append("const")
    for var in [*drivers, *controls]:
        if _is_continuous(rows[var], var):
            vals = rows[var].to_numpy(dtype=float)
            if n == 0 or np.ptp(vals) == 0:
                flat.append(var)
                continue
            cols.append(vals)
            names.append(var)
            continuous.append(var)
            continue
        codes, cats = _codes(rows[var])
        counts = np.bincount(codes[codes >= 0], minlength=len(cats))
        used = np.flatnonzero(counts)
        if len(used) < 2:
            flat.append(var)
            continue
        ref = _most_common(counts)
        refs[var] = cats[ref]
        blocks[var] = []
        for k in used:
            level_counts[f"{var}={cats[k]}"] = int(counts[k])
            if k == ref:
                continue
            blocks[var].append(len(cols))
            cols.append((codes == k).astype(float))
            names.append(f"{var}={cats[k]}")
    codes, cats = _codes(rows["authority"])
    counts = np.bincount(codes[codes >= 0], minlength=len(cats))
    used = np.flatnonzero(counts)
    if fixed_effects and len(used) > 1:
        ref = _most_common(counts)
        refs["authority"] = cats[ref]
        blocks["authority"] = []
        for k in used:
            level_counts[f"authority={cats[k]}"] = int(counts[k])
            if k != ref:
                blocks["authority"].append(len(cols))
                cols.append((codes == k).astype(float))
                names.append(f"authority={cats[k]}")
    x = np.column_stack(cols) if cols else np.empty((n, 0))
    design = _Design(
        x=x,
        names=names,
        rows=rows,
        weights=weights,
        councils=codes,
        n_councils=len(used),
        reference_levels=refs,
        continuous=continuous,
        blocks=blocks,
        dropped=dropped,
        level_counts=level_counts,
    )
    design.notes.extend(dg.no_variation(flat, model))
    return design


def _refusal(design: _Design, model: str) -> list[Diagnostic]:
    """Reasons not to fit at all: n ≤ p, aliased columns."""
    n, p = design.x.shape
    few = dg.too_few_respondents(n, p, model)
    if few is not None:
        return [few]
    return dg.aliasing(dg.aliased_groups(design.x, design.names), model)


def _checks(design: _Design, model: str) -> list[Diagnostic]:
    """Non-blocking checks: thin data and collinearity (VIF > 10) of drivers and controls."""
    n, p = design.x.shape
    out: list[Diagnostic] = []
    if n < 10 * p:
        out.append(
            Diagnostic(
                "warning",
                f"Only {n:,} respondents for {p} {'thing' if p == 1 else 'things'} to "
                "estimate; results will be imprecise.",
                model,
            )
        )
    of = [t for t in design.names if t != "const" and not t.startswith("authority=")]
    out.extend(dg.collinearity(dg.vif_values(design.x, design.names, of), model))
    return out


def _wsd(values: np.ndarray, weights: np.ndarray | None) -> float:
    if weights is None:
        return float(np.std(values))
    mean = np.average(values, weights=weights)
    return float(math.sqrt(np.average((values - mean) ** 2, weights=weights)))


def _fit_captured(fn: Callable[[], Any]) -> tuple[Any, list[warnings.WarningMessage]]:
    """Run a statsmodels fit with every warning captured (never leaked to the caller).

    The results' lazily computed errors and p-values are computed here too, inside the
    capture, because a singular covariance warns when they are first read.
    """
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        with np.errstate(all="ignore"):
            result = fn()
            for attr in ("bse", "tvalues", "pvalues", "bse_fe"):
                with contextlib.suppress(AttributeError, ValueError, np.linalg.LinAlgError):
                    getattr(result, attr)
    return result, list(records)


def _max_leverage(x: np.ndarray, weights: np.ndarray | None) -> float:
    """Largest diagonal of the hat matrix, from a Cholesky factor of X'WX (cheap)."""
    wx = x if weights is None else x * np.sqrt(weights)[:, None]
    try:
        chol = np.linalg.cholesky(wx.T @ wx)
    except np.linalg.LinAlgError:
        return 1.0
    z = scipy.linalg.solve_triangular(chol, wx.T, lower=True)
    return float(np.max(np.einsum("ij,ij->j", z, z))) if z.size else 0.0


def _ols_fit(
    design: _Design, y: np.ndarray, groups: np.ndarray | None = None
) -> tuple[Any, str, list[warnings.WarningMessage], list[Diagnostic]]:
    """WLS/OLS with HC3 errors, or clustered errors when ``groups`` is given.

    HC3 (not HC1) because it behaves best in small samples; HC3 divides by 1 − leverage,
    so when one respondent alone fixes a coefficient (the only person from a council)
    it is undefined and HC1 is used instead, with a note.
    """
    import statsmodels.api as sm

    notes: list[Diagnostic] = []
    if design.weights is not None:
        model = sm.WLS(y, design.x, weights=design.weights)
    else:
        model = sm.OLS(y, design.x)
    if groups is not None:
        res, recs = _fit_captured(
            lambda: model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        )
        return res, "cluster", recs, notes
    cov = "HC3"
    if _max_leverage(design.x, design.weights) > 1 - 1e-8:
        cov = "HC1"
        notes.append(
            Diagnostic(
                "info",
                "One respondent alone decides part of the model (for example the only "
                "respondent from a council), so a simpler robust error (HC1) was used.",
            )
        )
    res, recs = _fit_captured(lambda: model.fit(cov_type=cov, use_t=True))
    return res, cov, recs, notes


def _cov_words(cov: str) -> str:
    if cov == "cluster":
        return f"standard errors clustered by council ({CLUSTER_MIN_COUNCILS} or more councils)"
    return f"robust ({cov}) standard errors"


def _ols_method(design: _Design, cov: str, weighted: bool) -> str:
    fe = (
        "with council fixed effects"
        if "authority" in design.blocks
        else "(one council, so no council effects)"
    )
    text = f"Least squares {fe} and {_cov_words(cov)}"
    return text + ("; weighted" if weighted else "")


def _terms_from(
    res: Any, names: Sequence[str], std: dict[str, float] | None = None
) -> dict[str, Term]:
    ci = np.asarray(res.conf_int(0.05))
    params, bse, pvals = (np.asarray(a) for a in (res.params, res.bse, res.pvalues))
    return {
        name: Term(
            float(params[i]),
            float(bse[i]),
            float(pvals[i]),
            float(ci[i, 0]),
            float(ci[i, 1]),
            (std or {}).get(name),
        )
        for i, name in enumerate(names)
    }


def _finish(
    result: ModelResult, design: _Design, model: str, extra: list[Diagnostic]
) -> ModelResult:
    for d in [*design.notes, *extra]:
        if d.model is None:
            d.model = model
    result.diagnostics = [
        *dg.respondents_used(result.n, result.n_in_data, result.dropped, model),
        *design.notes,
        *extra,
    ]
    return result


def _index_outcome_words(form: str) -> str:
    return f"had no {form} co-production score (answered fewer than half its questions)"


# --------------------------------------------------------------------------- index model


def fit_index_model(
    data: pd.DataFrame,
    form: str,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
) -> ModelResult:
    """Least squares of ``index_<form>`` (0–100) on drivers and controls, council fixed effects.

    Errors are HC3-robust: with few councils clustering by council is unreliable, so
    fixed effects plus HC3 is the default; clustered by council with 20 or more councils
    (DESIGN §4). Weighted least squares when ``weighted``. ``std_estimate`` of a
    continuous term is b·sd(x)/sd(y) (weighted sds when weighted) so drivers can be ranked.
    """
    _check_form(form)
    drivers, controls = _unique(drivers, controls)
    model = form
    outcome = f"index_{form}"
    rows, dropped = _select_rows(
        data, {outcome: _index_outcome_words(form)}, [*drivers, *controls], weighted
    )
    design = _build(
        rows, drivers=drivers, controls=controls, weighted=weighted, dropped=dropped, model=model
    )
    result = design.new_result(
        len(data),
        form=form,
        kind="wls" if weighted else "ols",
        method="",
        outcome=f"{form.capitalize()} co-production index (0–100)",
    )
    refused = _refusal(design, model)
    if refused:
        result.ok = False
        result.method = "Not fitted"
        return _finish(result, design, model, refused)
    y = rows[outcome].to_numpy(dtype=float)
    if np.ptp(y) == 0:
        result.ok = False
        result.method = "Not fitted"
        same = Diagnostic(
            "error",
            f"Every respondent used has the same {form} co-production score, so there is "
            "nothing to explain.",
            model,
        )
        return _finish(result, design, model, [same])
    groups = design.councils if design.n_councils >= CLUSTER_MIN_COUNCILS else None
    res, cov, recs, notes = _ols_fit(design, y, groups)
    sd_y = _wsd(y, design.weights)
    std = {}
    for name in design.continuous:
        i = design.names.index(name)
        std[name] = (
            float(res.params[i]) * _wsd(design.x[:, i], design.weights) / sd_y if sd_y else None
        )
    result.terms = _terms_from(res, design.names, std)
    result.r_squared = float(res.rsquared)
    result.method = _ols_method(design, cov, weighted)
    return _finish(
        result, design, model, [*notes, *_checks(design, model), *dg.from_warnings(recs, model)]
    )


# --------------------------------------------------------------------------- participation


def _logistic(eta: np.ndarray) -> np.ndarray:
    return scipy.special.expit(eta)


def average_marginal_effects(
    x: np.ndarray,
    names: Sequence[str],
    params: np.ndarray,
    cov: np.ndarray,
    *,
    continuous: Sequence[str],
    blocks: dict[str, list[int]],
    weights: np.ndarray | None = None,
) -> dict[str, tuple[float, float]]:
    """Average marginal effects of a logit and their delta-method standard errors.

    Continuous terms: the mean derivative of the probability. Dummy terms: the mean
    change in probability between that level and the reference level, every other
    dummy of the same variable set to zero. Averages are weighted when ``weights`` is
    given (population-average effects). Returns term -> (effect, se) as probabilities.
    """
    w = np.ones(len(x)) if weights is None else weights
    total = w.sum()
    eta = x @ params
    p = _logistic(eta)
    dens = p * (1 - p)
    out: dict[str, tuple[float, float]] = {}
    for name in continuous:
        j = names.index(name)
        mean_dens = float(w @ dens / total)
        grad = params[j] * ((w * dens * (1 - 2 * p)) @ x) / total
        grad[j] += mean_dens
        out[name] = (float(mean_dens * params[j]), float(math.sqrt(max(grad @ cov @ grad, 0.0))))
    for cols in blocks.values():
        base = x.copy()
        base[:, cols] = 0.0
        eta0 = eta - x[:, cols] @ params[cols]
        p0 = _logistic(eta0)
        d0 = p0 * (1 - p0)
        for k in cols:
            p1 = _logistic(eta0 + params[k])
            d1 = p1 * (1 - p1)
            grad = ((w * (d1 - d0)) @ base) / total
            grad[k] += float(w @ d1 / total)
            ame = float(w @ (p1 - p0) / total)
            out[names[k]] = (ame, float(math.sqrt(max(grad @ cov @ grad, 0.0))))
    return out


def _drop_separated(
    rows: pd.DataFrame,
    y_col: str,
    variables: Sequence[str],
    outcome_words: str,
    model: str,
    dropped: dict[str, int],
) -> tuple[pd.DataFrame, list[Diagnostic]]:
    """Leave out groups (a council, a category) whose outcome is all 0 or all 1.

    A logit cannot estimate a chance of 0 % or 100 % for a group: its coefficient runs
    to infinity and statsmodels' GLM still reports convergence (reliability.md §6). As
    Stata does, those respondents are left out and the officer is told who and why.
    Repeated because leaving out one group can make another constant.
    """
    notes: list[Diagnostic] = []
    cats = [v for v in [*variables, "authority"] if not _is_continuous(rows[v], v)]
    for _ in range(10):
        y = rows[y_col].to_numpy(dtype=float)
        if len(y) == 0 or y.min() == y.max():
            break
        masks: dict[str, np.ndarray] = {}
        for var in cats:
            codes, names = _codes(rows[var])
            present = np.unique(codes[codes >= 0])
            if len(present) < 2:
                continue  # one level only: the variable is dropped for no variation
            for k in present:
                term = f"{var}={names[k]}"
                masks[term] = codes == k
        bad = dg.constant_outcome_levels(y, masks)
        if not bad:
            break
        drop = np.zeros(len(rows), dtype=bool)
        for term, value in bad.items():
            # the whole group is left out (a respondent in two such groups is counted in
            # both notes); never "those 0 respondents" when groups overlap
            count = int(masks[term].sum())
            notes.append(dg.separated_level(term, value, count, outcome_words, model))
            drop |= masks[term]
        key = "were in a group where everyone (or no one) took part, which a model cannot estimate"
        dropped[key] = dropped.get(key, 0) + int(drop.sum())
        rows = rows.loc[~drop]
    return rows, notes


def fit_participation_model(
    data: pd.DataFrame,
    form: str,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
) -> ModelResult:
    """Logit of ``any_<form>`` reported as average marginal effects in percentage points.

    A driver's AME is the mean derivative ×100: with drivers scaled 0–1 that is the
    percentage-point change for a move from the lowest to the highest answer on a linear
    scale. Age is per year. A category level's AME is the mean change from the reference
    level. Standard errors by the delta method.

    Unweighted: ``Logit`` by Newton's method with model-based errors. Weighted: a GLM
    Binomial with ``var_weights`` and sandwich (HC0) errors, i.e. pseudo-maximum
    likelihood, the standard for survey weights (frequency weights would treat a weight
    of 3 as three respondents and understate the errors). Clustered by council with 20
    or more councils, as in the index model. Groups whose outcome is all 0 or all 1 are
    left out with a note (see ``_drop_separated``); any remaining sign of separation
    (|b| > 10, SE > 100) blanks that term's p-value and interval.
    """
    _check_form(form)
    drivers, controls = _unique(drivers, controls)
    import statsmodels.api as sm

    model = f"participation:{form}"
    outcome = f"any_{form}"
    does = f"does at least one {form} activity regularly"
    rows, dropped = _select_rows(
        data,
        {outcome: f"answered none of the {form} co-production questions"},
        [*drivers, *controls],
        weighted,
    )
    rows, sep_notes = _drop_separated(rows, outcome, [*drivers, *controls], does, model, dropped)
    design = _build(
        rows, drivers=drivers, controls=controls, weighted=weighted, dropped=dropped, model=model
    )
    design.notes.extend(sep_notes)
    result = design.new_result(
        len(data),
        form=form,
        kind="logit_ame",
        method="",
        outcome=f"Chance of doing at least one {form} activity regularly (percentage points)",
    )
    y = rows[outcome].to_numpy(dtype=float)
    if len(y) and y.min() == y.max():
        who = "Everyone" if y[0] == 1 else "No one"
        result.ok = False
        result.method = "Not fitted"
        return _finish(
            result,
            design,
            model,
            [
                Diagnostic(
                    "error", f"{who} in the data {does}, so there is nothing to explain.", model
                )
            ],
        )
    refused = _refusal(design, model)
    if refused:
        result.ok = False
        result.method = "Not fitted"
        return _finish(result, design, model, refused)
    cluster = design.n_councils >= CLUSTER_MIN_COUNCILS
    cov_kw: dict[str, Any] = (
        {"cov_type": "cluster", "cov_kwds": {"groups": design.councils}} if cluster else {}
    )
    if weighted:
        glm = sm.GLM(y, design.x, family=sm.families.Binomial(), var_weights=design.weights)
        res, recs = _fit_captured(lambda: glm.fit(maxiter=100, **(cov_kw or {"cov_type": "HC0"})))
        converged = bool(res.converged)
    else:
        logit = sm.Logit(y, design.x)
        res, recs = _fit_captured(lambda: logit.fit(method="newton", maxiter=100, disp=0, **cov_kw))
        converged = bool(res.mle_retvals.get("converged", False))
    params = np.asarray(res.params, dtype=float)
    cov = np.asarray(res.cov_params(), dtype=float)
    bse = np.asarray(res.bse, dtype=float)
    extra = dg.from_warnings(recs, model)
    separated = any(r.category.__name__ == "PerfectSeparationWarning" for r in recs)
    if separated or not converged:
        suspects = dg.separating_variables(
            y, design.x, design.names, design.continuous
        ) or dg.suspicious_terms(design.names, params, bse)
        result.ok = False
        result.method = "Not fitted"
        notes = dg.separation(suspects, does, model) if suspects else []
        if not converged or not suspects:
            notes.append(dg.not_converged(model, "The participation model"))
        return _finish(result, design, model, [*notes, *extra])
    suspects = dg.suspicious_terms(design.names, params, bse)
    ames = average_marginal_effects(
        design.x,
        design.names,
        params,
        cov,
        continuous=design.continuous,
        blocks=design.blocks,
        weights=design.weights,
    )
    z = float(scipy.special.ndtri(0.975))
    terms: dict[str, Term] = {}
    for name in design.names:
        if name not in ames:
            continue
        ame, se = (v * 100 for v in ames[name])
        if name in suspects or not se > 0:
            terms[name] = Term(ame, math.nan, math.nan, math.nan, math.nan)
            continue
        pval = float(2 * scipy.special.ndtr(-abs(ame / se)))
        terms[name] = Term(ame, se, pval, float(ame - z * se), float(ame + z * se))
    result.terms = terms
    result.r_squared = None
    errors = (
        _cov_words("cluster")
        if cluster
        else ("sandwich (HC0) standard errors" if weighted else "standard errors from the model")
    )
    fe = "with council fixed effects" if "authority" in design.blocks else "(one council)"
    result.method = (
        f"Logistic regression {fe}, {errors}; average marginal effects in percentage points"
        + ("; weighted" if weighted else "")
    )
    return _finish(
        result,
        design,
        model,
        [*dg.separation(suspects, does, model), *_checks(design, model), *extra],
    )


# --------------------------------------------------------------------------- compare


def compare_forms(
    data: pd.DataFrame,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
    diagnostics: list[Diagnostic] | None = None,
) -> dict[str, Comparison]:
    """Does each driver's effect differ between individual and collective co-production?

    A stacked model: two rows per respondent (each index), every regressor (and the
    council fixed effects) interacted with the form, so the individual and collective
    slopes are exactly those of separate fits on the same respondents; errors clustered
    by respondent because a person's two rows are not independent (DESIGN §4). Only
    respondents with both indices are used. The difference is collective − individual;
    its sign is whatever the data say. Notes (respondents used, refusals) are appended
    to ``diagnostics`` when given; a refused fit returns ``{}``.
    """
    drivers, controls = _unique(drivers, controls)
    model = "comparison"
    notes = diagnostics if diagnostics is not None else []
    outcomes = {f"index_{f}": _index_outcome_words(f) for f in ("individual", "collective")}
    rows, dropped = _select_rows(data, outcomes, [*drivers, *controls], weighted)
    design = _build(
        rows, drivers=drivers, controls=controls, weighted=weighted, dropped=dropped, model=model
    )
    n, p = design.x.shape
    for d in design.notes:
        d.model = model
    notes.extend(dg.respondents_used(n, len(data), dropped, model))
    notes.extend(design.notes)
    refused = _refusal(design, model)
    if refused:
        notes.extend(refused)
        return {}
    # The stacked, fully interacted model is two least-squares fits on the same rows, so
    # its estimates come from one p×p cross-product; its respondent-clustered sandwich
    # (statsmodels' small-sample factor G/(G−1)·(N−1)/(N−K), t with G−1 df) is built
    # from the per-respondent scores. Equal to the stacked statsmodels fit (tested) but
    # without its two SVDs of a 2n×2p matrix (over a second at 50,000 respondents).
    x = design.x
    w = np.ones(n) if design.weights is None else design.weights
    ys = [rows[f"index_{f}"].to_numpy(dtype=float) for f in ("individual", "collective")]
    xw = x * w[:, None]
    try:
        bread = np.linalg.inv(xw.T @ x)
    except np.linalg.LinAlgError:
        notes.append(dg.not_converged(model, "The comparison model"))
        return {}
    betas = [bread @ (xw.T @ y) for y in ys]
    scores = np.hstack([xw * (y - x @ b)[:, None] for y, b in zip(ys, betas, strict=True)])
    big_bread = np.zeros((2 * p, 2 * p))
    big_bread[:p, :p] = bread
    big_bread[p:, p:] = bread
    factor = n / (n - 1) * (2 * n - 1) / (2 * n - 2 * p)
    cov = factor * big_bread @ (scores.T @ scores) @ big_bread
    params = np.concatenate(betas)
    df = float(n - 1)
    tcrit = float(scipy.special.stdtrit(df, 0.975))
    out: dict[str, Comparison] = {}
    for j, name in enumerate(design.names):
        if name == "const" or name.startswith("authority="):
            continue
        ind, col = params[j], params[p + j]
        diff = col - ind
        se = math.sqrt(max(cov[j, j] + cov[p + j, p + j] - 2 * cov[j, p + j], 0.0))
        pval = float(2 * scipy.special.stdtr(df, -abs(diff / se))) if se > 0 else math.nan
        out[name] = Comparison(
            name,
            float(ind),
            float(col),
            float(diff),
            se,
            pval,
            float(diff - tcrit * se),
            float(diff + tcrit * se),
        )
    return out


# --------------------------------------------------------------------------- robustness


def _item_series(items: dict[str, pd.DataFrame] | None) -> list[tuple[str, str, pd.Series]]:
    """Flatten ``items`` to (group key, column name, scores); a frame gives one per column."""
    out: list[tuple[str, str, pd.Series]] = []
    for key, value in (items or {}).items():
        if isinstance(value, pd.Series):
            out.append((key, key, value))
        else:
            out.extend((key, str(col), value[col]) for col in value.columns)
    return out


_FAST_ORDERED: type | None = None


def _fast_ordered_model() -> type:
    """OrderedModel with an analytic score (statsmodels' is numerical).

    OrderedModel differentiates its log-likelihood numerically: two evaluations per
    parameter for each gradient and a full numerical Hessian for the errors, about 10 s at
    50,000 rows (perf_baseline.md §4). The analytic score below (checked against the
    numerical one in the tests) makes each gradient cost one pass over the data, and the
    Hessian is the numerical derivative of that score. Logit link only.
    """
    global _FAST_ORDERED
    if _FAST_ORDERED is not None:
        return _FAST_ORDERED
    from statsmodels.miscmodels.ordinal_model import OrderedModel
    from statsmodels.tools.numdiff import approx_fprime

    class FastOrderedModel(OrderedModel):
        def _parts(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            low, upp = self._bounds(np.asarray(params, dtype=float))
            c_low, c_upp = scipy.special.expit(low), scipy.special.expit(upp)
            return c_low, c_upp, np.maximum(c_upp - c_low, 0.0)

        def loglike(self, params: np.ndarray) -> float:
            return float(np.log(self._parts(params)[2] + 1e-20).sum())

        def score(self, params: np.ndarray) -> np.ndarray:
            params = np.asarray(params, dtype=float)
            k = self.exog.shape[1]
            n_cut = self.k_levels - 1
            c_low, c_upp, prob = self._parts(params)
            prob = prob + 1e-20
            a = c_upp * (1 - c_upp) / prob  # density at the cutpoint above the answer
            b = c_low * (1 - c_low) / prob  # ... and below it (0 at the ends)
            d_beta = -((a - b) @ self.exog)
            up = np.bincount(self.endog, weights=a, minlength=n_cut + 1)[:n_cut]
            down = np.bincount(self.endog, weights=b, minlength=n_cut + 1)[1 : n_cut + 1]
            th = params[k:]
            jac = np.tril(np.ones((n_cut, n_cut))) * np.concatenate(([1.0], np.exp(th[1:])))
            return np.concatenate([d_beta, (up - down) @ jac])

        def hessian(self, params: np.ndarray) -> np.ndarray:
            hess = approx_fprime(np.asarray(params, dtype=float), self.score, centered=True)
            return (hess + hess.T) / 2

    _FAST_ORDERED = FastOrderedModel
    return FastOrderedModel


def _fit_ordered(
    data: pd.DataFrame,
    key: str,
    column: str,
    scores: pd.Series,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
) -> ModelResult:
    """Ordered logit of one item's 0..k-1 score (OrderedModel, no constant in exog).

    OrderedModel's own traps (reliability.md §6): a constant raises, an unused category
    gives a cryptic shape error (so unused levels are removed), and it has no separation
    check (so the optimiser's flag and the standard errors are checked here). It takes no
    weights, so a weighted analysis gets an unweighted check, with a note.
    """
    model = f"ordered:{column}"
    frame = data.assign(__item=pd.to_numeric(scores.reindex(data.index), errors="coerce"))
    rows, dropped = _select_rows(
        frame, {"__item": "did not answer this question"}, [*drivers, *controls], False
    )
    design = _build(
        rows,
        drivers=drivers,
        controls=controls,
        weighted=False,
        dropped=dropped,
        model=model,
        constant=False,
    )
    result = design.new_result(
        len(data),
        form=key if key in ("individual", "collective") else "item",
        kind="ordered_logit",
        method="Ordered logistic regression with council fixed effects (log-odds)",
        outcome=f"Answer to {column} (ordered)",
    )
    extra: list[Diagnostic] = []
    if weighted:
        extra.append(Diagnostic("info", "This check does not use the survey weights.", model))
    y = pd.Categorical(rows["__item"].to_numpy(), ordered=True).remove_unused_categories()
    n_cut = len(y.categories) - 1
    if n_cut < 1:
        result.ok = False
        return _finish(
            result,
            design,
            model,
            [
                *extra,
                Diagnostic("error", "Everyone used gave the same answer; nothing to model.", model),
            ],
        )
    with_const = np.column_stack([np.ones(len(rows)), design.x])
    few = dg.too_few_respondents(len(rows), design.x.shape[1] + n_cut, model)
    refused = (
        [few]
        if few
        else dg.aliasing(dg.aliased_groups(with_const, ["const", *design.names]), model)
    )
    if refused:
        result.ok = False
        return _finish(result, design, model, [*extra, *refused])
    om = _fast_ordered_model()(y, design.x, distr="logit")
    res, recs = _fit_captured(lambda: om.fit(method="bfgs", maxiter=500, disp=False))
    extra.extend(dg.from_warnings(recs, model))
    k = len(design.names)
    params, bse = np.asarray(res.params)[:k], np.asarray(res.bse)[:k]
    suspects = dg.suspicious_terms(design.names, params, bse)
    if not res.mle_retvals.get("converged", False) or suspects:
        result.ok = False
        notes = dg.separation(suspects, "gives a higher answer", model) if suspects else []
        if not res.mle_retvals.get("converged", False):
            notes.append(dg.not_converged(model, "The ordered model"))
        return _finish(result, design, model, [*extra, *notes])
    ci = np.asarray(res.conf_int(0.05))[:k]
    pv = np.asarray(res.pvalues)[:k]
    result.terms = {
        n: Term(float(params[i]), float(bse[i]), float(pv[i]), float(ci[i, 0]), float(ci[i, 1]))
        for i, n in enumerate(design.names)
    }
    return _finish(result, design, model, extra)


def _fit_mixed(
    data: pd.DataFrame, form: str, *, drivers: list[str], controls: list[str], weighted: bool
) -> ModelResult:
    """Random-intercept model of ``index_<form>`` by council (MixedLM, REML).

    Needs 5+ councils (a variance from fewer is guesswork; with one group MixedLM even
    reports success, reliability.md §6). statsmodels' default optimiser has reported
    convergence while stuck at its start value (perf_baseline.md §4), so the model is
    refitted with Powell's method and the fit with the higher likelihood is kept; a
    disagreement is reported. MixedLM takes no weights: unweighted, with a note.
    """
    import statsmodels.api as sm

    model = f"mixedlm:{form}"
    outcome = f"index_{form}"
    rows, dropped = _select_rows(
        data, {outcome: _index_outcome_words(form)}, [*drivers, *controls], False
    )
    design = _build(
        rows,
        drivers=drivers,
        controls=controls,
        weighted=False,
        dropped=dropped,
        model=model,
        fixed_effects=False,
    )
    result = design.new_result(
        len(data),
        form=form,
        kind="mixedlm",
        method="Least squares with a random council effect (REML)",
        outcome=f"{form.capitalize()} co-production index (0–100)",
    )
    extra: list[Diagnostic] = []
    if weighted:
        extra.append(Diagnostic("info", "This check does not use the survey weights.", model))
    if design.n_councils < dg.MIN_COUNCILS_RANDOM:
        result.ok = False
        result.method = "Not fitted"
        return _finish(result, design, model, [*extra, dg.few_councils(design.n_councils, model)])
    refused = _refusal(design, model)
    if refused:
        result.ok = False
        result.method = "Not fitted"
        return _finish(result, design, model, [*extra, *refused])
    y = rows[outcome].to_numpy(dtype=float)
    mixed = sm.MixedLM(y, design.x, groups=design.councils)
    fits = []
    for method in (None, ["powell"]):
        kw = {} if method is None else {"method": method}
        try:
            res, recs = _fit_captured(lambda kw=kw: mixed.fit(reml=True, **kw))
        except (np.linalg.LinAlgError, ValueError):
            continue
        if np.isfinite(res.llf):
            fits.append((res, recs))
    if len(fits) == 1:
        # one optimiser failed outright or gave an impossible (infinite) likelihood
        extra.append(
            Diagnostic(
                "info",
                "One of the two ways of fitting the random council effect failed; the other "
                "was used.",
                model,
            )
        )
    if not fits:
        result.ok = False
        return _finish(
            result, design, model, [*extra, dg.not_converged(model, "The random-council model")]
        )
    res, recs = max(fits, key=lambda f: f[0].llf)
    if len(fits) == 2:
        (a, _), (b, _) = fits
        va, vb = float(np.asarray(a.cov_re)[0, 0]), float(np.asarray(b.cov_re)[0, 0])
        differ = abs(a.llf - b.llf) > 0.01 or abs(va - vb) > 0.1 * max(va, vb, 1e-8)
        if differ and a.converged and b.converged:
            extra.append(
                Diagnostic(
                    "warning",
                    "Two ways of fitting the random council effect disagreed although both "
                    "reported success; the one that fits the data better is shown. Treat this "
                    "check with caution.",
                    model,
                )
            )
        elif differ:
            extra.append(
                Diagnostic(
                    "info",
                    "The first way of fitting the random council effect did not settle; a "
                    "second method (Powell's) was used and fits the data better.",
                    model,
                )
            )
        recs = [r for r in recs if r.category.__name__ != "ConvergenceWarning" or not res.converged]
    extra.extend(dg.from_warnings(recs, model))
    if not res.converged:
        extra.append(dg.not_converged(model, "The random-council model"))
        result.ok = False
    k = len(design.names)
    ci = np.asarray(res.conf_int(0.05))[:k]
    params, bse, pv = (np.asarray(a)[:k] for a in (res.fe_params, res.bse_fe, res.pvalues))
    result.terms = {
        n: Term(float(params[i]), float(bse[i]), float(pv[i]), float(ci[i, 0]), float(ci[i, 1]))
        for i, n in enumerate(design.names)
    }
    between = float(np.asarray(res.cov_re)[0, 0])
    share = 100 * between / (between + float(res.scale)) if between + res.scale > 0 else 0.0
    extra.append(
        Diagnostic(
            "info",
            f"Differences between councils account for {share:.1f}% of the variation in the "
            f"index after allowing for the drivers and controls ({design.n_councils} councils).",
            model,
        )
    )
    return _finish(result, design, model, extra)


def fit_robustness(
    data: pd.DataFrame,
    items: dict[str, pd.DataFrame] | None,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
    progress: ProgressFn = no_progress,
    is_cancelled: CancelFn = never_cancelled,
) -> dict[str, ModelResult]:
    """Checks for the technical view (slow; not on the default path).

    An ordered logit per co-production item (``items``: key -> a frame of item columns
    or one item's scores, 0..k-1, aligned with ``data``), keyed ``"ordered:<column>"``;
    and a random-intercept model by council per form, keyed ``"mixedlm:<form>"``.
    Cancellation is checked between fits (raises :class:`Cancelled`).
    """
    drivers, controls = _unique(drivers, controls)
    todo = _item_series(items)
    total = len(todo) + 2
    out: dict[str, ModelResult] = {}
    for i, (key, column, scores) in enumerate(todo):
        check_cancelled(is_cancelled)
        progress(i / total, f"Ordered model for {column}")
        out[f"ordered:{column}"] = _fit_ordered(
            data, key, column, scores, drivers=drivers, controls=controls, weighted=weighted
        )
    for j, form in enumerate(("individual", "collective")):
        check_cancelled(is_cancelled)
        progress((len(todo) + j) / total, f"Random council model for {form} co-production")
        out[f"mixedlm:{form}"] = _fit_mixed(
            data, form, drivers=drivers, controls=controls, weighted=weighted
        )
    check_cancelled(is_cancelled)
    progress(1.0, "Checks done")
    return out
