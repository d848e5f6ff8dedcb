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
from .suppression import protect_level, term_hidden
from .wording import (
    DRIVER_WORDS,
    FORM_DO,
    FORM_EXAMPLES,
    FORM_NOUN,
    one_in,
    people_share,
    percent,
    points,
    points_strength,
    printed_gap,
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


def age_ends(result: AnalysisResult) -> tuple[float, float, str, str]:
    """(young, old, young words, old words) of the one age comparison the brief makes:
    the youngest and oldest of the survey's own bands when age came in bands (their
    midpoints), else residents aged 30 against 70."""
    e = (getattr(result, "ends", None) or {}).get("age") or {}
    lo, hi = e.get("low"), e.get("high")
    if isinstance(lo, int | float) and isinstance(hi, int | float) and hi > lo:
        return float(lo), float(hi), str(e.get("low_label") or f"{lo:g}"), str(
            e.get("high_label") or f"{hi:g}"
        )
    return float(AGE_FROM), float(AGE_TO), str(AGE_FROM), str(AGE_TO)


def age_label(result: AnalysisResult) -> str:
    """'Age (75+ against 16-24)': the table and chart label of the age comparison."""
    _, _, young, old = age_ends(result)
    return f"Age ({old} against {young})"


def _scale_of(term: str, result: AnalysisResult | None = None) -> float:
    if term.partition("=")[0] != "age":
        return 1.0
    if result is None:
        return float(AGE_SPAN)
    young, old, _, _ = age_ends(result)
    return old - young


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
                term, form, est, se, raw if holm is None else holm, options, "comparison", result
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
                t, form, v.estimate, v.std_error, p, options, f"participation:{form}", result
            )
    return out


def _link(
    term: str,
    form: str,
    est: float,
    se: float,
    p: float,
    options: BriefOptions,
    source: str,
    result: AnalysisResult | None = None,
) -> Link:
    k = _scale_of(term, result)
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


def end_levels(result: AnalysisResult, term: str, form: str) -> tuple[float, float] | None:
    """(least favourable, most favourable) predicted percent for one form, or None.
    For age: (youngest band, oldest band)."""
    e = (getattr(result, "ends", None) or {}).get(term) or {}
    got = e.get(form) or {}
    lo, hi = got.get("low"), got.get("high")
    ok = isinstance(lo, int | float) and isinstance(hi, int | float)
    return (float(lo), float(hi)) if ok and math.isfinite(lo) and math.isfinite(hi) else None


def _of(share: str) -> str:
    """'more than 1 in 10 of' before 'those who ...' ('about half of' has its own 'of')."""
    return share if share.endswith(" of") else f"{share} of"


def _ends_words(term: str, result: AnalysisResult) -> tuple[str, str] | None:
    """(who, whom): 'residents who feel most able to make a difference', 'those who feel
    least able'; for age 'residents aged 75+', 'those aged 16-24'."""
    if term in DRIVER_WORDS:
        most, least, _ = DRIVER_WORDS[term]
        return f"residents who {most}", f"those who {least}"
    if term == "age":
        _, _, young, old = age_ends(result)
        return f"residents aged {old}", f"those aged {young}"
    return None


def gap_text(link: Link, result: AnalysisResult) -> str:
    """'6 percentage points': the gap of the two predicted shares as printed when the brief
    prints them (see :func:`printed_gap`), else the link itself."""
    ends = end_levels(result, link.term.partition("=")[0], link.form)
    if ends is None or _ends_words(link.term.partition("=")[0], result) is None:
        return points(link.value)
    low, high = ends
    return points(printed_gap(high, low))


