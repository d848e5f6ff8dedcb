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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..progress import (
    CancelFn,
    ProgressFn,
    check_cancelled,
    heartbeat,
    never_cancelled,
    no_progress,
    slice_progress,
)
from ..results import AnalysisResult, Diagnostic, IndexSummary, Level, ModelResult
from ..survey.constructs import DRIVERS, FORMS, label
from ..types import SurveyFrame
from . import lanes
from .patterns import floats, usable_weights
from .robustness import ROBUSTNESS_MAX_ROWS, fit_robustness, sample_note, stratified_sample
from .steps import ModelSteps, second_lane
from .summaries import FormSummary, group_levels, summarise_form

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
    began = lanes.cpu_times()  # how busy the machine is while the levels are worked out
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
            hint="Choose the questions that measure individual or collective co-production "
            "(in the window's Import tab, or in the mapping file given with --mapping).",
        )
    weighted = bool(options.weighted and survey.weighted and "weight" in data.columns)
    weights = data["weight"] if weighted else None
    warnings: list[str] = []
    notes: list[Diagnostic] = []
    drivers = _chosen(survey.drivers, options.drivers, data, "driver", warnings)
    controls = _chosen(survey.controls, options.controls, data, "control", warnings)
    threshold = options.threshold or survey.mapping.threshold

    # ---- levels and indices: each form's items read once, the breakdowns in one count
    weight = usable_weights(weights)
    summaries: dict[str, FormSummary] = {}
    for k, form in enumerate(forms):
        check_cancelled(is_cancelled)
        progress(0.1 * k / len(forms), f"Levels of {form} co-production")
        summaries[form] = summarise_form(data, survey.items_of(form), weight, options.threshold)
    levels: dict[str, Level] = {f: s.level for f, s in summaries.items()}
    items_out = [item for s in summaries.values() for item in s.items]
    indices: dict[str, IndexSummary] = {f: s.index_summary for f, s in summaries.items()}
    by_area = {f: s.by_area for f, s in summaries.items() if s.by_area}
    derived: dict[str, pd.Series] = {}
    for form, s in summaries.items():
        derived[f"index_{form}"] = s.index
        derived[f"any_{form}"] = s.any_regular
    groupings = [g for g in GROUPINGS if g in data.columns]
    levels_by = group_levels(data, groupings, drivers, summaries, weight)
    del summaries
    for form in FORMS:
        if form not in forms:
            warnings.append(
                f"No {form} co-production questions were mapped, so {form} co-production "
                "was not analysed."
            )

    frame = _model_frame(data, derived, drivers, controls, weighted)
    fit_kw = {"drivers": drivers, "controls": controls, "weighted": weighted}
    ends = {t: e for t in [*drivers, "age"] if (e := term_ends(data, t, weights))}

    # ---- models. On a big survey a second process (.lanes) takes the collective
    # participation model and the index models while this one does the rest (.steps)
    steps = ModelSteps(forms, fit_kw, options.curve_points, ends)
    two = len(forms) == 2
    lane = None
    if lanes.available(len(frame), since=began):
        lane = lanes.Lane(second_lane, frame, forms, fit_kw, options.curve_points, ends)
    plan: list[tuple[str, str]] = []
    if lane is None:  # as before lanes: index models, participation models, comparisons
        plan += [("index", f) for f in forms] + [("participation", f) for f in forms]
    else:
        plan += [("participation", forms[0])] + ([("shipped", forms[1])] if two else [])
    if two:
        plan += [("taking part", ""), ("indices", "")]
    if lane is not None:
        plan.append(("index lane", ""))
    end = 0.75 if options.robustness else 1.0
    span = (end - 0.1) / len(plan)
    try:
        for i, (step, form) in enumerate(plan):
            check_cancelled(is_cancelled)
            at = 0.1 + i * span
            what = {
                "index": f"Model of {form} co-production",
                "participation": f"Model of taking part in {form} co-production",
                "shipped": f"Model of taking part in {form} co-production",
                "taking part": "Comparing the two forms",
                "indices": "Comparing the two forms",
                "index lane": "Models of each form",
            }[step]
            progress(at, what)
            with heartbeat(progress, at, what):  # a fit on a national file takes seconds
                _run_step(steps, lane, frame, step, form)
    finally:
        if lane is not None:
            lane.close()
    steps.designs.close()
    result_models, participation, predicted = steps.index, steps.participation, steps.predicted
    comparison = steps.comparison()
    notes.extend(steps.notes())

    robustness: dict[str, ModelResult] = {}
    if options.robustness:
        check_cancelled(is_cancelled)
        items = {f: data[[i.column for i in survey.items_of(f)]] for f in forms}
        robustness = fit_robustness(
            frame,
            items,
            progress=slice_progress(progress, end, 1.0),
            is_cancelled=is_cancelled,
            max_rows=ROBUSTNESS_MAX_ROWS,
            **fit_kw,
        )
        if len(frame) > ROBUSTNESS_MAX_ROWS:
            used = len(stratified_sample(frame, ROBUSTNESS_MAX_ROWS))
            notes.append(sample_note(used, len(frame)))

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
        ends=ends,
    )


