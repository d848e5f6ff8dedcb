"""The participation model: a logit of doing a form at all, as average marginal effects."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.special

from ..results import Diagnostic, ModelResult, Term
from ..survey.constructs import DRIVERS
from . import diagnostics as dg
from . import fitting
from .design import (
    CLUSTER_MIN_COUNCILS,
    DesignCache,
    _check_form,
    _checks,
    _codes,
    _cov_words,
    _Design,
    _finish,
    _fit_captured,
    _is_continuous,
    _refusal,
    _unique,
    design_for,
)
from .fitting import Fit
from .rows import _select_rows

_logistic = fitting.logistic


Changes = dict[str, tuple[float, np.ndarray]]
"""term -> (average change in the chance, its gradient in the coefficients)."""


def average_changes(
    x: np.ndarray,
    names: Sequence[str],
    params: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    ranged: Sequence[str] = (),
    derivative: Sequence[str] = (),
    blocks: dict[str, list[int]] | None = None,
) -> tuple[Changes, Changes]:
    """Average changes in a logit's chance and their gradients in the coefficients.

    Returns ``(slopes, changes)``. ``slopes``: for each ``derivative`` term, the mean
    slope of the chance per unit. ``changes``: for each ``ranged`` term (a driver scored
    0–1), everyone's answer set to 0 and then to 1, other answers as observed, the mean
    difference; for each level of a ``blocks`` variable, the mean change from the
    reference level, the variable's other dummies set to zero. Means weighted by
    ``weights``; values as probabilities.

    Why one pass: every change and gradient is a weighted sum over respondents, so they
    are accumulated together over blocks of rows (one matrix product per block for all
    gradients) without copying the design; at a million respondents the copies with a
    column set to 0 or 1 took 10 s and 0.5 GB (issue 11). Within a block every switched
    dummy of every group is one column of one matrix (a handful of numpy calls per block,
    not a handful per group: 20 % less time at a million respondents).
    """
    n, k = x.shape
    w = np.ones(n) if weights is None else weights
    # groups of dummies switched together: a ranged term alone, or a variable's levels;
    # every switched dummy of every group is one column of the block's matrices below
    groups = [[names.index(t)] for t in ranged] + list((blocks or {}).values())
    cols = np.array([j for g in groups for j in g], dtype=np.intp)
    sizes = [len(g) for g in groups]
    member = np.zeros((len(cols), len(groups)))  # switched dummy -> its group
    member[np.arange(len(cols)), np.repeat(np.arange(len(groups)), sizes)] = 1.0
    group_of = np.repeat(np.arange(len(groups)), sizes)
    beta = params[cols]
    m = len(cols) + 1
    grads = np.zeros((m, k))  # row 0: the slope's; then one row per switched dummy
    dens_sum = 0.0
    d1_sums = np.zeros(m - 1)
    p_diffs = np.zeros(m - 1)
    for a in range(0, n, fitting.BLOCK):
        xb, wb = x[a : a + fitting.BLOCK], w[a : a + fitting.BLOCK]
        eta = xb @ params
        pr = _logistic(eta)
        dens = pr * (1 - pr)
        g = np.empty((len(xb), m))
        g[:, 0] = wb * dens * (1 - 2 * pr)
        dens_sum += float(wb @ dens)
        # each group switched off (its dummies at 0: the reference), then each dummy on
        eta0 = eta[:, None] - (xb[:, cols] * beta) @ member
        p0 = _logistic(eta0)
        e1 = eta0[:, group_of]
        e1 += beta
        p1 = _logistic(e1, out=e1)
        d1 = p1 * (1 - p1)
        np.subtract(d1, (p0 * (1 - p0))[:, group_of], out=g[:, 1:])
        g[:, 1:] *= wb[:, None]
        d1_sums += wb @ d1
        p_diffs += wb @ p1 - (wb @ p0)[group_of]
        grads += g.T @ xb
    total = float(w.sum())
    grads /= total
    slopes: Changes = {}
    for name in derivative:
        j = names.index(name)
        grad = params[j] * grads[0]
        grad[j] += dens_sum / total
        slopes[name] = (float(dens_sum / total * params[j]), grad)
    changes: Changes = {}
    i = 0
    for group in groups:
        for j in group:
            grad = grads[i + 1].copy()
            grad[group] = 0.0
            grad[j] += d1_sums[i] / total
            changes[names[j]] = (float(p_diffs[i] / total), grad)
            i += 1
    return slopes, changes


def average_marginal_effects(
    x: np.ndarray,
    names: Sequence[str],
    params: np.ndarray,
    cov: np.ndarray,
    *,
    continuous: Sequence[str],
    blocks: dict[str, list[int]],
    weights: np.ndarray | None = None,
    changes: tuple[Changes, Changes] | None = None,
) -> dict[str, tuple[float, float]]:
    """Average marginal effects of a logit and their delta-method standard errors.

    Continuous terms: the mean derivative of the probability. Dummy terms: the mean
    change in probability between that level and the reference level, every other
    dummy of the same variable set to zero. Averages are weighted when ``weights`` is
    given (population-average effects). Returns term -> (effect, se) as probabilities.
    ``changes``: :func:`average_changes` already computed for these terms.
    """
    slopes, levels = changes or average_changes(
        x, names, params, weights, derivative=continuous, blocks=blocks
    )
    wanted = {**{t: slopes[t] for t in continuous}, **{names[j]: levels[names[j]]
              for cols in blocks.values() for j in cols}}  # fmt: skip
    return {
        name: (est, float(math.sqrt(max(grad @ cov @ grad, 0.0))))
        for name, (est, grad) in wanted.items()
    }


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
        bad = _constant_levels(rows, y, cats)
        if not bad:
            break
        drop = np.zeros(len(rows), dtype=bool)
        for term, (value, mask) in bad.items():
            # the whole group is left out (a respondent in two such groups is counted in
            # both notes); never "those 0 respondents" when groups overlap
            count = int(mask.sum())
            notes.append(dg.separated_level(term, value, count, outcome_words, model))
            drop |= mask
        key = "were in a group where everyone (or no one) took part, which a model cannot estimate"
        dropped[key] = dropped.get(key, 0) + int(drop.sum())
        rows = rows.loc[~drop]
    return rows, notes


def _constant_levels(
    rows: pd.DataFrame, y: np.ndarray, cats: Sequence[str]
) -> dict[str, tuple[float, np.ndarray]]:
    """Category levels (``"var=level"``, in variable and level order) whose respondents
    all have the same outcome: the value and the level's rows. A 0/1 outcome is counted
    per level in one pass (``bincount``) and only a constant level's rows are marked;
    other outcomes are checked level by level (:func:`.diagnostics.constant_outcome_levels`)."""
    binary = bool(np.all((y == 0) | (y == 1)))
    ones_of = y.astype(np.intp) if binary else None
    bad: dict[str, tuple[float, np.ndarray]] = {}
    for var in cats:
        codes, names = _codes(rows[var])
        if binary:
            # one integer count of (level, answer) pairs; a missing code (-1) counted
            # apart at slot 0 and 1 (the respondents used have none: no copy then)
            pairs = np.bincount(
                (codes.astype(np.intp) + 1) * 2 + ones_of, minlength=2 * (len(names) + 1)
            )
            ones = pairs[3::2]
            counts = pairs[2::2] + ones
        else:
            valid = codes >= 0
            counts = np.bincount(codes[valid], minlength=len(names))
        present = np.flatnonzero(counts)
        if len(present) < 2:
            continue  # one level only: the variable is dropped for no variation
        if not binary:
            masks = {f"{var}={names[k]}": codes == k for k in present}
            for term, value in dg.constant_outcome_levels(y, masks).items():
                bad[term] = (value, masks[term])
            continue
        for k in present:
            if ones[k] == 0 or ones[k] == counts[k]:
                bad[f"{var}={names[k]}"] = (1.0 if ones[k] else 0.0, codes == k)
    return bad


@dataclass
class ParticipationFit:
    """The participation model's design, outcome and fit, kept only until the efficacy
    curve (:func:`predicted_participation`) and the comparison of taking part have used
    them (a design is n×p floats). ``changes``: its :func:`average_changes` (slopes of
    the continuous terms; drivers 0 → 1 and category levels), shared with the comparison."""

    design: _Design
    y: np.ndarray
    fit: Fit
    changes: tuple[Changes, Changes] | None = None


def fit_participation_model(
    data: pd.DataFrame,
    form: str,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
) -> ModelResult:
    """Logit of ``any_<form>`` as average marginal effects (see :func:`fit_participation`)."""
    return fit_participation(data, form, drivers=drivers, controls=controls, weighted=weighted)[0]


def fit_participation(
    data: pd.DataFrame,
    form: str,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
    designs: DesignCache | None = None,
) -> tuple[ModelResult, ParticipationFit | None]:
    """Logit of ``any_<form>`` reported as average marginal effects in percentage points.

    A driver's AME is the mean derivative ×100: with drivers scaled 0–1 that is the
    percentage-point change for a move from the lowest to the highest answer on a linear
    scale. Age is per year. A category level's AME is the mean change from the reference
    level. Standard errors by the delta method.

    Unweighted: maximum likelihood (IRLS, :func:`.fitting.logit`) with model-based
    errors, as statsmodels' ``Logit``. Weighted: as a GLM Binomial with ``var_weights`` and
    sandwich (HC0) errors, i.e. pseudo-maximum likelihood, the standard for survey weights (frequency weights would treat a weight
    of 3 as three respondents and understate the errors). Clustered by council with 20
    or more councils, as in the index model. Groups whose outcome is all 0 or all 1 are
    left out with a note (see ``_drop_separated``); any remaining sign of separation
    (|b| > 10, SE > 100) blanks that term's p-value and interval. The second value is
    the fit itself when it succeeded, for the efficacy curve (and, through ``designs``,
    for the comparison of taking part when it has the same respondents).
    """
    _check_form(form)
    drivers, controls = _unique(drivers, controls)

    model = f"participation:{form}"
    outcome = f"any_{form}"
    does = f"does at least one {form} activity regularly"
    rows, dropped = _select_rows(
        data,
        {outcome: f"answered none of the {form} co-production questions"},
        [*drivers, *controls],
        weighted,
        designs,
    )
    rows, sep_notes = _drop_separated(rows, outcome, [*drivers, *controls], does, model, dropped)
    design = design_for(
        rows,
        drivers=drivers,
        controls=controls,
        weighted=weighted,
        dropped=dropped,
        model=model,
        cache=designs,
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
        nothing = Diagnostic(
            "error", f"{who} in the data {does}, so there is nothing to explain.", model
        )
        return _finish(result, design, model, [nothing]), None
    refused = _refusal(design, model)
    if refused:
        result.ok = False
        result.method = "Not fitted"
        return _finish(result, design, model, refused), None
    cluster = design.n_councils >= CLUSTER_MIN_COUNCILS
    groups = design.councils if cluster else None
    res, recs = _fit_captured(
        lambda: fitting.logit(design.x, y, design.weights, robust=weighted, groups=groups)
    )
    converged = res.converged
    params, cov, bse = res.params, res.cov, res.bse
    extra = dg.from_warnings(recs, model)
    separated = res.separated
    if separated or not converged:
        suspects = dg.separating_variables(
            y, design.x, design.names, design.continuous
        ) or dg.suspicious_terms(design.names, params, bse)
        result.ok = False
        result.method = "Not fitted"
        notes = dg.separation(suspects, does, model) if suspects else []
        if not converged or not suspects:
            notes.append(dg.not_converged(model, "The participation model"))
        return _finish(result, design, model, [*notes, *extra]), None
    suspects = dg.suspicious_terms(design.names, params, bse)
    # one pass for the effects here and the comparison's changes (drivers 0 → 1)
    changes = average_changes(
        design.x,
        design.names,
        params,
        design.weights,
        ranged=[t for t in design.continuous if t in DRIVERS],
        derivative=design.continuous,
        blocks=design.blocks,
    )
    ames = average_marginal_effects(
        design.x,
        design.names,
        params,
        cov,
        continuous=design.continuous,
        blocks=design.blocks,
        weights=design.weights,
        changes=changes,
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
    done = _finish(
        result,
        design,
        model,
        [*dg.separation(suspects, does, model), *_checks(design, model), *extra],
    )
    fitted = ParticipationFit(design, y, res, changes)
    if designs is not None and designs.design is not None and designs.design.x is design.x:
        designs.fits[form] = fitted  # for the comparison of taking part (same sample)
    return done, fitted


def predicted_participation(
    pf: ParticipationFit,
    points: int = 21,
    *,
    term: str = "efficacy",
    values: list[float] | None = None,
) -> list[dict[str, float]]:
    """Average predicted chance (0–100) of doing the form regularly across efficacy 0–1
    (or across ``values`` of another numeric ``term``: the brief's levels at a driver's ends
    and at the youngest and oldest age bands).

    From the participation fit already made (same respondents, design, coefficients and
    errors: model-based unweighted, sandwich (HC0) weighted, clustered by council with 20+
    councils), so no second fit. At each point everyone's efficacy is set to ``x``, other
    answers as observed, and the predicted chances are averaged (weighted when weighted).
    Interval: delta method, ±1.96 se, kept in 0–100. ``[]`` without efficacy in the model.
    """
    grid = np.linspace(0.0, 1.0, max(points, 2)) if values is None else values
    return predicted_at(pf, [(term, list(grid))])[0]


def predicted_at(
    pf: ParticipationFit, wanted: Sequence[tuple[str, Sequence[float]]]
) -> list[list[dict[str, float]]]:
    """:func:`predicted_participation` for several (term, values) in one pass over the
    design (the curve and every driver's two ends: one pass instead of one per term); one
    list per request, in order, ``[]`` for a term not in the model."""
    design, params, cov = pf.design, pf.fit.params, pf.fit.cov
    x = design.x
    n, k = x.shape
    w = np.ones(n) if design.weights is None else design.weights
    total = float(w.sum())
    asked = [(i, t, list(v)) for i, (t, v) in enumerate(wanted) if t in design.names and len(v)]
    out: list[list[dict[str, float]]] = [[] for _ in wanted]
    if not asked:
        return out
    which = np.array([i for i, _, v in asked for _ in v], dtype=np.intp)
    cols = np.array([design.names.index(t) for _, t, v in asked for _ in v], dtype=np.intp)
    vals = np.array([float(x) for _, _, v in asked for x in v])
    # every point at once, over blocks of rows: Σw·p and the gradients Σw·p(1−p)·x (the
    # design with the term set to the point, without a copy)
    means = np.zeros(len(vals))
    slopes = np.zeros(len(vals))
    grads = np.zeros((len(vals), k))
    shift = vals * params[cols]
    # each distinct term's contribution once (the curve asks for one term 21 times)
    terms, which_term = np.unique(cols, return_inverse=True)
    for a in range(0, n, fitting.BLOCK):
        xb, wb = x[a : a + fitting.BLOCK], w[a : a + fitting.BLOCK]
        eta = xb @ params
        base = eta[:, None] - xb[:, terms] * params[terms]
        pv = base[:, which_term]
        pv += shift
        pv = _logistic(pv, out=pv)
        means += wb @ pv
        dv = wb[:, None] * pv * (1 - pv)
        slopes += dv.sum(axis=0)
        grads += dv.T @ xb
    z = float(scipy.special.ndtri(0.975))
    for i, (slot, j, value) in enumerate(zip(which, cols, vals, strict=True)):
        mean = float(means[i] / total)
        grad = grads[i] / total
        grad[j] = value * float(slopes[i]) / total
        se = math.sqrt(max(float(grad @ cov @ grad), 0.0))
        out[slot].append(
            {
                "x": float(value),
                "percent": 100 * mean,
                "ci_low": 100 * max(mean - z * se, 0.0),
                "ci_high": 100 * min(mean + z * se, 1.0),
            }
        )
    return out