def link_sentence(link: Link, result: AnalysisResult) -> str:
    """One sentence, one number: the link for one form, said as two levels of one
    contrast where the model gives them ("about 3 in 5 of residents who ... act with
    others, against more than 1 in 10 of those who ...: a gap of 48 percentage points")."""
    base, _, level = link.term.partition("=")
    num = gap_text(link, result)
    more = "more" if link.value > 0 else "less"
    act = FORM_DO[link.form]
    ends = end_levels(result, base, link.form)
    words = _ends_words(base, result)
    if ends is not None and words is not None:
        low, high = ends
        who, whom = words
        return (
            f"{sentence_case(one_in(high))} {who} {act}, against {_of(one_in(low))} {whom}, "
            f"among otherwise similar residents: a gap of {num}."
        )
    if base in DRIVER_WORDS:
        most, least, _ = DRIVER_WORDS[base]
        return f"Residents who {most} are {num} {more} likely to {act} than those who {least}."
    if base == "age":
        _, _, young, old = age_ends(result)
        return f"Residents aged {old} are {num} {more} likely to {act} than those aged {young}."
    part = result.participation.get(link.form)
    ref = part.reference_levels.get(base, "the largest") if part is not None else "the largest"
    return (
        f"{sentence_case(_group_words(base, level))} are {num} {more} likely to {act} than "
        f"{_ref_words(base, ref)}, among otherwise similar residents."
    )


def _levels_clause(link: Link, result: AnalysisResult, first: bool) -> str:
    """'about 3 in 5 (60%) of residents who ... act with others, against more than 1 in 10
    (12%) of those who ...' (the first form) or 'for doing things for themselves, nearly
    all (97%) against nearly 9 in 10 (87%)' (the second)."""
    base = link.term.partition("=")[0]
    ends = end_levels(result, base, link.form)
    words = _ends_words(base, result)
    if ends is None or words is None:
        more = "more" if link.value > 0 else "less"
        return f"{points(link.value)} {more} for {FORM_NOUN[link.form]}"
    low, high = ends
    hi = f"{one_in(high).removesuffix(' of')} ({percent(high)})"
    lo = f"{one_in(low).removesuffix(' of')} ({percent(low)})"
    if first:
        who, whom = words
        return f"{hi} of {who} {FORM_DO[link.form]}, against {lo} of {whom}"
    return f"for {FORM_NOUN[link.form]}, {hi} against {lo}"


SIMILAR_WORDS = "we cannot tell which form it matters more for"
"""The one phrase for the verdict ``similar``, everywhere in the brief and the window."""


def verdict_sentence(term: str, verdict: str, per: dict[str, Link]) -> str:
    """What the comparison says, in words that agree with the numbers beside it."""
    if verdict in FORMS:
        return f"It matters more for {FORM_NOUN[verdict]}."
    if verdict == "opposite":
        return "It goes opposite ways for the two forms."
    clear = [f for f in FORMS if f in per and strong(per[f])]
    # 'cannot tell' beside two different-looking gaps read as a contradiction to a
    # councillor: say why, in the words of the test (how common each form is)
    if len(clear) == 1:
        other = next(f for f in FORMS if f != clear[0])
        return (
            f"The link is clear for {FORM_NOUN[clear[0]]} but not for {FORM_NOUN[other]}. "
            "Even so, the two are not far enough apart to say it matters more for "
            f"{FORM_NOUN[clear[0]]}."
        )
    if len(clear) == 2:
        return (
            "A form most residents already do has less room to rise. Allowing for that, "
            f"{SIMILAR_WORDS}."
        )
    return f"{sentence_case(SIMILAR_WORDS)}."


def _share_at_ends(term: str, result: AnalysisResult) -> str:
    """'Of all residents, 8% give the most favourable answer and 6% the least.'"""
    e = (getattr(result, "ends", None) or {}).get(term) or {}
    hi, lo = e.get("share_high"), e.get("share_low")
    if not (isinstance(hi, int | float) and isinstance(lo, int | float)):
        return ""
    if term == "age":
        _, _, young, old = age_ends(result)
        return f"{percent(hi)} of residents are aged {old} and {percent(lo)} aged {young}."
    return (
        f"Of all residents, {percent(hi)} give the most favourable answers and {percent(lo)} "
        "the least favourable; the rest sit in between."
    )