def _run_step(
    steps: ModelSteps, lane: lanes.Lane | None, frame: pd.DataFrame, step: str, form: str
) -> None:
    """One step of the plan; a value the second process fails to send is made here."""
    if step == "index":
        steps.index_model(frame, form)
    elif step == "participation":
        steps.participation_model(frame, form)
    elif step == "shipped":
        ok, shipped = lane.next() if lane is not None else (False, None)
        if ok:
            steps.install(form, shipped)
        else:
            steps.participation_model(frame, form)
    elif step == "taking part":
        steps.compare_taking_part(frame)
    elif step == "indices":
        steps.compare_indices(frame)
    else:  # "index lane": the index models from the second process
        ok, index = lane.next() if lane is not None else (False, None)
        if ok:
            steps.index = index
        else:
            for f in steps.forms:
                steps.index_model(frame, f)


def term_ends(data: pd.DataFrame, term: str, weights: pd.Series | None) -> dict | None:
    """The two ends the brief compares for a driver (its lowest and highest answer, 0 and
    1) or for age (the youngest and oldest of the survey's own bands when age came in
    bands, else 30 against 70 years), with the share of residents at each end.

    Why: the brief states a link as two levels of one contrast ("about 3 in 5 of those who
    feel most able ... against about 1 in 10 of those who feel least able"), and a reader
    needs to know how many residents sit at each end.
    """
    if term not in data.columns:
        return None
    x = floats(data[term])
    w = None if weights is None else weights.to_numpy(dtype=float, na_value=np.nan)
    if w is not None and np.isnan(w).any():
        w = np.where(np.isnan(w), 0.0, w)  # a missing weight adds nothing (as a sum skips it)
    seen = ~np.isnan(x)
    if term != "age":
        # one count per row: 0 at or below 0, 1 up to the middle, 2 above it, 3 at or above
        # 1, 4 not answered
        at = (x > 0).view(np.int8) + (x > 0.5).view(np.int8) + (x >= 1).view(np.int8)
        sums = np.bincount(at + 4 * (~seen).view(np.int8), weights=w, minlength=5)
        total = float(sums[:4].sum())
        if total <= 0:
            return None
        return {
            "low": 0.0, "high": 1.0, "low_label": "", "high_label": "",
            "share_low": 100 * float(sums[0]) / total, "share_high": 100 * float(sums[3]) / total,
            "share_above_middle": 100 * float(sums[2] + sums[3]) / total,
        }  # fmt: skip
    bands = data["age_band"] if "age_band" in data.columns else None
    if bands is None or not isinstance(bands.dtype, pd.CategoricalDtype):
        total = float(seen.sum()) if w is None else float(w[seen].sum())
        return None if total <= 0 else dict(_AGE_30_70)
    names = bands.cat.categories
    size = len(names) + 1
    # one slot per band and answered or not (slot 0 / size: no band), so one count gives
    # the band sums and the total, and one write the age each band holds
    slot = bands.cat.codes.to_numpy().astype(np.intp)
    slot += 1
    slot[~seen] += size
    sums = np.bincount(slot, weights=w, minlength=2 * size)
    total = float(sums[:size].sum())
    if total <= 0:
        return None
    used = np.bincount(slot, minlength=2 * size)
    used = (used[1:size] + used[size + 1 :]) > 0
    held = np.full(2 * size, np.nan)
    held[slot] = x  # the last answered age of each band (unanswered rows: slots >= size)
    value = held[1:size]
    if used.sum() >= 2 and not np.isnan(value[used]).any():
        in_band = (slot > 0) & (slot < size)
        if bool(np.all((held.take(slot) == x) | ~in_band)):  # came in bands: one age each
            order = [k for k in np.argsort(value, kind="stable") if used[k]]
            lo, hi = order[0], order[-1]
            return {
                "low": float(value[lo]), "high": float(value[hi]),
                "low_label": str(names[lo]), "high_label": str(names[hi]),
                "share_low": 100 * float(sums[lo + 1]) / total,
                "share_high": 100 * float(sums[hi + 1]) / total,
            }  # fmt: skip
    return dict(_AGE_30_70)


_AGE_30_70: dict = {"low": 30.0, "high": 70.0, "low_label": "30", "high_label": "70",
                    "share_low": None, "share_high": None}  # fmt: skip
"""Age not in bands (or one band): the brief compares 30 with 70 years (a copy each time:
the analysis adds each form's predicted shares to it)."""


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
    """Only the columns the models read, plus ``index_<form>`` and ``any_<form>``.

    No copy: pandas copies a column on write, so nothing the models do to this frame can
    reach the survey; copying (and adding columns one by one to a copied frame) took
    0.05-0.1 s and held another 100 MB at a million rows.
    """
    cols = ["authority", *(["weight"] if weighted else []), *dict.fromkeys([*drivers, *controls])]
    columns: dict[str, pd.Series] = {c: data[c] for c in cols}
    columns.update(derived)
    return pd.DataFrame(columns, index=data.index, copy=False)
