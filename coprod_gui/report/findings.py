"""Findings: the results turned into short, plain-English statements in one unit.

Why: the brief, the window and the exports must say the same thing about the same number,
and no two statements may point different ways. So every link the body states is a gap in
**percentage points of residents** from the participation models (through the stacked
comparison, so both forms come from one model), a link enters the body only when it is
*clear* (95% range excludes zero; Holm-corrected across the background terms) and
*meaningful* (at least ``BriefOptions.min_points``), strength words come from one rule on
that one unit (:func:`~.wording.points_strength`), and which form a driver matters more
for is the comparison's verdict, never a reading of two separate numbers. The 0–100 index
models stay a technical view (appendix and workbook) and are never compared in the body.

Each :class:`Finding` carries its sentence, the one number it states, and the model terms
it rests on, so results.json can trace every key message and recommendation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..core.results import AnalysisResult, ModelResult, Term
from ..core.survey.constructs import BY_NAME, DRIVERS, FORMS
from .options import BriefOptions
from .suppression import protect_level, protected_by, term_hidden
from .wording import (
    BAND_WORDS,
    DRIVER_WORDS,
    FORM_DO,
    FORM_EXAMPLES,
    FORM_NOUN,
    one_in,
    people_share,
    percent,
    points,
    points_strength,
    sentence_case,
)

NO_CLEAR_LINK = "no clear link"
ALPHA = 0.05
Z95 = 1.959963984540054
AGE_FROM, AGE_TO = 30, 70  # the brief states age as residents aged 70 against 30
AGE_SPAN = AGE_TO - AGE_FROM

@dataclass
class Finding:
    """One statement and the evidence behind it."""

    key: str  # "level:individual", "link:collective:efficacy", "story:efficacy", ...
    kind: str  # "level", "gap", "link", "story", "compare", "none"
    statement: str
    number: str  # the one number it states, as printed ("48 percentage points", "24%")
    value: float | None  # the raw number behind ``number``
    strength: str  # points_strength word, "no clear link", or "" for a level
    clear: bool
    evidence: str  # where the number comes from, for the appendix and the workbook
    model: str | None = None
    term: str | None = None
    form: str | None = None
    score: float = 0.0  # evidence strength for ranking (the 95% range's end nearest zero)
    meaningful: bool = False
    firm: bool = False  # clear with the whole 95% range at or above the minimum gap
    verdict: str | None = None
    terms: list[str] = field(default_factory=list)

    @property
    def driver(self) -> str | None:
        return self.term.partition("=")[0] if self.term else None


def is_clear(term: Term) -> bool:
    """A model term is clear when its 95% interval excludes zero (technical view)."""
    vals = (term.estimate, term.ci_low, term.ci_high, term.p_value)
    if not all(v is not None and math.isfinite(v) for v in vals):
        return False
    return term.p_value < ALPHA and (term.ci_low > 0 or term.ci_high < 0)


def driver_phrase(name: str) -> str:
    """Short everyday name of a driver or control."""
    if name in DRIVER_WORDS:
        return DRIVER_WORDS[name][2]
    return BY_NAME[name].label.lower() if name in BY_NAME else name.replace("_", " ")


def _usable(model: ModelResult | None, options: BriefOptions) -> bool:
    return model is not None and model.ok and model.n >= options.min_base and bool(model.terms)


# --------------------------------------------------------------------------- links


@dataclass
class Link:
    """One term's gap in percentage points for one form, as the body states it."""

    term: str
    form: str
    value: float  # points: drivers lowest->highest, age 70 vs 30, category vs reference
    low: float
    high: float
    p: float  # Holm-adjusted for background terms
    clear: bool
    meaningful: bool
    source: str


def _scale_of(term: str) -> float:
    return float(AGE_SPAN) if term.partition("=")[0] == "age" else 1.0


