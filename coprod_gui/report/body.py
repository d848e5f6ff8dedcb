"""The body of the brief: key messages, sections, recommendations and caveats.

Why its own module: these are the words a councillor reads, so every rule of §5a lives
here in one place: one unit (percentage points of residents), only clear and meaningful
links, "highest" and "lowest" only for clear gaps, recommendations only from clear,
meaningful driver links (ranked by how far their evidence stays from zero), context from
:class:`~.options.BriefOptions`, and survey jargon kept for the appendix.
"""

from __future__ import annotations

import math

from ..core.results import AnalysisResult, BriefItem
from ..core.survey.constructs import DRIVERS, FORMS
from .brief import Block, Bullets, Chart, KeyMessage, Para, Section, source_line
from .charts import efficacy_points
from .findings import (
    FORM_NOUN,
    NO_CLEAR_LINK,
    Finding,
    driver_phrase,
    how_often,
    link_sentence,
    links,
)
from .groups import GROUPING_WORDS, group_table, spread_sentence
from .options import BriefOptions
from .wording import join_words, people_share, points, sentence_case, whole

MAX_KEY_MESSAGES = 6
MAX_LINK_MESSAGES = 3

RECOMMEND: dict[str, tuple[str, str]] = {
    "efficacy": (
        "Show residents what changed after they took part, for example with regular "
        "'you said, we did' updates.",
        "whether more residents feel they can make a difference",
    ),
    "consultation_satisfaction": (
        "Say what each consultation is for, and report back on what changed.",
        "whether satisfaction with consultation rises",
    ),
    "informed": (
        "Tell residents about simple ways to help in their area.",
        "whether more residents feel informed",
    ),
    "trust_council": (
        "Be open about decisions, and report on promises kept.",
        "whether trust in the council rises",
    ),
    "area_satisfaction": (
        "Work with residents on what they like and dislike about their area.",
        "whether satisfaction with the area rises",
    ),
}
ASK_NEXT: dict[str, str] = {
    "efficacy": "whether residents feel they can make a difference to their area",
    "consultation_satisfaction": "how satisfied residents are with how the council consults them",
    "informed": "how well informed residents feel",
    "trust_council": "how much residents trust the council",
    "area_satisfaction": "how satisfied residents are with their area",
}


# --------------------------------------------------------------------------- key messages


def _best_links(findings: list[Finding]) -> list[Finding]:
    """One link finding per term (the verdict's form, else the strongest evidence)."""
    best: dict[str, Finding] = {}
    for f in findings:
        if f.kind != "link" or not (f.clear and f.meaningful) or f.term is None:
            continue
        cur = best.get(f.term)
        prefer = f.verdict in FORMS and f.form == f.verdict
        if cur is None or prefer or (cur.form != cur.verdict and f.score > cur.score):
            best[f.term] = f
    drivers = sorted(
        (f for f in best.values() if f.driver in DRIVERS), key=lambda f: (-f.score, f.key)
    )
    rest = sorted(
        (f for f in best.values() if f.driver not in DRIVERS), key=lambda f: (-f.score, f.key)
    )
    return drivers + rest


def key_messages(
    findings: list[Finding], result: AnalysisResult, options: BriefOptions
) -> tuple[list[KeyMessage], list[Block]]:
    """3 to 6 messages, one number each, and the chart that goes right after them."""
    msgs = [KeyMessage(f.statement, f.number, f.key) for f in findings if f.kind == "level"]
    gap = next((f for f in findings if f.kind == "gap" and f.clear), None)
    if gap is not None:
        msgs.append(KeyMessage(gap.statement, gap.number, gap.key))
    best = _best_links(findings)
    # Key messages carry the firmest links (the whole 95% range at least the minimum gap);
    # a clear link that could be smaller stays in the body's list, not on page 1.
    chosen = [f for f in best if f.firm] or best
    for f in chosen[:MAX_LINK_MESSAGES]:
        if len(msgs) >= MAX_KEY_MESSAGES:
            break
        msgs.append(KeyMessage(f.statement, f.number, f.key, list(f.terms)))
    if not any(f.driver in DRIVERS for f in best):
        n = points(options.min_points)
        msgs.append(
            KeyMessage(
                f"None of the views we looked at goes with a clear gap of {n} or more in "
                "taking part.",
                n,
                "none:drivers",
            )
        )
    lead: list[Block] = []
    if any("efficacy" in m.terms for m in msgs) and efficacy_points(result, options):
        lead.append(_efficacy_chart(result, options))
    return msgs[:MAX_KEY_MESSAGES], lead


def _model_base(result: AnalysisResult) -> int:
    ns = [m.n for m in result.participation.values() if m.ok]
    return min(ns) if ns else result.n_respondents


def _efficacy_chart(result: AnalysisResult, options: BriefOptions) -> Chart:
    curves = efficacy_points(result, options)
    rises = all(pts[-1]["percent"] > pts[0]["percent"] for pts in curves.values())
    title = (
        "Taking part rises with feeling able to make a difference"
        if rises
        else "Taking part by feeling able to make a difference"
    )
    return Chart("efficacy", title, source_line(result, options, _model_base(result)))


