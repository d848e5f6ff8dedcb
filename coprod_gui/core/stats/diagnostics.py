"""Plain-English checks on the models (DESIGN.md §4, reliability.md §6).

statsmodels solves many broken problems quietly: it splits a coefficient between two
aliased columns, reports ``converged=True`` for a GLM whose coefficient is running off
to infinity, and gives infinite standard errors when there are more unknowns than
respondents. Each function here looks for one such problem on the numbers we give the
fit (or get back) and returns :class:`~coprod_gui.core.results.Diagnostic` objects a
council officer can read. Nothing here raises: the caller decides to refuse a fit.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import scipy.linalg

from ..results import Diagnostic
from ..survey.constructs import label

VIF_LIMIT = 10.0
"""Above this a variance inflation factor is warned about (the usual rule of thumb)."""

SEPARATION_COEF = 10.0
"""A logit coefficient this large (odds ratio over 22,000) only happens under separation."""

SEPARATION_SE = 100.0
"""A logit standard error this large means the likelihood is flat: separation."""

MIN_COUNCILS_RANDOM = 5
"""Fewer councils than this cannot estimate a between-council variance (DESIGN §4)."""


def term_words(term: str) -> str:
    """A model term in words: 'gender=Female' -> 'Gender: Female', 'authority=X' -> 'Council: X'."""
    if term == "const":
        return "the constant (overall level)"
    return label(term)


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _people(n: int) -> str:
    return f"{n:,} respondent" + ("" if n == 1 else "s")


def respondents_used(
    n: int, n_in_data: int, dropped: dict[str, int], model: str | None
) -> list[Diagnostic]:
    """Always say how many respondents the model used and why the others were left out.

    The formula interface silently drops rows with missing answers (reliability.md §6),
    so the count is shown even when nothing was dropped.
    """
    if n == n_in_data:
        return [Diagnostic("info", f"All {_people(n)} in the data were used.", model)]
    reasons = [f"{count:,} {reason}" for reason, count in dropped.items() if count]
    msg = f"{n:,} of {_people(n_in_data)} were used"
    if reasons:
        msg += "; left out: " + "; ".join(reasons) + "."
    else:
        msg += "."
    severity = "warning" if n < 0.5 * n_in_data else "info"
    return [Diagnostic(severity, msg, model)]


def no_variation(names: Sequence[str], model: str | None) -> list[Diagnostic]:
    """A driver or control that is the same for everyone cannot explain anything."""
    return [
        Diagnostic(
            "warning",
            f"{term_words(name)} was left out of the model because every respondent "
            "used gave the same answer, so it cannot explain differences.",
            model,
            name,
        )
        for name in names
    ]


def too_few_respondents(n: int, n_params: int, model: str | None) -> Diagnostic | None:
    """n ≤ p gives zero residual degrees of freedom and infinite standard errors."""
    if n > n_params:
        return None
    if n == 0:
        return Diagnostic(
            "error",
            "No respondent answered every question this model needs, so it was not "
            "fitted. The data checks show which questions have the most missing answers.",
            model,
        )
    return Diagnostic(
        "error",
        f"Too few respondents ({n:,}) to estimate {n_params} "
        f"{'thing' if n_params == 1 else 'things'}; the model was not "
        "fitted. Use fewer drivers and controls or more respondents.",
        model,
    )


def aliased_groups(
    x: np.ndarray, names: Sequence[str], *, tol: float = 1e-6, xtx: np.ndarray | None = None
) -> list[list[str]]:
    """Groups of columns that are exact (or numerically exact) linear combinations.

    Works on the p×p cross-product of the columns scaled to unit length (milliseconds at
    50,000 rows, where a QR of the data takes a tenth of a second): a pivoted QR of its
    square root has the same R factor as a pivoted QR of the data. A diagonal below
    ``tol`` (the column explains all but a 10⁻¹² share of the other's variation) means
    aliased. Each left-over column is regressed on the kept ones and the kept columns it
    needs form its group. (statsmodels would fit with a pseudo-inverse and split the
    effect between the columns, reliability.md §6.)
    """
    p = x.shape[1]
    if p == 0:
        return []
    gram = x.T @ x if xtx is None else xtx  # ``xtx``: X'X already computed for this x
    norms = np.sqrt(np.diag(gram))
    zero = norms == 0
    safe = np.where(zero, 1.0, norms)
    gram = gram / np.outer(safe, safe)
    vals, vecs = np.linalg.eigh(gram)
    root = (vecs * np.sqrt(np.clip(vals, 0.0, None))) @ vecs.T
    _, r, piv = scipy.linalg.qr(root, pivoting=True)
    diag = np.abs(np.diag(r))
    rank = int(np.sum(diag > tol * max(diag[0], 1e-300)))
    if rank == p:
        return []
    kept = piv[:rank]
    groups: list[list[str]] = []
    for j in piv[rank:]:
        if zero[j]:
            groups.append([names[j]])
            continue
        coef, *_ = np.linalg.lstsq(root[:, kept], root[:, j], rcond=None)
        partners = [names[k] for k, c in zip(kept, coef, strict=True) if abs(c) > 1e-4]
        groups.append([*sorted(partners, key=list(names).index), names[j]])
    return groups


def aliasing(groups: list[list[str]], model: str | None) -> list[Diagnostic]:
    """Name the variables that carry the same information, in plain words."""
    out = []
    for group in groups:
        shown = [term_words(t) for t in group if t != "const"]
        if len(shown) == 1:
            state = "is the same for everyone used" if "const" in group else "has no usable answers"
            text = (
                f"{shown[0]} {state}, so the model cannot estimate its effect and was not "
                "fitted. Remove it from the analysis."
            )
        else:
            others = "others" if len(shown) > 2 else "other"
            text = (
                f"{_join(shown)} carry the same information (one can be worked out exactly "
                f"from the {others}), so the model cannot tell their effects apart and was not "
                "fitted. Remove one of them from the analysis."
            )
        out.append(Diagnostic("error", text, model, group[-1]))
    return out


def vif_values(
    x: np.ndarray, names: Sequence[str], of: Sequence[str], *, xtx: np.ndarray | None = None
) -> dict[str, float]:
    """Variance inflation factors of the columns ``of``, given all columns of ``x``.

    Equal to statsmodels' ``variance_inflation_factor`` (1/(1−R²) of each column on the
    others, with the constant) but from one inverse of the correlation matrix of the
    non-constant columns, not one regression per column: at 50,000 rows that is the
    difference between milliseconds and half a second.
    """
    from .fitting import gram  # one blockwise pass: no demeaned copy of the design

    n = len(x)
    if n < 2:
        return {}
    mean = x.sum(axis=0) / n
    cov = (gram(x) if xtx is None else xtx) / n - np.outer(mean, mean)
    var = np.diag(cov).copy()
    scale = np.maximum(np.abs(mean), 1.0) ** 2
    cols = [i for i, v in enumerate(var) if v > 1e-12 * scale[i]]
    if len(cols) < 2:
        return {}
    sd = np.sqrt(var[cols])
    corr = cov[np.ix_(cols, cols)] / np.outer(sd, sd)
    try:
        inv = np.linalg.inv(corr)
    except np.linalg.LinAlgError:
        return {}
    diag = np.diag(inv)
    pos = {names[c]: k for k, c in enumerate(cols)}
    return {name: float(diag[pos[name]]) for name in of if name in pos}


def collinearity(vifs: dict[str, float], model: str | None) -> list[Diagnostic]:
    """Warn when a driver's VIF is above 10: its effect is hard to separate from others."""
    return [
        Diagnostic(
            "warning",
            f"{term_words(name)} overlaps strongly with other things in the model "
            f"(variance inflation {vif:.0f}, above {VIF_LIMIT:.0f}), so its separate effect "
            "is estimated imprecisely; read it together with the related measures.",
            model,
            name,
        )
        for name, vif in vifs.items()
        if vif > VIF_LIMIT
    ]


