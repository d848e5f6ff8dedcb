"""The analysis of DESIGN.md §4: a prepared survey in, every number of the brief out.

``analyse`` is a pure function of the :class:`SurveyFrame` and the options: levels (how
common each form is, overall and by council, age band and gender), the 0–100 indices with
Cronbach's alpha (per service area too), the index and participation models of each form,
the test of whether drivers differ between the forms, the predicted participation curve
across the efficacy scale and, only when asked for (they are slow), the robustness checks.

It reports progress and stops cleanly between models when cancelled, so the same code runs
on the command line and in the window's worker thread.

``AnalysisResult.diagnostics`` holds notes that belong to no single model (the comparison
model, weighting); each :class:`ModelResult` carries its own diagnostics.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.special

from ..errors import InputError
from ..progress import (
    CancelFn,
    ProgressFn,
    check_cancelled,
    never_cancelled,
    no_progress,
    slice_progress,
)
from ..results import AnalysisResult, Diagnostic, IndexSummary, Level, ModelResult
from ..survey.constructs import DRIVERS, FORMS, label
from ..types import SurveyFrame
from . import design as dm
from . import linear, logit
from .comparison import compare_forms, compare_participation, with_verdicts
from .indices import indices_by_area, summarise_index
from .levels import any_regular, item_levels, levels_by_group, regular_flags, weighted_share
from .robustness import fit_robustness

log = logging.getLogger(__name__)

GROUPINGS: tuple[str, ...] = ("authority", "age_band", "gender")
"""Columns the levels are broken down by, when the survey has them."""


@dataclass
class AnalysisOptions:
    """Choices an officer (or the command line) can make; the defaults follow DESIGN §4.

    ``threshold``: the answer that counts as doing an activity regularly (e.g. "often");
    ``None`` uses the mapping's threshold. ``weighted``: use the survey weight when one is
    mapped. ``robustness``: also fit the slow checks (ordered logit per item, random
    council effect). ``drivers``/``controls``: restrict the models to these (``None``: all
    that were mapped). ``curve_points``: points on the predicted-participation curve.
    """

    threshold: str | None = None
    weighted: bool = True
    robustness: bool = False
    drivers: list[str] | None = None
    controls: list[str] | None = None
    curve_points: int = 21


def analyse(
    survey: SurveyFrame,
    options: AnalysisOptions | None = None,
    *,
    progress: ProgressFn = no_progress,
    is_cancelled: CancelFn = never_cancelled,
) -> AnalysisResult:
    """Run the whole analysis of a prepared survey (see the module docstring)."""
    options = options or AnalysisOptions()
    check_cancelled(is_cancelled)
    progress(0.0, "Starting the analysis")
    data = survey.data
    if len(data) == 0:
        raise InputError(
            "The survey has no respondents to analyse.",
            hint="Check that the right file and sheet were chosen.",
        )
    forms = [f for f in FORMS if survey.items_of(f)]
    if not forms:
        raise InputError(
            "No co-production questions are mapped, so there is nothing to analyse.",
            hint="On the import page, choose the questions that measure individual or "
            "collective co-production.",
        )
    weighted = bool(options.weighted and survey.weighted and "weight" in data.columns)
    weights = data["weight"] if weighted else None
    warnings: list[str] = []
    notes: list[Diagnostic] = []
    drivers = _chosen(survey.drivers, options.drivers, data, "driver", warnings)
    controls = _chosen(survey.controls, options.controls, data, "control", warnings)
    threshold = options.threshold or survey.mapping.threshold

    # ---- levels and indices
    levels: dict[str, Level] = {}
    items_out = []
    levels_by: dict[str, dict[str, dict[str, Level]]] = {
        g: {} for g in GROUPINGS if g in data.columns
    }
    indices: dict[str, IndexSummary] = {}
    by_area: dict[str, dict[str, IndexSummary]] = {}
    derived: dict[str, pd.Series] = {}
    for k, form in enumerate(forms):
        check_cancelled(is_cancelled)
        progress(0.1 * k / len(forms), f"Levels of {form} co-production")
        items = survey.items_of(form)
        flags = regular_flags(data, items, options.threshold)
        any_flag = any_regular(flags)
        levels[form] = weighted_share(any_flag, weights)
        items_out.extend(item_levels(flags, items, weights))
        for grouping in levels_by:
            levels_by[grouping][form] = levels_by_group(any_flag, data[grouping], weights)
        index, indices[form] = summarise_index(data, items, weights)
        areas = indices_by_area(data, items, weights)
        if areas:
            by_area[form] = areas
        derived[f"index_{form}"] = index
        derived[f"any_{form}"] = any_flag
    for form in FORMS:
        if form not in forms:
            warnings.append(
                f"No {form} co-production questions were mapped, so {form} co-production "
                "was not analysed."
            )

    frame = _model_frame(data, derived, drivers, controls, weighted)
    fit_kw = {"drivers": drivers, "controls": controls, "weighted": weighted}

    # ---- models
    steps = [*(("index", f) for f in forms), *(("participation", f) for f in forms)]
    if len(forms) == 2:
        steps.append(("comparison", ""))
    steps.append(("curve", ""))
    end = 0.75 if options.robustness else 1.0
    span = (end - 0.1) / len(steps)
    result_models: dict[str, ModelResult] = {}
    participation: dict[str, ModelResult] = {}
    comparison = {}
    predicted: dict[str, list[dict[str, float]]] = {}
    for i, (step, form) in enumerate(steps):
        check_cancelled(is_cancelled)
        at = 0.1 + i * span
        if step == "index":
            progress(at, f"Model of {form} co-production")
            result_models[form] = linear.fit_index_model(frame, form, **fit_kw)
        elif step == "participation":
            progress(at, f"Model of taking part in {form} co-production")
            participation[form] = logit.fit_participation_model(frame, form, **fit_kw)
        elif step == "comparison":
            progress(at, "Comparing the two forms")
            comparison = with_verdicts(
                compare_forms(frame, diagnostics=notes, **fit_kw),
                compare_participation(frame, diagnostics=notes, **fit_kw),
            )
        else:
            progress(at, "Predicted participation across the efficacy scale")
            for f in forms:
                if participation[f].ok and "efficacy" in participation[f].terms:
                    curve = predicted_participation(frame, f, points=options.curve_points, **fit_kw)
                    if curve:
                        predicted[f] = curve

    robustness: dict[str, ModelResult] = {}
    if options.robustness:
        check_cancelled(is_cancelled)
        items = {f: data[[i.column for i in survey.items_of(f)]] for f in forms}
        robustness = fit_robustness(
            frame,
            items,
            progress=slice_progress(progress, end, 1.0),
            is_cancelled=is_cancelled,
            **fit_kw,
        )

    for kind, fitted in (("", result_models), ("taking part in ", participation)):
        for form, m in fitted.items():
            if not m.ok:
                why = next((d.message for d in m.diagnostics if d.severity == "error"), "")
                warnings.append(
                    f"The model of {kind}{form} co-production could not be fitted"
                    + (f": {why}" if why else ".")
                )
    if weighted:
        notes.append(
            Diagnostic(
                "info",
                "Levels, indices and models use the survey weight; bases are shown unweighted "
                "with the effective base beside them.",
            )
        )
    elif survey.weighted and not options.weighted:
        notes.append(Diagnostic("info", "The survey weight was not used, as chosen."))

    check_cancelled(is_cancelled)
    progress(1.0, "Analysis done")
    authority = data["authority"]
    counts = authority.value_counts(sort=False)
    return AnalysisResult(
        n_respondents=len(data),
        authorities={str(k): int(v) for k, v in counts.items() if v > 0},
        weighted=weighted,
        threshold=threshold,
        levels=levels,
        item_levels=items_out,
        levels_by=levels_by,
        indices=indices,
        indices_by_area=by_area,
        models=result_models,
        participation=participation,
        comparison=comparison,
        robustness=robustness,
        drivers=drivers,
        drivers_not_mapped=[d for d in DRIVERS if d not in drivers],
        controls=controls,
        warnings=_with_driver_warning(warnings, drivers),
        diagnostics=notes,
        quality=survey.quality,
        mapping=survey.mapping,
        sources=list(survey.sources),
        predicted=predicted,
    )


def _chosen(
    available: list[str],
    wanted: list[str] | None,
    data: pd.DataFrame,
    kind: str,
    warnings: list[str],
) -> list[str]:
    """The drivers (or controls) to model: those asked for that the survey has."""
    present = [v for v in available if v in data.columns]
    if wanted is None:
        return present
    missing = [v for v in wanted if v not in present]
    if missing:
        warnings.append(
            f"The {kind}{'s' if len(missing) > 1 else ''} "
            f"{', '.join(label(v) for v in missing)} "
            f"{'are' if len(missing) > 1 else 'is'} not in the prepared survey, so "
            f"{'they were' if len(missing) > 1 else 'it was'} left out."
        )
    return [v for v in wanted if v in present]


def _with_driver_warning(warnings: list[str], drivers: list[str]) -> list[str]:
    if not drivers:
        warnings.append(
            "No possible drivers (such as feeling able to make a difference, or satisfaction "
            "with consultation) were mapped, so the models only compare councils and groups."
        )
    elif "efficacy" not in drivers:
        warnings.append(
            "Feeling able to make a difference was not mapped, so its link with "
            "co-production could not be examined."
        )
    return warnings


def _model_frame(
    data: pd.DataFrame,
    derived: dict[str, pd.Series],
    drivers: list[str],
    controls: list[str],
    weighted: bool,
) -> pd.DataFrame:
    """Only the columns the models read, plus ``index_<form>`` and ``any_<form>``."""
    cols = ["authority", *(["weight"] if weighted else []), *dict.fromkeys([*drivers, *controls])]
    frame = data.loc[:, cols].copy()
    for name, values in derived.items():
        frame[name] = values.to_numpy()
    return frame


# --------------------------------------------------------------------------- curve


def predicted_participation(
    data: pd.DataFrame,
    form: str,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
    points: int = 21,
) -> list[dict[str, float]]:
    """Average predicted chance (0–100) of doing ``form`` regularly across efficacy 0–1.

    The same logit as :func:`logit.fit_participation_model` (same respondents, same
    design, same kind of errors: model-based unweighted, sandwich (HC0) weighted,
    clustered by council with 20+ councils), solved here by Newton's method in numpy
    because only its coefficients and their covariance are needed (a second statsmodels
    fit would double the participation models' time). At each point everyone's efficacy
    is set to ``x``, other answers as observed, and the predicted chances are averaged
    (weighted when ``weighted``). Interval: delta method, ±1.96 se, kept in 0–100.
    ``[]`` when efficacy is not in the model or the logit does not settle.
    """
    drivers, controls = dm._unique(drivers, controls)
    if "efficacy" not in drivers:
        return []
    model = f"participation:{form}"
    outcome = f"any_{form}"
    variables = [*drivers, *controls]
    rows, dropped = dm._select_rows(data, {outcome: "no answer"}, variables, weighted)
    rows, _ = logit._drop_separated(rows, outcome, variables, "takes part", model, dropped)
    design = dm._build(
        rows, drivers=drivers, controls=controls, weighted=weighted, dropped=dropped, model=model
    )
    if "efficacy" not in design.names or dm._refusal(design, model):
        return []
    y = rows[outcome].to_numpy(dtype=float)
    if len(y) == 0 or y.min() == y.max():
        return []
    x = design.x
    w = np.ones(len(y)) if design.weights is None else design.weights
    fitted = logit_newton(x, y, w)
    if fitted is None:
        return []
    params, bread = fitted
    p = scipy.special.expit(x @ params)
    cluster = design.n_councils >= dm.CLUSTER_MIN_COUNCILS
    if cluster or design.weights is not None:
        scores = x * (w * (y - p))[:, None]
        if cluster:
            n, k = x.shape
            groups = design.n_councils
            summed = np.zeros((int(design.councils.max()) + 1, k))
            np.add.at(summed, design.councils, scores)
            meat = summed.T @ summed * groups / (groups - 1) * (n - 1) / (n - k)
        else:
            meat = scores.T @ scores
        cov = bread @ meat @ bread
    else:
        cov = bread
    total = float(w.sum())
    j = design.names.index("efficacy")
    xv = x.copy()
    eta_rest = x @ params - x[:, j] * params[j]
    z = float(scipy.special.ndtri(0.975))
    out: list[dict[str, float]] = []
    for value in np.linspace(0.0, 1.0, max(points, 2)):
        xv[:, j] = value
        pv = scipy.special.expit(eta_rest + value * params[j])
        mean = float(w @ pv / total)
        grad = ((w * pv * (1 - pv)) @ xv) / total
        se = math.sqrt(max(float(grad @ cov @ grad), 0.0))
        out.append(
            {
                "x": float(value),
                "percent": 100 * mean,
                "ci_low": 100 * max(mean - z * se, 0.0),
                "ci_high": 100 * min(mean + z * se, 1.0),
            }
        )
    return out


def logit_newton(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, *, tol: float = 1e-10, max_iter: int = 100
) -> tuple[np.ndarray, np.ndarray] | None:
    """Weighted logit maximum likelihood by Newton's method with step halving.

    Returns the coefficients and the inverse of the weighted information X'diag(w·p·(1−p))X
    (the model-based covariance when ``w`` is all ones), or ``None`` if it does not settle.
    """
    beta = np.zeros(x.shape[1])
    p = scipy.special.expit(x @ beta)

    def loglik(eta: np.ndarray) -> float:
        return float(w @ (y * eta - np.logaddexp(0.0, eta)))

    current = loglik(x @ beta)
    for _ in range(max_iter):
        grad = x.T @ (w * (y - p))
        info = (x * (w * p * (1 - p))[:, None]).T @ x
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            return None
        if np.max(np.abs(step)) < tol:  # converged: the last step is below rounding
            beta = beta + step
            p = scipy.special.expit(x @ beta)
            info = (x * (w * p * (1 - p))[:, None]).T @ x
            try:
                return beta, np.linalg.inv(info)
            except np.linalg.LinAlgError:
                return None
        scale = 1.0
        while True:
            trial = beta + scale * step
            value = loglik(x @ trial)
            if value >= current - 1e-9 * abs(current) or scale < 1e-6:
                break
            scale /= 2
        beta, current = trial, value
        p = scipy.special.expit(x @ beta)
    return None
