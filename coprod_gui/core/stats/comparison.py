"""The comparison: does a driver's effect differ between individual and collective?"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.special

from ..results import Comparison, Diagnostic
from . import diagnostics as dg
from .design import _build, _index_outcome_words, _refusal, _select_rows, _unique


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