def constant_outcome_levels(y: np.ndarray, columns: dict[str, np.ndarray]) -> dict[str, float]:
    """Category levels (by term name) whose respondents all have the same 0/1 outcome.

    ``columns`` maps a term like ``"authority=Ward B"`` to a boolean membership mask. A
    logit cannot estimate such a level's effect (quasi-separation); the GLM reports
    ``converged=True`` anyway (reliability.md §6). Returns term -> the constant value.
    """
    out: dict[str, float] = {}
    for term, mask in columns.items():
        if not mask.any():
            continue
        vals = y[mask]
        if vals.min() == vals.max():
            out[term] = float(vals[0])
    return out


def separated_level(term: str, value: float, n: int, outcome: str, model: str | None) -> Diagnostic:
    """'Everyone in Ward B does at least one collective activity, so ...'."""
    if term.startswith("authority="):
        group = f"in {term.partition('=')[2]}"
    else:
        group = f"answering '{term.partition('=')[2]}' to {label(term.partition('=')[0])}"
    does = f"{'everyone' if value == 1 else 'no one'} {group} {outcome}"
    return Diagnostic(
        "warning",
        f"{does[0].upper()}{does[1:]}, so a model cannot estimate a chance for that group "
        f"(perfect prediction). Those {_people(n)} were left out of this model.",
        model,
        term,
        count=n,
    )


