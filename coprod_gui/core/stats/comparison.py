"""The comparison: does a driver's link differ between individual and collective?

Two views. ``compare_forms`` stacks the 0–100 index models (a technical view only: the
collective index sits near its floor, which squashes its slopes). ``compare_participation``
stacks the two participation logits and gives each term a verdict that a floor or a
ceiling cannot fake: a form is named only when the difference is clear both in percentage
points and on the odds scale, in the same direction (DESIGN §4, "Comparison (revised)").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.special

from ..results import Comparison, Diagnostic, ScaleDifference
from ..survey.constructs import DRIVERS, FORMS
from . import diagnostics as dg
from . import fitting
from .design import DesignCache, _index_outcome_words, _refusal, _unique, design_for
from .logit import _drop_separated, average_changes
from .rows import _select_rows


def compare_forms(
    data: pd.DataFrame,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
    diagnostics: list[Diagnostic] | None = None,
    designs: DesignCache | None = None,
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
    rows, dropped = _select_rows(data, outcomes, [*drivers, *controls], weighted, designs)
    design = design_for(
        rows,
        drivers=drivers,
        controls=controls,
        weighted=weighted,
        dropped=dropped,
        model=model,
        cache=designs,
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
    try:
        bread = np.linalg.inv(fitting.gram(x, w))
    except np.linalg.LinAlgError:
        notes.append(dg.not_converged(model, "The comparison model"))
        return {}
    betas = [bread @ (x.T @ (w * y)) for y in ys]
    us = [w * (y - x @ b) for y, b in zip(ys, betas, strict=True)]
    big_bread = np.zeros((2 * p, 2 * p))
    big_bread[:p, :p] = bread
    big_bread[p:, p:] = bread
    factor = n / (n - 1) * (2 * n - 1) / (2 * n - 2 * p)
    cov = factor * big_bread @ _score_cross(x, us) @ big_bread
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


# --------------------------------------------------------------------------- verdicts

ALPHA = 0.05
Z95 = float(scipy.special.ndtri(0.975))


def _pz(est: float, se: float) -> float:
    return float(2 * scipy.special.ndtr(-abs(est / se))) if se > 0 else math.nan


def _score_cross(x: np.ndarray, us: list[np.ndarray]) -> np.ndarray:
    """S'S for the per-respondent scores S = [x·u₁, x·u₂], from three weighted
    cross-products accumulated over row blocks (S itself is 2n×p floats: 0.5 GB at a
    million respondents)."""
    k = x.shape[1]
    out = np.empty((2 * k, 2 * k))
    out[:k, :k] = fitting.gram(x, us[0] * us[0])
    out[k:, k:] = fitting.gram(x, us[1] * us[1])
    out[:k, k:] = fitting.gram(x, us[0] * us[1])
    out[k:, :k] = out[:k, k:].T
    return out


def holm_adjust(pvalues: dict[str, float]) -> dict[str, float]:
    """Holm-adjusted p-values, for the finite ones: statsmodels' ``multipletests(...,
    method="holm")`` arithmetic, in numpy (that function runs ``gc.collect()`` on every
    call: 0.3 s each, several per analysis)."""
    keys = [k for k, v in pvalues.items() if math.isfinite(v)]
    if not keys:
        return {}
    p = np.array([pvalues[k] for k in keys], dtype=float)
    order = np.argsort(p)
    stepped = np.maximum.accumulate(p[order] * np.arange(len(p), 0, -1))
    adjusted = np.empty_like(p)
    adjusted[order] = np.minimum(stepped, 1.0)
    return {k: float(v) for k, v in zip(keys, adjusted, strict=True)}


def _scale(
    est_i: float, est_c: float, g_i: np.ndarray, g_c: np.ndarray, cov: np.ndarray
) -> ScaleDifference:
    """Both forms' effects and their difference from gradients in the stacked parameters."""
    se_i = math.sqrt(max(float(g_i @ cov @ g_i), 0.0))
    se_c = math.sqrt(max(float(g_c @ cov @ g_c), 0.0))
    g_d = g_c - g_i
    se_d = math.sqrt(max(float(g_d @ cov @ g_d), 0.0))
    diff = est_c - est_i
    return ScaleDifference(
        est_i,
        se_i,
        _pz(est_i, se_i),
        est_c,
        se_c,
        _pz(est_c, se_c),
        diff,
        se_d,
        _pz(diff, se_d),
        diff - Z95 * se_d,
        diff + Z95 * se_d,
    )


def verdict(points: ScaleDifference, odds: ScaleDifference, alpha: float = ALPHA) -> str:
    """``individual`` | ``collective`` | ``similar`` | ``opposite`` (DESIGN §4, revised).

    Opposite: each form's own effect is clear (points scale) and the signs differ. A form
    is named only when the difference is clear on the points scale and on the odds scale
    and the same form has the larger effect (in the effects' common direction) on both:
    near a floor or a ceiling one scale can show a difference the other does not, and on
    equal latent effects the two scales can even disagree in direction.
    """

    def p(value: float | None, raw: float) -> float:
        v = raw if value is None else value
        return v if math.isfinite(v) else 1.0

    own_i = p(points.individual_p_holm, points.individual_p) < alpha
    own_c = p(points.collective_p_holm, points.collective_p) < alpha
    if own_i and own_c and points.individual * points.collective < 0:
        return "opposite"

    def stronger(s: ScaleDifference) -> str | None:
        if p(s.p_holm, s.p_value) >= alpha:
            return None
        direction = math.copysign(1.0, s.individual + s.collective)
        return "collective" if s.difference * direction > 0 else "individual"

    a, b = stronger(points), stronger(odds)
    return a if a is not None and a == b else "similar"


