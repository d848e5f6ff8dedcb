"""The analysis result and its ``coprod-results/1`` JSON form (DESIGN.md §6).

Filled by :mod:`coprod_gui.core.stats.analysis`; read by the report layer, the window and the
command line. Percentages are on a 0–100 scale; model terms for continuous drivers are
keyed by construct name (``efficacy``, ``age``); categorical terms as ``"gender=Female"``
against the reference level in ``reference_levels``.

Driver scores are rescaled 0–1 before modelling, so an OLS estimate for ``efficacy`` is
"index points (0–100) between the lowest and the highest answer", and an average marginal
effect is "percentage points between the lowest and the highest answer". Age is per year.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from .types import DataQuality, Mapping

SCHEMA = "coprod-results/1"


@dataclass
class Level:
    """A share of respondents (0–100) with its Wilson 95% interval and bases."""

    percent: float | None
    ci_low: float | None
    ci_high: float | None
    base: int  # unweighted respondents with an answer
    effective_base: float | None = None  # Kish effective base when weighted


@dataclass
class ItemLevel(Level):
    """Share doing one activity at least at the threshold (e.g. 'sometimes')."""

    column: str = ""
    question: str = ""
    form: str = ""
    area: str | None = None


@dataclass
class IndexSummary:
    """A 0–100 co-production index for one form (or one form in one service area)."""

    mean: float | None
    sd: float | None
    alpha: float | None  # Cronbach's alpha of its items
    n_items: int
    n_valid: int  # respondents who answered at least half the items


@dataclass
class Term:
    """One model term. ``std_estimate`` is the standardised effect used to rank drivers."""

    estimate: float
    std_error: float
    p_value: float
    ci_low: float
    ci_high: float
    std_estimate: float | None = None


@dataclass
class Diagnostic:
    """A plain-English note on a model (why rows dropped, separation, no variation ...)."""

    severity: Literal["info", "warning", "error"]
    message: str
    model: str | None = None  # e.g. "individual", "participation:collective"
    term: str | None = None
    count: int | None = None  # respondents in the group the note is about (small-group rule)


@dataclass
class ModelResult:
    """One fitted (or refused) model."""

    form: str  # "individual" / "collective" / "stacked"
    kind: str  # "ols", "wls", "logit_ame", "ordered_logit", "mixedlm", ...
    method: str  # plain description, e.g. "OLS with council fixed effects, HC3 robust errors"
    outcome: str  # what was modelled, in plain words
    n: int  # respondents used
    n_in_data: int  # respondents in the data
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> count
    r_squared: float | None = None
    terms: dict[str, Term] = field(default_factory=dict)
    reference_levels: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    ok: bool = True  # False when the fit was refused (rank deficient, separation, ...)
    level_counts: dict[str, int] = field(default_factory=dict)
    """Respondents in the estimation sample with each category level, keyed like the terms
    (``"tenure=Other"``, ``"authority=<name>"``) and including the reference levels.

    Why: small-group protection. A control level resting on 3 respondents gives an
    estimate about those 3 people; the report layer hides any term whose count is under
    its minimum base. Empty for results saved before counts were recorded.
    """


@dataclass
class ScaleDifference:
    """One term's effect on each form, and their difference, on one scale.

    ``individual``/``collective``: the term's effect on each form, with standard error and
    p-value; ``difference``: collective minus individual, with its standard error, p-value
    and 95% interval, all from one stacked model (both forms share one covariance). The
    ``*_holm`` p-values are Holm-corrected across the background terms (age and the
    categorical controls); ``None`` for drivers, which are few and chosen in advance.
    """

    individual: float
    individual_se: float
    individual_p: float
    collective: float
    collective_se: float
    collective_p: float
    difference: float
    std_error: float
    p_value: float
    ci_low: float
    ci_high: float
    individual_p_holm: float | None = None
    collective_p_holm: float | None = None
    p_holm: float | None = None


VERDICTS: tuple[str, ...] = ("individual", "collective", "similar", "opposite")
"""``Comparison.verdict``: which form a term goes with more (DESIGN §4, comparison revised)."""


@dataclass
class Comparison:
    """Does a term's link differ between individual and collective co-production?

    ``verdict`` (one of :data:`VERDICTS`) comes from the participation models stacked in
    one logit (``points``: average marginal effects in percentage points; ``odds``: logit
    coefficients): a form is named only when the difference is clear on both scales and
    the same form comes out stronger on both; ``opposite`` when the two effects are each
    clear and of opposite sign; otherwise ``similar``. A floor or ceiling can fake a
    difference on one scale, rarely on both in the same direction.

    The first fields are the technical view from the stacked index (0–100) model, kept
    for the appendix and the workbook; the brief's body never reads them.
    """

    term: str
    individual: float
    collective: float
    difference: float  # collective minus individual, index points
    std_error: float
    p_value: float
    ci_low: float
    ci_high: float
    verdict: str = "similar"
    points: ScaleDifference | None = None
    odds: ScaleDifference | None = None


@dataclass
class BriefItem:
    """A key message or recommendation as written, and the model terms it rests on."""

    text: str
    terms: list[str] = field(default_factory=list)


@dataclass
class AnalysisResult:
    """Everything the analysis found. ``to_dict`` gives the results.json document."""

    n_respondents: int
    authorities: dict[str, int]
    weighted: bool
    threshold: str
    levels: dict[str, Level]  # form -> share doing at least one activity regularly
    item_levels: list[ItemLevel]
    levels_by: dict[str, dict[str, dict[str, Level]]]  # grouping -> form -> group -> Level
    indices: dict[str, IndexSummary]  # form -> index
    indices_by_area: dict[str, dict[str, IndexSummary]]  # form -> area -> index
    models: dict[str, ModelResult]  # form -> OLS/WLS of the index
    participation: dict[str, ModelResult]  # form -> logit AMEs (percentage points)
    comparison: dict[str, Comparison]  # term -> comparison between forms
    robustness: dict[str, ModelResult] = field(default_factory=dict)
    drivers: list[str] = field(default_factory=list)  # drivers used
    drivers_not_mapped: list[str] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    quality: DataQuality = field(default_factory=DataQuality)
    mapping: Mapping = field(default_factory=Mapping)
    sources: list[str] = field(default_factory=list)
    predicted: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    """Form -> predicted participation across the efficacy scale, for the efficacy chart.

    From the participation logit: for each point ``x`` (0 = least able to make a
    difference, 1 = most; 21 points, 0.05 apart), everyone's efficacy is set to ``x``
    with their other answers as observed, and the chances are averaged (weighted when
    the analysis is). Each point is ``{"x", "percent", "ci_low", "ci_high"}``, percent
    0–100 with a delta-method 95% interval. A form is absent when efficacy is not
    mapped or its participation model could not be fitted.
    """
    ends: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Term -> the two ends the brief compares: ``low``/``high`` (the values: 0 and 1 for a
    driver; the youngest and oldest band's midpoint for age in bands, else 30 and 70),
    ``low_label``/``high_label`` (the band names for age), ``share_low``/``share_high``
    (percent of residents with an answer at each end, weighted when the analysis is),
    ``share_above_middle`` for a driver (the brief's baseline for an option) and,
    per form, ``{"low", "high"}``: the average predicted percent taking part with everyone
    set to that end, other answers as observed (from the participation logit).
    """

    def to_dict(self) -> dict[str, Any]:
        """The ``coprod-results/1`` document (JSON-safe: NaN/inf become null)."""
        d = _clean(dataclasses.asdict(self))
        for issue in d["quality"]["issues"]:
            issue.pop("examples", None)  # raw answers: shown in the window, never exported
        d["mapping"] = mapping_to_dict(self.mapping)
        return {"schema": SCHEMA, **d, "units": units(self)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)


