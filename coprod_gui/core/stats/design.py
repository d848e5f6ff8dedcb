"""The design matrix shared by every co-production model (DESIGN.md §4).

Input (built by :mod:`coprod_gui.core.stats.analysis`): one row per respondent with
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
or marked before anyone reads a misleading p-value (reliability.md §6). The model
families live beside this module: :mod:`.linear` (index model), :mod:`.logit`
(participation), :mod:`.comparison` (individual vs collective), :mod:`.robustness`.
"""

from __future__ import annotations

import contextlib
import math
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..results import Diagnostic, ModelResult, Term
from ..survey.constructs import FORMS
from . import diagnostics as dg
from .fitting import gram

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

FILL_BLOCK = 4096
"""Rows of the design filled at a time (a block of 4,096 rows × 40 columns stays in cache)."""


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
    flat: list[str] = field(default_factory=list)  # variables left out: no variation
    shared: dict[str, np.ndarray] = field(default_factory=dict)  # per matrix, see cross()

    def cross(self) -> np.ndarray:
        """X'X of this matrix, computed once and shared by every model that reuses the
        matrix (the aliasing and collinearity checks of each model read it)."""
        if "xtx" not in self.shared:
            self.shared["xtx"] = gram(self.x)
        return self.shared["xtx"]

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
    allocate: Callable[[int, int], np.ndarray] | None = None,
) -> _Design:
    """Dummy-code the categoricals (most common level as reference), add council fixed
    effects when there is more than one council, and drop variables with no variation.
    ``allocate(n, p)`` gives the matrix to fill (default: a new one)."""
    n = len(rows)
    weights = rows["weight"].to_numpy(dtype=float) if weighted else None
    # Each column as (values) or (codes, level): the matrix is allocated once and filled,
    # never stacked from a list of n-long columns (that would hold the design twice).
    cols: list[np.ndarray | tuple[np.ndarray, int] | None] = []
    names: list[str] = []
    refs: dict[str, str] = {}
    continuous: list[str] = []
    blocks: dict[str, list[int]] = {}
    level_counts: dict[str, int] = {}
    flat: list[str] = []
    if constant:
        cols.append(None)
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
            cols.append((codes, int(k)))
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
                cols.append((codes, int(k)))
                names.append(f"authority={cats[k]}")
    p = len(cols)
    x = np.empty((n, p)) if allocate is None else allocate(n, p)
    # A categorical variable's dummies as one lookup: the column of each code's dummy
    # (-1 for the reference level, and for a missing code -1, looked up at position 0),
    # so a block gets its ones by one scatter per variable, not one comparison per level.
    numbers = [(j, col) for j, col in enumerate(cols) if isinstance(col, np.ndarray)]
    lookups: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for j, col in enumerate(cols):
        if isinstance(col, tuple):
            codes_of, level = col
            key = id(codes_of)
            if key not in lookups:
                lookups[key] = (codes_of, np.full(int(codes_of.max(initial=0)) + 2, -1))
            lookups[key][1][level + 1] = j
    # X'X accumulated while each block is still in the cache: the aliasing and
    # collinearity checks read it (``_Design.cross``), and a second pass over the whole
    # matrix would read it back from main memory.
    xtx = np.zeros((p, p))
    # filled a block of rows at a time: a column of a row-major matrix is strided, so
    # column by column over all rows would sweep the whole matrix once per column
    for a in range(0, n, FILL_BLOCK):
        xb = x[a : a + FILL_BLOCK]
        rows_b = len(xb)
        xb.fill(0.0)
        if constant:
            xb[:, 0] = 1.0
        for j, col in numbers:
            xb[:, j] = col[a : a + FILL_BLOCK]
        cells = xb.reshape(-1)
        start = np.arange(rows_b) * p
        for codes_of, where in lookups.values():
            target = where[codes_of[a : a + FILL_BLOCK] + 1]
            hit = target >= 0
            cells[(start + target)[hit]] = 1.0
        xtx += xb.T @ xb
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
        flat=flat,
        shared={"xtx": xtx},
    )
    if n:  # with nobody left, the one message is too_few_respondents'
        design.notes.extend(dg.no_variation(flat, model))
    return design


