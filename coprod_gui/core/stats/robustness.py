"""Robustness checks for the technical view: ordered logits per item, random council effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.special

from ..progress import CancelFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from ..results import Diagnostic, ModelResult, Term
from . import diagnostics as dg
from .design import (
    _build,
    _finish,
    _fit_captured,
    _index_outcome_words,
    _refusal,
    _unique,
)
from .rows import _select_rows


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


ROBUSTNESS_MAX_ROWS = 50_000
"""Above this many respondents the robustness checks run on a stratified sample: an
ordered logit per item costs about 10 s per 50,000 rows (perf_baseline.md §4), so eleven
of them on a national file would take hours for a check, not a headline figure."""

SAMPLE_SEED = 20240611


def stratified_sample(
    data: pd.DataFrame, max_rows: int = ROBUSTNESS_MAX_ROWS, seed: int = SAMPLE_SEED
) -> pd.DataFrame:
    """At most about ``max_rows`` rows, drawn at random in proportion within each council
    (so every council keeps its share and its own random effect); fixed seed, so a rerun
    gives the same checks. ``data`` itself when it is small enough."""
    n = len(data)
    if n <= max_rows:
        return data
    rng = np.random.default_rng(seed)
    codes, _ = pd.factorize(data["authority"], use_na_sentinel=True)
    chosen = []
    for g in np.unique(codes):
        where = np.flatnonzero(codes == g)
        k = max(1, round(len(where) * max_rows / n))
        chosen.append(rng.choice(where, size=min(k, len(where)), replace=False))
    return data.iloc[np.sort(np.concatenate(chosen))]


def sample_note(n_used: int, n_all: int) -> Diagnostic:
    """The plain statement the technical appendix carries when the checks were sampled."""
    return Diagnostic(
        "info",
        f"The robustness checks (an ordered model per question and the random council "
        f"effect) were fitted on a random sample of {n_used:,} of the {n_all:,} respondents, "
        "drawn in proportion within each council, because on the whole survey they would "
        "take hours; every other figure uses all respondents.",
        "robustness",
    )


def fit_robustness(
    data: pd.DataFrame,
    items: dict[str, pd.DataFrame] | None,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
    progress: ProgressFn = no_progress,
    is_cancelled: CancelFn = never_cancelled,
    max_rows: int = ROBUSTNESS_MAX_ROWS,
) -> dict[str, ModelResult]:
    """Checks for the technical view (slow; not on the default path).

    Above ``max_rows`` respondents they are fitted on :func:`stratified_sample`, and each
    result carries :func:`sample_note` (so does the analysis, for the appendix).

    An ordered logit per co-production item (``items``: key -> a frame of item columns
    or one item's scores, 0..k-1, aligned with ``data``), keyed ``"ordered:<column>"``;
    and a random-intercept model by council per form, keyed ``"mixedlm:<form>"``.
    Cancellation is checked between fits (raises :class:`Cancelled`).
    """
    drivers, controls = _unique(drivers, controls)
    n_all = len(data)
    data = stratified_sample(data, max_rows)
    sampled = len(data) < n_all
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
    if sampled:
        for res in out.values():
            res.diagnostics.append(sample_note(len(data), n_all))
    progress(1.0, "Checks done")
    return out