def _term_unit(term: str, refs: dict[str, str]) -> str:
    base, _, level = term.partition("=")
    if term == "const":
        return "the model's intercept"
    if term == "age":
        return "one year of age"
    if level:
        ref = refs.get(base)
        return f"being in '{level}' rather than the reference group" + (f" '{ref}'" if ref else "")
    return "a move from the lowest (0) to the highest (1) answer on this 0-1 scored question"


def units(result: AnalysisResult) -> dict[str, Any]:
    """What the numbers of results.json are measured in (the ``units`` block)."""
    refs: dict[str, str] = {}
    terms: set[str] = set()
    for group in (result.models, result.participation):
        for m in group.values():
            refs.update(m.reference_levels)
            terms.update(m.terms)
    terms.update(result.comparison)
    return {
        "percent": "levels, ci_low, ci_high: percent of respondents (0-100); base: respondents",
        "models": "estimate, std_error, ci_low, ci_high: points on the 0-100 index per unit of "
        "the term; std_estimate: standardised slope b*sd(x)/sd(y) (continuous terms only)",
        "participation": "estimate, std_error, ci_low, ci_high: percentage points of the chance "
        "of doing at least one activity of the form, per unit of the term (average marginal "
        "effect: the mean slope for numbers, the mean change against the reference for "
        "categories)",
        "comparison": "difference = collective minus individual. points: percentage points "
        "(drivers: average change from the lowest to the highest answer; age: per year; "
        "categories: against the reference); odds: log-odds per unit; the top-level fields: "
        "index points (technical view). verdict: individual | collective | similar | "
        "opposite, from points and odds together",
        "terms": {t: _term_unit(t, refs) for t in sorted(terms)},
    }


def mapping_to_dict(mapping: Mapping) -> dict[str, Any]:
    """The ``coprod-mapping/1`` document of a mapping."""
    cols: dict[str, Any] = {
        k: (v[0] if len(v) == 1 and k not in _MULTI else list(v))
        for k, v in mapping.columns.items()
        if v
    }
    d: dict[str, Any] = {"schema": "coprod-mapping/1", "columns": cols}
    if mapping.missing:
        d["missing"] = list(mapping.missing)
    if mapping.reverse:
        d["reverse"] = list(mapping.reverse)
    if mapping.service_areas:
        d["service_areas"] = dict(mapping.service_areas)
    if mapping.sheet is not None:
        d["sheet"] = mapping.sheet
    if mapping.header_row is not None:
        d["header_row"] = mapping.header_row
    if mapping.threshold != "sometimes":
        d["threshold"] = mapping.threshold
    return _clean(d)


_MULTI = {"individual_coproduction", "collective_coproduction"}


def _clean(obj: Any) -> Any:
    """Make a structure JSON-safe: NaN/inf -> None, numpy scalars -> Python, keys -> str."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, str | bytes):
        try:
            obj = obj.item()
        except (ValueError, TypeError):
            return str(obj)
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if hasattr(obj, "__fspath__"):
        return str(obj)
    return obj