@dataclass
class DesignCache:
    """The last design one analysis built, for the next model with the same respondents.

    Why: the two participation models and the stacked comparison of taking part usually
    use the same respondents and terms, so they share one n×p matrix (at a million
    respondents: 0.6 s and 0.25 GB per build) and the comparison reuses the two logit
    fits (``fits``, form -> :class:`.logit.ParticipationFit`) instead of refitting them.
    One slot, emptied before the next build, so no more than one design is held at once.
    ``builds`` counts the matrices built (a regression guard in the tests).
    """

    key: tuple[Any, ...] | None = None
    index: pd.Index | None = None
    design: _Design | None = None
    fits: dict[str, Any] = field(default_factory=dict)
    builds: int = 0
    buffer: np.ndarray | None = None
    reused: int = 0
    picked: tuple[pd.DataFrame, np.ndarray, pd.DataFrame] | None = None  # see _select_rows

    def clear(self) -> None:
        self.key = self.index = self.design = None
        self.fits = {}

    def close(self) -> None:
        """Let go of everything (the analysis is done)."""
        self.clear()
        self.picked = None

    def allocate(self, n: int, p: int) -> np.ndarray:
        """An n×p matrix in the memory of the last one when nothing else can see that.

        Why: each design of a million respondents is ~0.25 GB of fresh memory, and the
        system's first touch of it cost 0.3-0.45 s per build inside the analysis (0.12 s
        for the same build in memory already touched). The old matrix is reused only when
        no array anywhere still refers to it (a design, a fit, a slice of either): every
        design's matrix is a view of ``buffer``, and every view of a view refers to
        ``buffer`` itself, so its reference count tells.
        """
        size = n * p
        old = self.buffer
        self.buffer = None
        # 2 = ``old`` here + getrefcount's own argument: no design, fit or slice holds it
        if old is not None and old.size >= size and sys.getrefcount(old) == 2:
            self.reused += 1
            buf = old
        else:
            del old
            # 2% spare: the next model's sample is often a few hundred respondents bigger
            # (pages never written are never touched, so the spare costs no time)
            buf = np.empty(size + size // 50 + 1)
        self.buffer = buf
        return buf[:size].reshape(n, p)


def design_for(
    rows: pd.DataFrame,
    *,
    drivers: Sequence[str],
    controls: Sequence[str],
    weighted: bool,
    dropped: dict[str, int],
    model: str,
    cache: DesignCache | None = None,
) -> _Design:
    """:func:`_build`, or the cached design when ``rows`` are the same respondents (same
    index, from the same model frame) with the same terms; the model's own bookkeeping
    (who was dropped, notes) is always fresh."""
    if cache is None:
        return _build(
            rows, drivers=drivers, controls=controls, weighted=weighted, dropped=dropped,
            model=model,
        )  # fmt: skip
    key = (tuple(drivers), tuple(controls), weighted)
    base = cache.design
    if (
        base is not None
        and cache.key == key
        and cache.index is not None
        and cache.index.equals(rows.index)
    ):
        design = replace(base, rows=rows, dropped=dropped, notes=[])
        if len(rows):
            design.notes.extend(dg.no_variation(base.flat, model))
        return design
    del base  # (a name that would keep the old matrix from being reused)
    cache.clear()  # the old matrix goes before the new one is allocated
    design = _build(
        rows, drivers=drivers, controls=controls, weighted=weighted, dropped=dropped,
        model=model, allocate=cache.allocate,
    )  # fmt: skip
    cache.key, cache.index, cache.design = key, rows.index, design
    cache.builds += 1
    return design


def _refusal(design: _Design, model: str) -> list[Diagnostic]:
    """Reasons not to fit at all: n ≤ p, aliased columns."""
    n, p = design.x.shape
    few = dg.too_few_respondents(n, p, model)
    if few is not None:
        return [few]
    return dg.aliasing(dg.aliased_groups(design.x, design.names, xtx=design.cross()), model)


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
    vifs = dg.vif_values(design.x, design.names, of, xtx=design.cross())
    out.extend(dg.collinearity(vifs, model))
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


def _cov_words(cov: str) -> str:
    if cov == "cluster":
        return f"standard errors clustered by council ({CLUSTER_MIN_COUNCILS} or more councils)"
    return f"robust ({cov}) standard errors"


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