def suspicious_terms(names: Sequence[str], params: np.ndarray, bse: np.ndarray) -> list[str]:
    """Logit terms whose coefficient or standard error only separation could produce."""
    return [
        name
        for name, b, se in zip(names, params, bse, strict=True)
        if name != "const"
        and (
            not np.isfinite(b)
            or not np.isfinite(se)
            or abs(b) > SEPARATION_COEF
            or se > SEPARATION_SE
        )
    ]


def separating_variables(
    y: np.ndarray, x: np.ndarray, names: Sequence[str], candidates: Sequence[str]
) -> list[str]:
    """Continuous variables that alone split the 0s from the 1s (complete separation).

    Under separation every coefficient drifts, so the fitted numbers cannot say which
    variable is to blame; the data can: all 1s lie above (or below) all 0s.
    """
    out = []
    ones, zeros = y == 1, y == 0
    if not ones.any() or not zeros.any():
        return out
    for name in candidates:
        col = x[:, list(names).index(name)]
        if col[zeros].max() <= col[ones].min() or col[ones].max() <= col[zeros].min():
            out.append(name)
    return out


def separation(terms: Sequence[str], outcome: str, model: str | None) -> list[Diagnostic]:
    """Separation found after fitting: these terms get no p-values."""
    if not terms:
        return []
    return [
        Diagnostic(
            "error",
            f"{_join([term_words(t) for t in terms])} almost perfectly predict{'s' if len(terms) == 1 else ''} "
            f"whether a respondent {outcome}, so the model cannot give a reliable estimate or "
            f"p-value for {'it' if len(terms) == 1 else 'them'}; these results are not shown.",
            model,
            terms[0],
        )
    ]


def not_converged(model: str | None, what: str = "The model") -> Diagnostic:
    """The optimiser stopped before settling: the numbers are not to be trusted."""
    return Diagnostic(
        "error",
        f"{what} did not settle on an answer (the calculation did not converge), so its "
        "results are not shown. This usually means too few respondents in some group.",
        model,
    )


def few_councils(n_councils: int, model: str | None) -> Diagnostic:
    """A random intercept needs several councils to estimate their spread."""
    return Diagnostic(
        "info",
        f"The check with a random council effect needs at least {MIN_COUNCILS_RANDOM} councils; "
        f"the data have {n_councils}, so it was not run.",
        model,
    )


_WARNING_WORDS: dict[str, str] = {
    "PerfectSeparationWarning": "Some answers perfectly predict the outcome (separation).",
    "ConvergenceWarning": "The calculation did not fully settle (a convergence warning).",
    "HessianInversionWarning": "The uncertainty of the estimates could not be calculated reliably.",
    "SingularMatrixWarning": "Some measures carry the same information (a singular matrix).",
    "IterationLimitWarning": "The calculation hit its step limit before settling.",
    "CollinearityWarning": "Some measures overlap strongly.",
}


def from_warnings(
    records: Sequence[warnings.WarningMessage], model: str | None
) -> list[Diagnostic]:
    """Translate captured statsmodels/numpy warnings into plain notes (one per kind).

    The warning text itself is not copied: only its kind, so no number from the data
    reaches a message or a log.
    """
    seen: dict[str, Diagnostic] = {}
    for rec in records:
        kind = rec.category.__name__
        if kind in seen:
            continue
        text = _WARNING_WORDS.get(kind)
        if text is None:
            if issubclass(rec.category, RuntimeWarning):
                text = "The calculation met very large or very small numbers on the way."
            else:
                text = f"The statistics library raised a technical warning ({kind})."
        seen[kind] = Diagnostic("warning", text, model)
    return list(seen.values())