def links(result: AnalysisResult, options: BriefOptions) -> dict[str, dict[str, Link]]:
    """term -> form -> :class:`Link`, for drivers, age and categorical controls.

    From the stacked comparison (one model for both forms) when it was fitted; otherwise
    from the one form's participation model, Holm-corrected here across its background
    terms. Terms resting on a group too small to show are left out.
    """
    from ..core.stats.comparison import holm_adjust

    out: dict[str, dict[str, Link]] = {}

    def keep(term: str) -> bool:
        base = term.partition("=")[0]
        return (
            term != "const"
            and base != "authority"
            and not term_hidden(term, result, options)
            and (base in DRIVERS or base == "age" or "=" in term)
        )

    for term, c in result.comparison.items():
        if c.points is None or not keep(term):
            continue
        s = c.points
        for form in FORMS:
            if not _usable(result.participation.get(form), options):
                continue
            est = s.individual if form == "individual" else s.collective
            se = s.individual_se if form == "individual" else s.collective_se
            raw = s.individual_p if form == "individual" else s.collective_p
            holm = s.individual_p_holm if form == "individual" else s.collective_p_holm
            out.setdefault(term, {})[form] = _link(
                term, form, est, se, raw if holm is None else holm, options, "comparison"
            )
    for form in FORMS:
        part = result.participation.get(form)
        if not _usable(part, options) or any(form in v for v in out.values()):
            continue
        assert part is not None
        terms = {t: v for t, v in part.terms.items() if keep(t)}
        background = holm_adjust(
            {t: v.p_value for t, v in terms.items() if t.partition("=")[0] not in DRIVERS}
        )
        for t, v in terms.items():
            p = background.get(t, v.p_value)
            out.setdefault(t, {})[form] = _link(
                t, form, v.estimate, v.std_error, p, options, f"participation:{form}"
            )
    return out


def _link(
    term: str, form: str, est: float, se: float, p: float, options: BriefOptions, source: str
) -> Link:
    k = _scale_of(term)
    value, half = est * k, Z95 * se * k
    ok = all(math.isfinite(v) for v in (value, half, p))
    clear = ok and p < ALPHA and abs(value) > half
    return Link(
        term,
        form,
        value,
        value - half,
        value + half,
        p if ok else math.nan,
        clear,
        clear and abs(round(value)) >= options.min_points,
        source,
    )


def strong(link: Link) -> bool:
    return link.clear and link.meaningful


def firm(link: Link, options: BriefOptions) -> bool:
    """Clear, and even the low end of the 95% range is at least the minimum gap: the bar
    for a recommendation (a link can be clear and 9 points, yet plausibly 4)."""
    return link.clear and min(abs(link.low), abs(link.high)) >= options.min_points


def evidence_score(link: Link) -> float:
    """How far the 95% range stays from zero: the size the evidence supports at least."""
    return min(abs(link.low), abs(link.high)) if link.clear else 0.0


# --------------------------------------------------------------------------- sentences


def _group_words(construct: str, level: str) -> str:
    if construct == "gender":
        return f"{level} residents"
    return f"residents in the '{level}' {driver_phrase(construct)} group"


def _ref_words(construct: str, ref: str) -> str:
    return f"{ref} residents" if construct == "gender" else f"those in the '{ref}' group"


def link_sentence(link: Link, result: AnalysisResult) -> str:
    """One sentence, one number: the link for one form."""
    base, _, level = link.term.partition("=")
    num = points(link.value)
    more = "more" if link.value > 0 else "less"
    act = FORM_DO[link.form]
    if base in DRIVER_WORDS:
        most, least, _ = DRIVER_WORDS[base]
        return f"Residents who {most} are {num} {more} likely to {act} than those who {least}."
    if base == "age":
        return f"Residents aged {AGE_TO} are {num} {more} likely to {act} than those aged {AGE_FROM}."
    part = result.participation.get(link.form)
    ref = part.reference_levels.get(base, "the largest") if part is not None else "the largest"
    return (
        f"{sentence_case(_group_words(base, level))} are {num} {more} likely to {act} than "
        f"{_ref_words(base, ref)}."
    )


def band_sentence(
    driver: str, form: str, result: AnalysisResult, options: BriefOptions
) -> str | None:
    """'Among residents who feel they can make a difference, about 1 in 3 (33%) act with
    others; among those who do not, about 1 in 10 (9%).' (observed shares, protected)."""
    if driver not in BAND_WORDS:
        return None
    bands = protected_by(result, f"band:{driver}", form, options)
    hi, lo = bands.get("higher"), bands.get("lower")
    if not (hi and lo and hi.shown and lo.shown and hi.level and lo.level):
        return None
    if hi.level.percent is None or lo.level.percent is None:
        return None
    yes, no = BAND_WORDS[driver]
    return (
        f"Among residents who {yes}, {one_in(hi.level.percent)} ({percent(hi.level.percent)}) "
        f"{FORM_DO[form]}; among those who {no}, {one_in(lo.level.percent)} "
        f"({percent(lo.level.percent)})."
    )


