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
from .brief import (
    Block,
    Bullets,
    Chart,
    KeyMessage,
    Para,
    Section,
    council_from_file_name,
    levels_base,
    source_line,
)
from .charts import efficacy_points
from .findings import (
    FORM_NOUN,
    NO_CLEAR_LINK,
    SIMILAR_WORDS,
    Finding,
    driver_phrase,
    how_often,
    link_sentence,
    links,
)
from .groups import GROUPING_WORDS, group_table, lowest_title, spread_sentence
from .options import BriefOptions
from .wording import FORM_DO, join_words, people_share, percent, points, sentence_case, whole

MAX_KEY_MESSAGES = 6
MAX_LINK_MESSAGES = 3

RECOMMEND: dict[str, tuple[str, str]] = {
    "efficacy": (
        "After each consultation or project, show residents what their views changed, for "
        "example with 'you said, we did' updates to everyone in the area, not only those "
        "who took part.",
        "feel they can make a difference",
    ),
    "consultation_satisfaction": (
        "Make consultations easier to join: short, at times and places that suit residents, "
        "and clear at the start about what each one can change.",
        "are satisfied with how the council consults them",
    ),
    "informed": (
        "Tell residents about simple ways to help in their area.",
        "feel well informed",
    ),
    "trust_council": (
        "Be open about decisions, and report on promises kept.",
        "trust the council",
    ),
    "area_satisfaction": (
        "Work with residents on what they like and dislike about their area.",
        "are satisfied with their area",
    ),
}
"""One distinct action per driver (no two options say the same thing), and who the
baseline counts ("... of residents {words} today")."""
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
        table.title = lowest_title(by, grouping) or (
            f"Taking part differs by {word}" if clear else f"Taking part is similar by {word}"
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
            "Each link compares residents at the two ends of one question who are otherwise "
            f"similar{_alike(result)}. The shares are what the survey's answers predict for "
            "such residents, so they can differ from the plain shares in the tables above. "
            f"We report a link only when it is unlikely to be chance and at least {n}."
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
    if any(f.kind == "story" for f in findings):
        top = max(
            (f for f in findings if f.kind == "link" and strong_f(f)), key=lambda f: abs(f.value or 0)
        )
        title = f"{sentence_case(driver_phrase(top.driver or ''))} shows the largest gap"
    else:
        title = f"No view shows a clear gap of {n}"
    sec.blocks.append(
        Chart(
            "drivers",
            title,
            source_line(result, options, _model_base(result)),
            note=_verdict_note(findings),
        )
    )
    return sec


VERDICT_WORDS: dict[str, str] = {
    "collective": "Matters more for acting with others",
    "individual": "Matters more for doing things for themselves",
    "opposite": "Goes opposite ways for the two forms",
    "similar": sentence_case(SIMILAR_WORDS),
}


def _by_verdict(findings: list[Finding]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in findings:
        if f.kind == "story" and f.term and "=" not in f.term:
            out.setdefault(f.verdict or "similar", []).append(driver_phrase(f.driver or ""))
    return out


NOTE_WORDS: dict[str, str] = {
    "collective": "acting with others for {}",
    "individual": "doing things for themselves for {}",
    "opposite": "opposite ways for {}",
    "similar": "we cannot tell for {}",
}


def _verdict_note(findings: list[Finding]) -> str:
    """The chart's note says the verdict, so two markers far apart never read as one."""
    said = [
        NOTE_WORDS[v].format(join_words(d))
        for v, d in _by_verdict(findings).items()
        if v in NOTE_WORDS
    ]
    return ("Which form it matters more for: " + "; ".join(said) + ".") if said else ""


def strong_f(f: Finding) -> bool:
    return f.clear and f.meaningful


def _compare_section(result: AnalysisResult, findings: list[Finding], options: BriefOptions) -> Section:
    sec = Section("How the two forms differ")
    gap = next((f for f in findings if f.kind == "gap"), None)
    if gap is not None:
        sec.blocks.append(Para(gap.statement))
    by_verdict = _by_verdict(findings)
    items = [
        f"{VERDICT_WORDS[v]}: {join_words(by_verdict[v])}."
        for v in ("collective", "individual", "opposite", "similar")
        if by_verdict.get(v)
    ]
    if items:
        sec.blocks.append(
            Para(
                "A bigger gap in points for the rarer form is not on its own evidence that a "
                "view matters more for it: a common activity has less room to rise. So we say a "
                "view matters more for one form only when a test that allows for this agrees."
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
        driver = f.driver or ""
        action, who = RECOMMEND[driver]
        ends = (getattr(result, "ends", None) or {}).get(driver) or {}
        today = ends.get("share_above_middle")
        level = result.levels.get(f.form or "")
        base = []
        if isinstance(today, int | float) and math.isfinite(today):
            base.append(f"{percent(today)} of residents {who} (an answer above the middle)")
        if level is not None and level.percent is not None and f.form:
            base.append(f"{percent(level.percent)} {FORM_DO[f.form]}")
        measure = (
            f" Measure against today: {join_words(base)}; ask the same questions next time."
            if base
            else f" Check at the next survey whether more residents {who}."
        )
        out.append(
            BriefItem(
                f"Try: {action[:1].lower()}{action[1:]} The finding behind this: {f.statement}"
                f"{measure}",
                list(f.terms),
            )
        )
    return out


def _alike(result: AnalysisResult) -> str:
    """': alike in their other views, age, background and council', naming only what the
    models allowed for (one view, no council column: no 'other views', no 'council')."""
    parts = []
    if len(result.drivers) > 1:
        parts.append("their other views")
    if "age" in result.controls:
        parts.append("age")
    background = [c for c in result.controls if c not in ("age", "authority")]
    if background:
        parts.append("gender" if background == ["gender"] else "background")
    if len(result.authorities) > 1:
        parts.append("council")
    return f": alike in {join_words(parts)}" if parts else ""


def _recommendations_section(result: AnalysisResult, recs: list[BriefItem], options: BriefOptions) -> Section:
    sec = Section("What the council could try")
    if recs:
        sec.blocks.append(
            Para(
                "These are options to try and measure, not proven fixes. Each rests on a link "
                f"that is at least {points(options.min_points)} even at the low end of its "
                "likely range."
                + (
                    " The first comes first because its link is both the largest and the "
                    "surest."
                    if len(recs) > 1
                    else ""
                )
                + " Feeling able may partly follow from taking part, so measure both."
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


def _about_section(result: AnalysisResult, options: BriefOptions) -> Section:
    """Who, when, where, how many, and what the two yardsticks mean: near the front, so a
    reader knows how far to trust the figures before reading them."""
    name = options.survey_name or "A survey of residents"
    when = f", carried out {options.fieldwork}" if options.fieldwork else ""
    where = (
        ""
        if council_from_file_name(result) and not options.council_name
        else ", in the council named above"
        if options.council_name or len(result.authorities) <= 1
        else ", in the councils named above"
    )
    items = [f"{name}{when}{where}."]
    if options.sampling:
        items[0] += f" Who was asked: {options.sampling}."
    who = f"{whole(result.n_respondents)} residents answered."
    answered = levels_base(result)
    # of whom: the links' share left out is of those who answered the questions on what
    # they do (on GSS 2010, 620 of 2,044 never saw them: not 'skipped a question')
    if answered < result.n_respondents * 0.995:
        who += f" {whole(answered)} of them answered the questions on what they do."
    used = [m.n for m in result.participation.values() if m.ok and m.n_in_data]
    if used and answered:
        left = 100 * (1 - min(used) / answered)
        if left >= 0.5:
            who += (
                f" The links use {whole(min(used))} of those {whole(answered)}: "
                f"{people_share(left)} are left out of the links, because they did not answer "
                "every question the links need."
            )
    who += " Each table and chart gives its own base: the residents whose answers it counts."
    items.append(who)
    if weight_varies(result) and options.weighting:
        items.append(f"The figures are weighted to match {options.weighting}.")
    elif weight_varies(result):
        # what the weights were made to match is the survey's to say, not ours to guess
        items.append("The figures are weighted with the survey's own weights.")
    elif result.weighted:
        items.append("The survey's weight is the same for everyone, so it changes nothing.")
    else:
        items.append("The figures are not weighted, so they may not match the local population.")
    margin = _margin_sentence(result)
    if margin:
        items.append(margin)
    items.append(
        "A percentage point is the gap between two percentages: from 30% to 35% is 5 "
        "percentage points. A gap is 'unlikely to be chance' when it is bigger than the "
        "chance of who happened to answer would usually give (95% confidence)."
    )
    tail = f"The full tables are in the workbook {options.workbook_name}."
    if options.contact:
        tail = f"Contact: {options.contact}. " + tail
    items.append(tail)
    return Section("About the survey", [Bullets(items)])


def _half(levels) -> list[float]:
    return [
        (lv.ci_high - lv.ci_low) / 2
        for lv in levels
        if lv is not None and lv.ci_low is not None and lv.ci_high is not None
    ]


def _margin_sentence(result: AnalysisResult) -> str:
    """A plain margin of error, from the 95% ranges the levels already carry."""
    overall = _half(result.levels.values())
    if not overall:
        return ""
    text = (
        f"A share for all residents is likely to be within {points(max(1, round(max(overall))))} "
        "of the true figure"
    )
    councils = sorted(
        _half(lv for per in result.levels_by.get("authority", {}).values() for lv in per.values())
    )
    if len(result.authorities) > 1 and councils:
        text += f"; for one council, within about {max(1, round(councils[len(councils) // 2]))}"
    return text + "."


def _caveats(result: AnalysisResult, findings: list[Finding], options: BriefOptions) -> list[str]:
    items = [
        "The survey cannot show what would happen if views changed.",
        "What residents do is as they told us. People may report more than they do.",
    ]
    # said whatever the officer wrote about the sample: a panel or an open online survey
    # is not a random sample, and the brief cannot tell from the words which it was
    items.append(
        "The margins of error assume residents were chosen at random. If they were not (for "
        "example a residents' panel or an open online survey), the figures may not represent "
        "all residents, however small their margins."
    )
    tested = sum(len(per) for per in links(result, options).values())
    if tested:
        items.append(
            f"We tested {whole(tested)} links. Each test has a small chance of a false alarm. "
            "So the more links we test, the likelier one looks real when it is not. We "
            "corrected the background questions for this, but not the views, which we chose "
            "in advance."
        )
    items.append(
        f"Groups with fewer than {options.min_base} answers are not shown, to protect people. "
        f"Figures on fewer than {options.caution_base} answers are marked for caution."
    )
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
        _about_section(result, options),
        *_levels_sections(result, findings, options),
        drivers,
        _compare_section(result, findings, options),
        _recommendations_section(result, recs, options),
        Section("Caveats", [Bullets(_caveats(result, findings, options))]),
    ]


__all__ = ["NO_CLEAR_LINK", "body_sections", "key_messages", "link_sentence", "recommendations"]