def compare_participation(
    data: pd.DataFrame,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
    diagnostics: list[Diagnostic] | None = None,
    designs: DesignCache | None = None,
) -> dict[str, tuple[ScaleDifference, ScaleDifference, str]]:
    """Each term's link with taking part in each form, compared in one stacked logit.

    Two rows per respondent (``any_individual`` and ``any_collective``), every regressor
    and council effect interacted with the form, errors clustered by respondent (HC0 with
    the G/(G−1) factor, as R's ``sandwich::vcovCL``). Fully interacted, its estimates are
    the two forms' logits on the same respondents, so it is fitted as those two logits
    (Newton's method) with the cross-form covariance from the per-respondent scores;
    with ``designs`` (an analysis's :class:`.design.DesignCache`) the participation
    models' fits are reused when they had the same respondents.
    Returns term -> (points, odds, verdict): ``points`` in percentage points (drivers from
    the lowest to the highest answer, age per year, categories against the reference),
    ``odds`` in log-odds. Background terms get Holm-corrected p-values. ``{}`` when the
    model cannot be fitted (notes go to ``diagnostics``).
    """
    drivers, controls = _unique(drivers, controls)
    model = "comparison:participation"
    notes = diagnostics if diagnostics is not None else []
    variables = [*drivers, *controls]
    outcomes = {f"any_{f}": f"answered none of the {f} co-production questions" for f in FORMS}
    rows, dropped = _select_rows(data, outcomes, variables, weighted, designs)
    for f in FORMS:
        rows, sep = _drop_separated(
            rows, f"any_{f}", variables, f"does at least one {f} activity regularly", model, dropped
        )
        notes.extend(sep)
    design = design_for(
        rows,
        drivers=drivers,
        controls=controls,
        weighted=weighted,
        dropped=dropped,
        model=model,
        cache=designs,
    )
    for d in design.notes:
        d.model = model
    n, k = design.x.shape
    notes.extend(dg.respondents_used(n, len(data), dropped, model))
    notes.extend(design.notes)
    refused = _refusal(design, model)
    ys = [rows[f"any_{f}"].to_numpy(dtype=float) for f in FORMS]
    if refused or n < 2 or any(y.min() == y.max() for y in ys):
        notes.extend(refused)
        return {}
    x = design.x
    w = np.ones(n) if design.weights is None else design.weights
    # the participation models' own fits when they used these respondents and this
    # design (same x, y and weights: the same iterations give the same estimates)
    cached = designs.fits if designs is not None else {}
    fits = []
    reused = []
    for f, y in zip(FORMS, ys, strict=True):
        pf = cached.get(f)
        if pf is not None and pf.design.x is x and np.array_equal(pf.y, y):
            fits.append(pf.fit)
            reused.append(pf.changes)
        else:
            fits.append(fitting.logit(x, y, w))
            reused.append(None)
    if any(not f.converged or f.separated or f.bread is None for f in fits):
        notes.append(dg.not_converged(model, "The comparison of taking part"))
        return {}
    params = [f.params for f in fits]
    breads = [f.bread for f in fits]
    us = [w * (y - fitting.logistic(x @ b)) for y, b in zip(ys, params, strict=True)]
    bread = np.zeros((2 * k, 2 * k))
    bread[:k, :k], bread[k:, k:] = breads
    cov = n / (n - 1) * bread @ _score_cross(x, us) @ bread
    ranged = [t for t in design.continuous if t in DRIVERS]
    derivative = [t for t in design.continuous if t not in DRIVERS]
    changes = []
    for b, done in zip(params, reused, strict=True):
        slopes, switched = done or average_changes(
            x, design.names, b, w, ranged=ranged, derivative=derivative, blocks=design.blocks
        )
        changes.append({**switched, **{t: slopes[t] for t in derivative}})
    zeros = np.zeros(k)
    out: dict[str, tuple[ScaleDifference, ScaleDifference, str]] = {}
    for j, name in enumerate(design.names):
        if name == "const" or name.startswith("authority="):
            continue
        e_i = np.zeros(2 * k)
        e_i[j] = 1.0
        e_c = np.zeros(2 * k)
        e_c[k + j] = 1.0
        odds = _scale(float(params[0][j]), float(params[1][j]), e_i, e_c, cov)
        (a_i, g_i), (a_c, g_c) = changes[0][name], changes[1][name]
        points = _scale(
            100 * a_i,
            100 * a_c,
            100 * np.concatenate([g_i, zeros]),
            100 * np.concatenate([zeros, g_c]),
            cov,
        )
        out[name] = (points, odds, "")
    background = [t for t in out if t.partition("=")[0] not in DRIVERS]
    for idx in (0, 1):
        for field_p, field_h in (
            ("individual_p", "individual_p_holm"),
            ("collective_p", "collective_p_holm"),
            ("p_value", "p_holm"),
        ):
            adj = holm_adjust({t: getattr(out[t][idx], field_p) for t in background})
            for t in background:
                setattr(out[t][idx], field_h, adj.get(t, 1.0))
    return {t: (pt, od, verdict(pt, od)) for t, (pt, od, _) in out.items()}


def with_verdicts(
    index: dict[str, Comparison],
    stacked: dict[str, tuple[ScaleDifference, ScaleDifference, str]],
) -> dict[str, Comparison]:
    """The index comparison (technical view) with each term's verdict and both scales."""
    nan = math.nan
    out = dict(index)
    for term, (points, odds, word) in stacked.items():
        c = out.get(term) or Comparison(term, nan, nan, nan, nan, nan, nan, nan)
        c.verdict, c.points, c.odds = word, points, odds
        out[term] = c
    return out