def verdict_sentence(term: str, verdict: str, per: dict[str, Link]) -> str:
    """What the comparison says, in words that agree with the numbers beside it."""
    i, c = per.get("individual"), per.get("collective")
    if verdict in FORMS:
        return f"The link is stronger for {FORM_NOUN[verdict]}."
    if verdict == "opposite":
        return "It goes opposite ways for the two forms."
    if i is not None and c is not None and strong(i) and strong(c):
        bigger = "collective" if abs(c.value) > abs(i.value) else "individual"
        if abs(round(c.value)) != abs(round(i.value)):
            return (
                f"The gap looks larger for {FORM_NOUN[bigger]}, but allowing for how common "
                "each form is, the link is no stronger for one than the other."
            )
        return "The link is much the same for both forms."
    return "We cannot say it is stronger for one form than the other."


def _story(
    term: str, per: dict[str, Link], verdict: str, result: AnalysisResult, options: BriefOptions
) -> str:
    """A driver's body bullet: the observed groups, the adjusted gaps, the verdict."""
    base = term.partition("=")[0]
    shown = [lk for lk in per.values() if strong(lk)]
    lead = max(shown, key=lambda lk: abs(lk.value)) if shown else None
    if verdict in FORMS and verdict in per and strong(per[verdict]):
        lead = per[verdict]
    parts: list[str] = []
    band = band_sentence(base, lead.form, result, options) if lead is not None else None
    if band:
        parts.append(band)
    gaps = []
    for lk in sorted(per.values(), key=lambda lk: lk is not lead):
        if strong(lk):
            gaps.append(
                f"{points(lk.value)} {'more' if lk.value > 0 else 'less'} for {FORM_NOUN[lk.form]}"
            )
        else:
            gaps.append(f"no clear gap of {points(options.min_points)} for {FORM_NOUN[lk.form]}")
    if base in DRIVER_WORDS:
        most, least, _ = DRIVER_WORDS[base]
        who = f"Comparing residents who {most} with those who {least}"
    elif base == "age":
        who = f"Comparing residents aged {AGE_TO} with those aged {AGE_FROM}"
    else:
        part = next(iter(result.participation.values()), None)
        ref = part.reference_levels.get(base, "the largest") if part is not None else "the largest"
        who = (
            f"Comparing {_group_words(base, term.partition('=')[2])} with "
            f"{_ref_words(base, ref)}"
        )
    parts.append(f"{who}, other answers alike, the chance of taking part is {' and '.join(gaps)}.")
    parts.append(verdict_sentence(term, verdict, per))
    return " ".join(parts)


# --------------------------------------------------------------------------- build


def how_often(threshold: str) -> str:
    """'at least sometimes' for the threshold 'sometimes' (never 'regularly')."""
    t = (threshold or "sometimes").strip().lower()
    return t if t.startswith("at least") else f"at least {t}"


def _level_findings(result: AnalysisResult, options: BriefOptions) -> list[Finding]:
    out: list[Finding] = []
    shown: dict[str, float] = {}
    for i, form in enumerate(FORMS):
        prot = protect_level(result.levels.get(form), options)
        if prot is None or not prot.shown or prot.level is None or prot.level.percent is None:
            continue
        lv = prot.level
        shown[form] = lv.percent
        out.append(
            Finding(
                f"level:{form}",
                "level",
                f"{sentence_case(people_share(lv.percent))} {FORM_DO[form]} "
                f"{how_often(result.threshold)}, {FORM_EXAMPLES[form]}.",
                percent(lv.percent),
                lv.percent,
                "",
                True,
                f"levels.{form}: {lv.percent:.1f}% of {lv.base:,} residents",
                form=form,
                score=100 - i,
            )
        )
    if len(shown) == 2:
        li, lc = result.levels["individual"], result.levels["collective"]
        gap = shown["individual"] - shown["collective"]
        clear = None not in (li.ci_low, li.ci_high, lc.ci_low, lc.ci_high) and (
            li.ci_low > lc.ci_high or lc.ci_low > li.ci_high  # type: ignore[operator]
        )
        more, fewer = ("individual", "collective") if gap > 0 else ("collective", "individual")
        statement = (
            f"More residents {FORM_DO[more]} than {FORM_DO[fewer]}: a gap of {points(gap)}."
            if clear
            else f"About as many residents {FORM_DO['collective']} as {FORM_DO['individual']}."
        )
        out.append(
            Finding(
                "gap:levels",
                "gap",
                statement,
                points(gap) if clear else "",
                gap,
                points_strength(gap) if clear else NO_CLEAR_LINK,
                bool(clear),
                f"levels: individual {shown['individual']:.1f}% minus collective "
                f"{shown['collective']:.1f}%; 95% ranges "
                + ("do not overlap" if clear else "overlap"),
                score=90,
                meaningful=bool(clear),
            )
        )
    return out