# --------------------------------------------------------------------------- levels


def _levels_sections(
    result: AnalysisResult, findings: list[Finding], options: BriefOptions
) -> list[Section]:
    sec = Section("How common is co-production?")
    out = [sec]
    often = how_often(result.threshold)
    sec.blocks.append(
        Para(
            "Co-production means residents helping to improve public services and their area. "
            "It takes two forms. Some things residents do for themselves, such as recycling. "
            f"Other things they do with others, such as volunteering. Here, taking part means "
            f"doing at least one of these things {often}."
        )
    )
    levels = [f for f in findings if f.kind == "level"]
    if levels:
        sec.blocks.append(Para(" ".join(f.statement for f in levels)))
    gap = next((f for f in findings if f.kind == "gap"), None)
    title = (
        "More residents do things for themselves than act with others"
        if gap is not None and gap.clear and (gap.value or 0) > 0
        else "More residents act with others than do things for themselves"
        if gap is not None and gap.clear
        else "Both forms are about as common"
    )
    sec.blocks.append(Chart("levels", title, source_line(result, options)))
    for grouping, heading in (("authority", "By council"), ("age_band", "By age group"), ("gender", "By gender")):
        if grouping not in result.levels_by or (grouping == "authority" and len(result.authorities) < 2):
            continue
        table, by = group_table(result, grouping, options, "")
        if table is None:
            continue
        said = [s for f in FORMS if (s := spread_sentence(by[f], f, grouping))]
        clear = [t for t, c in said if c]
        word = GROUPING_WORDS[grouping]
        table.title = (
            f"Taking part differs clearly by {word}" if clear else f"Taking part is similar by {word}"
        )
        sub = Section(heading, level=2)
        sub.blocks.extend(Para(t) for t, _ in said)
        sub.blocks.append(table)
        out.append(sub)
    return out


# --------------------------------------------------------------------------- links


def _drivers_section(result: AnalysisResult, findings: list[Finding], options: BriefOptions) -> Section:
    sec = Section("What goes with taking part?")
    n = points(options.min_points)
    sec.blocks.append(
        Para(
            "Every gap here is in percentage points: the difference in the share of residents "
            "who take part. Each compares residents whose other answers, age, background and "
            f"council are alike. We report a link only when it is clear and at least {n}."
        )
    )
    stories = sorted(
        (f for f in findings if f.kind == "story" and f.driver in DRIVERS), key=lambda f: -f.score
    )
    if stories:
        sec.blocks.append(Bullets([f.statement for f in stories]))
    else:
        sec.blocks.append(Para(f"None of the views we looked at shows a clear gap of {n} or more."))
    told = {f.term for f in stories}
    weak = [d for d in result.drivers if d not in told]
    if weak:
        sec.blocks.append(
            Para(
                f"{sentence_case(join_words([driver_phrase(d) for d in weak]))} "
                f"{'shows' if len(weak) == 1 else 'show'} no clear gap of {n} or more in either form."
            )
        )
    background = sorted(
        (f for f in findings if f.kind == "story" and f.driver not in DRIVERS), key=lambda f: -f.score
    )
    if background:
        sec.blocks.append(Bullets([f.statement for f in background]))
    others = sorted(
        {driver_phrase(c) for c in result.controls}
        - {driver_phrase(f.driver or "") for f in background}
    )
    if others:
        sec.blocks.append(
            Para(
                f"{'Other background' if background else 'Background'} ({join_words(others)}) "
                f"shows no clear gap of {n} or more once other answers are allowed for."
            )
        )
    if result.drivers_not_mapped:
        missing = [driver_phrase(d) for d in result.drivers_not_mapped]
        sec.blocks.append(Para(f"The survey did not ask about {join_words(missing)}, so we could not check them."))
    sec.blocks.append(
        Para("These are links, not proof of cause. People who do more may also feel more able.")
    )
    if any(f.kind == "story" for f in findings):
        top = max(
            (f for f in findings if f.kind == "link" and strong_f(f)), key=lambda f: abs(f.value or 0)
        )
        title = f"{sentence_case(driver_phrase(top.driver or ''))} shows the largest gap"
    else:
        title = f"No view shows a clear gap of {n}"
    sec.blocks.append(Chart("drivers", title, source_line(result, options, _model_base(result))))
    return sec


def strong_f(f: Finding) -> bool:
    return f.clear and f.meaningful


def _compare_section(result: AnalysisResult, findings: list[Finding], options: BriefOptions) -> Section:
    sec = Section("How the two forms differ")
    gap = next((f for f in findings if f.kind == "gap"), None)
    if gap is not None:
        sec.blocks.append(Para(gap.statement))
    by_verdict: dict[str, list[str]] = {}
    for f in findings:
        if f.kind == "story" and f.term and "=" not in f.term:
            by_verdict.setdefault(f.verdict or "similar", []).append(driver_phrase(f.driver or ""))
    items = []
    for verdict, words in (
        ("collective", "Stronger for acting with others"),
        ("individual", "Stronger for doing things for themselves"),
        ("opposite", "Opposite ways for the two forms"),
        ("similar", "No clear difference between the forms"),
    ):
        if by_verdict.get(verdict):
            items.append(f"{words}: {join_words(by_verdict[verdict])}.")
    if items:
        sec.blocks.append(
            Para(
                "A gap in points can look bigger for one form just because it is rarer or more "
                "common. So we call a link stronger for one form only when it is also clearly "
                "stronger once that is allowed for."
            )
        )
        sec.blocks.append(Bullets(items))
    if gap is None and not items:
        sec.blocks.append(Para("The survey did not allow the two forms to be compared."))
    return sec


