"""The index model: least squares of a 0–100 co-production index (DESIGN.md §4)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..results import Diagnostic, ModelResult
from . import diagnostics as dg
from . import fitting
from .design import (
    CLUSTER_MIN_COUNCILS,
    DesignCache,
    _check_form,
    _checks,
    _cov_words,
    _Design,
    _finish,
    _fit_captured,
    _index_outcome_words,
    _refusal,
    _terms_from,
    _unique,
    _wsd,
    design_for,
)
from .fitting import Fit
from .rows import _select_rows


def _ols_fit(
    design: _Design, y: np.ndarray, groups: np.ndarray | None = None
) -> tuple[Fit, str, list[warnings.WarningMessage], list[Diagnostic]]:
    """WLS/OLS with HC3 errors, or clustered errors when ``groups`` is given.

    HC3 (not HC1) because it behaves best in small samples; HC3 divides by 1 − leverage,
    so when one respondent alone fixes a coefficient (the only person from a council)
    it is undefined and HC1 is used instead, with a note. The leverages come from the
    same factorisation as the fit (:func:`.fitting.ols`), not from a second pass.
    """
    notes: list[Diagnostic] = []
    x, w = design.x, design.weights
    if groups is not None:
        res, recs = _fit_captured(lambda: fitting.ols(x, y, w, groups=groups))
        return res, "cluster", recs, notes
    cov = "HC3"
    res, recs = _fit_captured(lambda: fitting.ols(x, y, w, cov="HC3"))
    if res.leverage_max > 1 - 1e-8:
        cov = "HC1"
        notes.append(
            Diagnostic(
                "info",
                "One respondent alone decides part of the model (for example the only "
                "respondent from a council), so a simpler robust error (HC1) was used.",
            )
        )
        res, recs = _fit_captured(lambda: fitting.ols(x, y, w, cov="HC1"))
    return res, cov, recs, notes


def _ols_method(design: _Design, cov: str, weighted: bool) -> str:
    fe = (
        "with council fixed effects"
        if "authority" in design.blocks
        else "(one council, so no council effects)"
    )
    text = f"Least squares {fe} and {_cov_words(cov)}"
    return text + ("; weighted" if weighted else "")


# --------------------------------------------------------------------------- index model


def fit_index_model(
    data: pd.DataFrame,
    form: str,
    *,
    drivers: list[str],
    controls: list[str],
    weighted: bool,
    designs: DesignCache | None = None,
) -> ModelResult:
    """Least squares of ``index_<form>`` (0–100) on drivers and controls, council fixed effects.

    Errors are HC3-robust: with few councils clustering by council is unreliable, so
    fixed effects plus HC3 is the default; clustered by council with 20 or more councils
    (DESIGN §4). Weighted least squares when ``weighted``. ``designs``: an analysis's
    :class:`.design.DesignCache` (the design is shared when the sample is the same). ``std_estimate`` of a
    continuous term is b·sd(x)/sd(y) (weighted sds when weighted) so drivers can be ranked.
    """
    _check_form(form)
    drivers, controls = _unique(drivers, controls)
    model = form
    outcome = f"index_{form}"
    rows, dropped = _select_rows(
        data, {outcome: _index_outcome_words(form)}, [*drivers, *controls], weighted, designs
    )
    design = design_for(
        rows,
        drivers=drivers,
        controls=controls,
        weighted=weighted,
        dropped=dropped,
        model=model,
        cache=designs,
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