def build_findings(result: AnalysisResult, options: BriefOptions | None = None) -> list[Finding]:
    """Levels, then each form's links (strongest evidence first), then the stories."""
    options = options or BriefOptions()
    found = _level_findings(result, options)
    all_links = links(result, options)
    for term, per in all_links.items():
        c = result.comparison.get(term)
        verdict = c.verdict if c is not None and c.points is not None else None
        for form, lk in per.items():
            found.append(
                Finding(
                    f"link:{form}:{term}",
                    "link",
                    link_sentence(lk, result)
                    if lk.clear
                    else f"There is no clear link between {driver_phrase(term.partition('=')[0])} "
                    f"and {FORM_NOUN[form]}.",
                    points(lk.value),
                    lk.value,
                    points_strength(lk.value) if lk.clear else NO_CLEAR_LINK,
                    lk.clear,
                    f"{lk.source}: {lk.value:.1f} percentage points (95% range "
                    f"{lk.low:.1f} to {lk.high:.1f})",
                    model=lk.source,
                    term=term,
                    form=form,
                    score=evidence_score(lk) if strong(lk) else 0.0,
                    meaningful=lk.meaningful,
                    firm=firm(lk, options),
                    verdict=verdict,
                    terms=[term],
                )
            )
        if any(strong(lk) for lk in per.values()):
            found.append(
                Finding(
                    f"story:{term}",
                    "story",
                    _story(term, per, verdict or "similar", result, options),
                    "",
                    None,
                    points_strength(max((lk.value for lk in per.values() if strong(lk)), key=abs)),
                    True,
                    "; ".join(
                        f"{lk.form} {lk.value:.1f} points ({lk.low:.1f} to {lk.high:.1f})"
                        for lk in per.values()
                    )
                    + (f"; verdict {verdict}" if verdict else ""),
                    term=term,
                    score=max(evidence_score(lk) for lk in per.values() if strong(lk)),
                    meaningful=True,
                    verdict=verdict,
                    terms=[term],
                )
            )
    return sorted(found, key=lambda f: (-f.score, f.key))


def plain_view(result: AnalysisResult, options: BriefOptions | None = None) -> dict:
    """The Results tab's plain view of the links, from the same findings as the brief.

    Returns ``{"headers": [...], "rows": [[...]], "tips": [...]}``: one row per driver (and
    age), a cell per form in percentage points (or "no clear link" / "under 5 points"), and
    which form it goes with more (the comparison's verdict), so screen and paper agree.
    """
    options = options or BriefOptions()
    all_links = links(result, options)
    rows: list[list[str]] = []
    tips: list[str | None] = []
    words = {
        "individual": "more with doing things for themselves",
        "collective": "more with acting with others",
        "opposite": "opposite ways",
        "similar": "no clear difference",
    }
    for term in [*result.drivers, "age"]:
        per = all_links.get(term)
        if not per:
            continue
        cells = []
        for form in FORMS:
            lk = per.get(form)
            if lk is None:
                cells.append("not estimated")
            elif not lk.clear:
                cells.append(NO_CLEAR_LINK)
            elif not lk.meaningful:
                cells.append(f"under {points(options.min_points)}")
            else:
                cells.append(f"{points(lk.value)} {'more' if lk.value > 0 else 'less'}")
        c = result.comparison.get(term)
        verdict = c.verdict if c is not None and c.points is not None else ""
        label = (
            f"Age ({AGE_TO} against {AGE_FROM})" if term == "age" else sentence_case(driver_phrase(term))
        )
        rows.append([label, *cells, words.get(verdict, "–")])
        tips.append(
            "Difference in the chance of taking part, in percentage points, between the least "
            "and the most favourable answer, other answers alike."
        )
    for missing in result.drivers_not_mapped:
        rows.append([sentence_case(driver_phrase(missing)), "not in this survey", "not in this survey", "–"])
        tips.append(None)
    return {
        "headers": ["Driver", "Individual", "Collective", "Goes with more"],
        "rows": rows,
        "tips": tips,
    }