def _story(
    term: str, per: dict[str, Link], verdict: str, result: AnalysisResult, options: BriefOptions
) -> str:
    """A driver's body bullet: one contrast as two levels and its gap for each form, the
    verdict, and how many residents sit at each end."""
    base = term.partition("=")[0]
    shown = [lk for lk in per.values() if strong(lk)]
    lead = max(shown, key=lambda lk: abs(lk.value)) if shown else None
    if verdict in FORMS and verdict in per and strong(per[verdict]):
        lead = per[verdict]
    parts: list[str] = []
    words = _ends_words(base, result)
    if lead is not None and words is not None and end_levels(result, base, lead.form):
        parts.append(
            f"{sentence_case(_levels_clause(lead, result, True))}, among otherwise similar "
            f"residents: a gap of {gap_text(lead, result)}."
        )
        for lk in per.values():
            if lk is lead:
                continue
            if strong(lk) and end_levels(result, base, lk.form):
                parts.append(
                    sentence_case(_levels_clause(lk, result, False))
                    + f": a gap of {gap_text(lk, result)}."
                )
            # a form without a link is said once, by the verdict sentence below
        parts.append(verdict_sentence(term, verdict, per))
        share = _share_at_ends(base, result)
        if share:
            parts.append(share)
        return " ".join(parts)
    if base in DRIVER_WORDS:
        most, least, _ = DRIVER_WORDS[base]
        who, whom = f"residents who {most}", f"those who {least}"
    elif base == "age":
        _, _, young, old = age_ends(result)
        who, whom = f"residents aged {old}", f"those aged {young}"
    else:
        part = next(iter(result.participation.values()), None)
        ref = part.reference_levels.get(base, "the largest") if part is not None else "the largest"
        who = _group_words(base, term.partition("=")[2])
        whom = _ref_words(base, ref)
    # the same shape as every other bullet: who is more or less likely to do what, then
    # the gap; a form without a clear gap is said once, by the verdict sentence
    ordered = sorted(per.values(), key=lambda lk: lk is not lead)
    first, first_value = True, 0.0
    for lk in ordered:
        if not strong(lk):
            continue
        more = "more" if lk.value > 0 else "less"
        if first:
            parts.append(
                f"{sentence_case(who)} are {more} likely to {FORM_DO[lk.form]} than {whom}, "
                f"among otherwise similar residents: a gap of {points(lk.value)}."
            )
            first, first_value = False, lk.value
        else:
            also = "also " if (lk.value > 0) == (first_value > 0) else ""
            parts.append(
                f"They are {also}{more} likely to {FORM_DO[lk.form]}: a gap of "
                f"{points(lk.value)}."
            )
    if first:  # no clear gap in either form
        parts.append(
            f"{sentence_case(who)} and {whom} show no clear gap of "
            f"{points(options.min_points)} or more in either form, among otherwise similar "
            "residents."
        )
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
                f"Share {FORM_NOUN[form]}: {lv.percent:.1f}% of {lv.base:,} residents",
                form=form,
                score=100 - i,
            )
        )
    if len(shown) == 2:
        li, lc = result.levels["individual"], result.levels["collective"]
        gap = printed_gap(shown["individual"], shown["collective"])  # as a reader subtracts
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
                f"Doing things for themselves {shown['individual']:.1f}% minus acting with "
                f"others {shown['collective']:.1f}%; 95% ranges "
                + ("do not overlap" if clear else "overlap"),
                score=90,
                meaningful=bool(clear),
            )
        )
    return out


SOURCE_WORDS = {"comparison": "Model of taking part (both forms)"}


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
                    gap_text(lk, result) if lk.clear else points(lk.value),
                    lk.value,
                    points_strength(lk.value) if lk.clear else NO_CLEAR_LINK,
                    lk.clear,
                    f"{SOURCE_WORDS.get(lk.source, 'model of taking part')}: {lk.value:.1f} "
                    "percentage points (95% range "
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
                        f"{FORM_NOUN[lk.form]} {lk.value:.1f} points ({lk.low:.1f} to {lk.high:.1f})"
                        for lk in per.values()
                    )
                    + (f"; which form: {verdict}" if verdict else ""),
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
        "similar": SIMILAR_WORDS,
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
        label = age_label(result) if term == "age" else sentence_case(driver_phrase(term))
        rows.append([label, *cells, words.get(verdict, "–")])
        tips.append(
            "Difference in the chance of taking part, in percentage points, between the least "
            "and the most favourable answer, among otherwise similar residents."
        )
    for missing in result.drivers_not_mapped:
        rows.append([sentence_case(driver_phrase(missing)), "not in this survey", "not in this survey", "–"])
        tips.append(None)
    return {
        "headers": ["Driver", "Individual", "Collective", "Goes with more"],
        "rows": rows,
        "tips": tips,
    }