# --------------------------------------------------------------------------- recommendations


def recommendations(
    findings: list[Finding], result: AnalysisResult, options: BriefOptions
) -> list[BriefItem]:
    """Options to try and measure, from clear, meaningful, positive driver links only (the
    whole 95% range at or above the minimum gap), ranked by how far the evidence stays
    from zero; each names its finding."""
    best: dict[str, Finding] = {}
    for f in findings:
        good = f.kind == "link" and f.firm and f.driver in RECOMMEND and (f.value or 0) > 0
        if good and (f.driver not in best or f.score > best[f.driver or ""].score):
            best[f.driver or ""] = f
    out = []
    for f in sorted(best.values(), key=lambda f: -f.score):
        action, measure = RECOMMEND[f.driver or ""]
        out.append(
            BriefItem(
                f"Try: {action[:1].lower()}{action[1:]} Then check at the next survey {measure}. "
                f"The finding behind this: {f.statement}",
                list(f.terms),
            )
        )
    return out


def _recommendations_section(result: AnalysisResult, recs: list[BriefItem], options: BriefOptions) -> Section:
    sec = Section("What the council could try")
    if recs:
        sec.blocks.append(
            Para(
                "These are options to try and measure, not proven fixes. Each rests on a link "
                f"that is likely to be at least {points(options.min_points)}. The first rests on "
                "the strongest evidence."
            )
        )
        sec.blocks.append(Bullets([r.text for r in recs], numbered=True))
        return sec
    n = points(options.min_points)
    sec.blocks.append(
        Para(
            f"No view in this survey shows a gap that is clearly {n} or more, so we make no "
            "recommendation from it."
        )
    )
    ask = [ASK_NEXT[d] for d in result.drivers_not_mapped if d in ASK_NEXT]
    ask.append("what stops residents from taking part")
    sec.blocks.append(Para(f"Next time, consider asking {join_words(ask)}."))
    return sec


# --------------------------------------------------------------------------- caveats


def weight_varies(result: AnalysisResult) -> bool:
    """A weight that is the same for everyone changes nothing: its effective base equals
    the base, so the brief must not call the figures weighted."""
    if not result.weighted:
        return False
    for lv in result.levels.values():
        eff = lv.effective_base
        if eff is not None and math.isfinite(eff) and eff < lv.base - 0.5:
            return True
    return False


def _caveats(result: AnalysisResult, findings: list[Finding], options: BriefOptions) -> list[str]:
    items = [
        "These links do not prove cause and effect. The survey cannot show what would "
        "happen if views changed.",
        "What residents do is as they told us. People may report more than they do.",
    ]
    used = [m.n for m in result.participation.values() if m.ok and m.n_in_data]
    if used and result.n_respondents:
        left = 100 * (1 - min(used) / result.n_respondents)
        if left >= 0.5:
            items.append(
                f"{sentence_case(people_share(left))} are left out of the links, because they "
                "skipped a question the links need."
            )
    tested = sum(len(per) for per in links(result, options).values())
    if tested:
        items.append(
            f"We tested {whole(tested)} links. With so many, a few can look clear by chance, so "
            "we corrected the background questions for this."
        )
    items.append(
        f"Groups with fewer than {options.min_base} answers are not shown, to protect people. "
        f"Figures on fewer than {options.caution_base} answers are marked for caution."
    )
    if weight_varies(result):
        items.append("The figures are weighted to match the local population.")
    elif not result.weighted:
        items.append("The figures are not weighted, so they may not match the local population.")
    for form in FORMS:
        m = result.models.get(form)
        p = result.participation.get(form)
        if (m is not None and not m.ok) or (p is not None and not p.ok):
            items.append(f"We could not look at what goes with {FORM_NOUN[form]}. See the appendix.")
    return items


def body_sections(
    result: AnalysisResult,
    findings: list[Finding],
    options: BriefOptions,
    recs: list[BriefItem],
    lead: list[Block],
) -> list[Section]:
    drivers = _drivers_section(result, findings, options)
    if not lead and efficacy_points(result, options):
        drivers.blocks.append(_efficacy_chart(result, options))
    return [
        *_levels_sections(result, findings, options),
        drivers,
        _compare_section(result, findings, options),
        _recommendations_section(result, recs, options),
        Section("Caveats", [Bullets(_caveats(result, findings, options))]),
    ]


__all__ = ["NO_CLEAR_LINK", "body_sections", "key_messages", "link_sentence", "recommendations"]
