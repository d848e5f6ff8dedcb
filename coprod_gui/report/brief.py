"""The policy brief as a structure, and its HTML for the window's Report tab.

Why a structure and not text: the Word writer, the Excel summary, the window and the tests
all need the same sections, key messages, tables and chart places. ``build_brief`` decides
what is said (from :func:`~.findings.build_findings`, with small groups protected by
:mod:`.suppression`); the writers only lay it out.

The body (everything but the technical appendix) is written for councillors: short
sentences, numbers as people say them, no statistical terms; tests hold it to a Flesch
reading ease of 60 or more and a banned-words list. The appendix holds the model tables.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

from .. import APP_NAME
from ..core.results import AnalysisResult, Level, ModelResult
from ..core.stats.diagnostics import term_words
from ..core.survey.constructs import FORMS
from .findings import (
    FORM_DO,
    FORM_NOUN,
    Finding,
    build_findings,
    driver_phrase,
)
from .options import BriefOptions
from .suppression import (
    HIDDEN,
    Protected,
    base_text,
    council_status,
    diagnostic_message,
    effective_text,
    hidden_terms_note,
    printed_groups,
    protect_file_rows,
    protect_level,
    protected_by,
    status_note,
    term_hidden,
)
from .wording import RULE_SET, join_words, percent, whole

__all__ = [
    "Brief",
    "BriefOptions",
    "Bullets",
    "Chart",
    "KeyMessage",
    "Para",
    "Section",
    "Table",
    "brief_to_html",
    "build_brief",
]

MAX_LINKS = 8  # bullets in "What goes with more"; the appendix lists every finding

GROUPING_WORDS: dict[str, str] = {
    "authority": "council",
    "age_band": "age group",
    "gender": "gender",
}


@dataclass
class Para:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass
class Chart:
    kind: str  # "levels", "drivers", "efficacy" (see charts.CHARTS)
    caption: str


Block = Para | Bullets | Table | Chart


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 1
    appendix: bool = False


@dataclass
class KeyMessage:
    text: str  # one sentence
    number: str  # the one number it states, as printed
    finding: str  # key of the finding it comes from


@dataclass
class Brief:
    """Everything the brief says, in order."""

    title: str
    subtitle: str
    details: list[tuple[str, str]]  # title page: (label, value)
    key_messages: list[KeyMessage]
    sections: list[Section]
    findings: list[Finding]
    options: BriefOptions

    def body_sections(self) -> list[Section]:
        return [s for s in self.sections if not s.appendix]

    def body_text(self, *, tables: bool = True) -> str:
        """The body (no appendix) as plain text: for the readability and banned-word tests."""
        lines = [self.title, self.subtitle, *(m.text for m in self.key_messages)]
        for s in self.body_sections():
            lines.append(s.heading)
            for b in s.blocks:
                lines.extend(_block_text(b, tables=tables))
        return "\n".join(lines)

    def prose(self) -> str:
        """Sentences of the body only (paragraphs, bullets, key messages): for readability."""
        parts = [m.text for m in self.key_messages]
        for s in self.body_sections():
            for b in s.blocks:
                if isinstance(b, Para):
                    parts.append(b.text)
                elif isinstance(b, Bullets):
                    parts.extend(b.items)
        return "\n".join(parts)

    def all_text(self) -> str:
        lines = [self.title, self.subtitle, *(f"{a}: {b}" for a, b in self.details)]
        lines.extend(m.text for m in self.key_messages)
        for s in self.sections:
            lines.append(s.heading)
            for b in s.blocks:
                lines.extend(_block_text(b, tables=True))
        return "\n".join(lines)


def _block_text(b: Block, *, tables: bool) -> list[str]:
    if isinstance(b, Para):
        return [b.text]
    if isinstance(b, Bullets):
        return list(b.items)
    if isinstance(b, Chart):
        return [b.caption]
    if tables:
        return [b.title, " | ".join(b.header), *(" | ".join(r) for r in b.rows), b.note]
    return []


# --------------------------------------------------------------------------- helpers


def _range(lv: Level) -> str:
    if lv.ci_low is None or lv.ci_high is None:
        return "–"
    return f"{lv.ci_low:.0f}% to {lv.ci_high:.0f}%"


def _councils_text(result: AnalysisResult, options: BriefOptions) -> str:
    if options.council_name:
        return options.council_name
    names = list(result.authorities)
    if len(names) == 1:
        return names[0]
    return f"{len(names)} councils"


def _base_line(result: AnalysisResult) -> str:
    text = f"{whole(result.n_respondents)} residents answered the survey"
    effs = [
        lv.effective_base
        for lv in result.levels.values()
        if lv.effective_base is not None and math.isfinite(lv.effective_base)
    ]
    if result.weighted and effs:
        text += f" (weighted; effective base about {whole(min(effs))})"
    return text


def _group_table(
    result: AnalysisResult, grouping: str, options: BriefOptions, title: str
) -> tuple[Table | None, dict[str, dict[str, Protected]]]:
    """A levels table for one grouping, with small groups hidden."""
    by = {f: printed_groups(protected_by(result, grouping, f, options)) for f in FORMS}
    groups: list[str] = []
    for f in FORMS:
        groups.extend(g for g in by[f] if g not in groups)
    if not groups:
        return None, by
    first = GROUPING_WORDS.get(grouping, grouping.replace("_", " ")).capitalize()
    header = [first, "Do things for themselves", "Act with others", "Answers", "Note"]
    rows = []
    hidden_any = False
    for g in groups:
        cells = [g]
        statuses = []
        bases = []
        for f in FORMS:
            p = by[f].get(g)
            if p is None:
                cells.append("–")
                continue
            statuses.append(p.status)
            bases.append(p)
            cells.append(
                percent(p.level.percent) if p.shown and p.level is not None else "not shown"
            )
        worst = (
            "suppressed"
            if "suppressed" in statuses
            else "secondary"
            if "secondary" in statuses
            else "caution"
            if "caution" in statuses
            else "shown"
        )
        hidden_any = hidden_any or worst in HIDDEN
        smallest = min(bases, key=lambda p: p.base) if bases else None
        cells.append(base_text(smallest.base, worst, options) if smallest else "–")  # type: ignore[arg-type]
        cells.append(status_note(worst, options))  # type: ignore[arg-type]
        rows.append(cells)
    if not any(r[-1] for r in rows):  # no notes: drop the empty column
        header = header[:-1]
        rows = [r[:-1] for r in rows]
    note = (
        f"Groups with fewer than {options.min_base} answers are not shown. Nor is the next "
        "smallest group, so the hidden figure cannot be worked out from the total."
        if hidden_any
        else ""
    )
    return Table(title, header, rows, note), by


def _in_group(grouping: str, group: str) -> str:
    """'in Northbury', 'among those aged 16-34', "in the 'Female' group"."""
    if grouping == "authority":
        return f"in {group}"
    if grouping == "age_band":
        return f"among those aged {group}"
    return f"in the '{group}' group"


def _highest_lowest(by: dict[str, Protected], what: str, grouping: str) -> str | None:
    shown = {
        g: p.level.percent
        for g, p in by.items()
        if p.shown and p.level is not None and p.level.percent is not None
    }
    if len(shown) < 2:
        return None
    hi = max(shown, key=shown.__getitem__)
    lo = min(shown, key=shown.__getitem__)
    if round(shown[hi]) == round(shown[lo]):
        return None
    caution = [g for g in (hi, lo) if by[g].status == "caution"]
    text = (
        f"The share who {what} is highest {_in_group(grouping, hi)} ({percent(shown[hi])}) "
        f"and lowest {_in_group(grouping, lo)} ({percent(shown[lo])})."
    )
    if caution:
        where = join_words([_in_group(grouping, g) for g in caution])
        text += f" Few people answered {where}, so treat this with care."
    return text


# --------------------------------------------------------------------------- sections


def _levels_section(
    result: AnalysisResult, findings: list[Finding], options: BriefOptions
) -> Section:
    sec = Section("How common is co-production?")
    sec.blocks.append(
        Para(
            "Co-production means residents helping to improve public services and their area. "
            "It takes two forms. Some things residents do for themselves, such as recycling. "
            "Other things they do with others, such as volunteering. Here, doing something "
            f"'regularly' means at least '{result.threshold}'."
        )
    )
    levels = [f for f in findings if f.kind == "level"]
    if levels:
        sec.blocks.append(Para(" ".join(f.statement for f in levels)))
    caution = [
        f
        for f in FORMS
        if (p := protect_level(result.levels.get(f), options)) is not None and p.status == "caution"
    ]
    if caution:
        sec.blocks.append(
            Para(
                f"Fewer than {options.caution_base} people answered, so treat these figures with care."
            )
        )
    if len(result.authorities) > 1:
        grouping = "authority"
        table, by = _group_table(
            result, "authority", options, "Share who do each regularly, by council"
        )
        if table is not None:
            for form in FORMS:
                text = _highest_lowest(by[form], FORM_DO[form], grouping)
                if text:
                    sec.blocks.append(Para(text))
            sec.blocks.append(table)
    sec.blocks.append(
        Chart("levels", "How many residents do each form of co-production, with the likely range.")
    )
    for grouping, title in (("age_band", "By age group"), ("gender", "By gender")):
        if grouping not in result.levels_by:
            continue
        table, by = _group_table(
            result, grouping, options, f"Share who do each regularly, {title.lower()}"
        )
        if table is None:
            continue
        for form in FORMS:
            text = _highest_lowest(by[form], FORM_DO[form], grouping)
            if text:
                sec.blocks.append(Para(text))
        sec.blocks.append(table)
    return sec


def _drivers_section(result: AnalysisResult, findings: list[Finding]) -> Section:
    sec = Section("What goes with more co-production?")
    sec.blocks.append(
        Para(
            "We looked at which views go with doing more. Each link allows for the other views, "
            "age, background and council. The scores run from 0 to 100."
        )
    )
    clear = [f for f in findings if f.kind == "driver" and f.clear]
    unclear = [f for f in findings if f.kind == "driver" and not f.clear]
    background = [f for f in findings if f.kind == "control" and f.clear]
    notable = [f for f in background if f.strength not in ("very small", "")]
    shown = (clear + notable)[:MAX_LINKS]
    if shown:
        sec.blocks.append(Bullets([f"{f.statement} This link is {f.strength}." for f in shown]))
    else:
        sec.blocks.append(Para("None of the views we looked at shows a clear link."))
    rest = [f for f in background if f not in shown]
    if rest:
        names = sorted({driver_phrase(f.driver or "") for f in rest})
        sec.blocks.append(
            Para(
                f"Background ({join_words(names)}) shows only very small links. "
                "The appendix lists them."
            )
        )
    if unclear:
        names = sorted({driver_phrase(f.driver or "") for f in unclear})
        sec.blocks.append(
            Para(f"There is no clear link with {join_words(names)} for at least one form.")
        )
    if result.drivers_not_mapped:
        missing = [driver_phrase(d) for d in result.drivers_not_mapped]
        sec.blocks.append(
            Para(
                f"The survey had no questions on {join_words(missing)}, so we could not check them."
            )
        )
    sec.blocks.append(
        Para("These are links, not proof of cause. People who do more may also feel more able.")
    )
    sec.blocks.append(
        Chart("drivers", "How much higher each score is for the most favourable answer.")
    )
    sec.blocks.append(
        Chart(
            "efficacy", "Expected share taking part, from least to most able to make a difference."
        )
    )
    return sec


def _compare_section(findings: list[Finding]) -> Section:
    sec = Section("How the two forms differ")
    gap = [f for f in findings if f.kind == "gap"]
    comp = [f for f in findings if f.kind == "compare"]
    if gap:
        sec.blocks.append(Para(gap[0].statement))
    clear = [f for f in comp if f.clear]
    if clear:
        sec.blocks.append(Bullets([f.statement for f in clear]))
    same = [driver_phrase(f.driver or "") for f in comp if not f.clear]
    if same:
        sec.blocks.append(
            Para(f"For {join_words(same)}, the link is much the same for both forms.")
        )
    if not gap and not comp:
        sec.blocks.append(Para("The survey did not allow the two forms to be compared."))
    return sec


RECOMMEND: dict[str, str] = {
    "efficacy": (
        "Show residents what changed after they took part. Use regular 'you said, we did' updates."
    ),
    "consultation_satisfaction": (
        "Make consultation count. Say what each one is for, and report back on the outcome."
    ),
    "informed": "Keep residents informed, and tell them simple ways to help.",
    "trust_council": "Build trust. Be open about decisions and keep promises.",
    "area_satisfaction": "Work with residents on what they like and dislike about their area.",
}


def _recommendations(findings: list[Finding]) -> list[str]:
    recs: list[str] = []
    done: set[str] = set()
    for f in findings:
        if not f.clear or f.kind != "driver" or f.driver in done:
            continue
        d = f.driver or ""
        if d in RECOMMEND and (f.value or 0) > 0:
            recs.append(f"{RECOMMEND[d]} Why: {f.statement}")
            done.add(d)
        elif d == "age" and f.form == "collective":
            rec = (
                "Find ways for younger residents to join group activity, such as short one-off tasks."
                if (f.value or 0) > 0
                else "Offer older residents easy ways to join group activity near home."
            )
            recs.append(f"{rec} Why: {f.statement}")
            done.add(d)
    gap = next((f for f in findings if f.kind == "gap" and f.clear and (f.value or 0) > 0), None)
    if gap:
        recs.append(
            "Help residents who already do things for themselves to take the next step and act "
            f"with others. Why: {gap.statement}"
        )
    if not recs:
        recs.append(
            "Ask more residents about what would help them take part. Why: this survey shows no "
            "clear link to act on."
        )
    return recs


def _caveats(result: AnalysisResult, options: BriefOptions) -> list[str]:
    items = [
        "These links do not prove cause and effect. The survey cannot show what would happen if views changed.",
        "The figures are for the residents who answered. People who take part in surveys may "
        "also do more in their area.",
        f"Groups with fewer than {options.min_base} answers are not shown, to protect people. "
        f"Figures on fewer than {options.caution_base} answers are marked for caution.",
    ]
    if result.weighted:
        items.append("The figures are weighted to match the local population.")
    else:
        items.append("The figures are not weighted, so they may not match the local population.")
    if result.drivers_not_mapped:
        items.append(
            f"Some views were not asked: {join_words([driver_phrase(d) for d in result.drivers_not_mapped])}."
        )
    for form in FORMS:
        m = result.models.get(form)
        if m is not None and not m.ok:
            items.append(
                f"We could not look at what goes with {FORM_NOUN[form]}. See the appendix."
            )
    return items


# --------------------------------------------------------------------------- appendix


def _fmt(v: float | None, nd: int = 2) -> str:
    return f"{v:.{nd}f}" if v is not None and math.isfinite(v) else "–"


def _p(v: float | None) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    return "< 0.001" if v < 0.001 else f"{v:.3f}"


def model_table(name: str, m: ModelResult, result: AnalysisResult, options: BriefOptions) -> Table:
    """One model's terms; effects resting on a hidden council or on a category fewer than
    ``min_base`` respondents gave are left out, and the note says how many."""
    unit = "percentage points" if m.kind == "logit_ame" else "index points"
    rows = []
    hidden: list[str] = []
    for term, t in m.terms.items():
        if term_hidden(term, result, options):
            hidden.append(term)
            continue
        rows.append(
            [
                term_words(term) if term != "age" else "Age (per year)",
                _fmt(t.estimate),
                _fmt(t.std_error),
                _fmt(t.ci_low),
                _fmt(t.ci_high),
                _p(t.p_value),
                _fmt(t.std_estimate),
            ]
        )
    note_bits = [
        f"{m.method}. Outcome: {m.outcome}. Estimates in {unit}. "
        f"Respondents used: {whole(m.n)} of {whole(m.n_in_data)}."
    ]
    if m.r_squared is not None:
        note_bits.append(f"R-squared {m.r_squared:.3f}.")
    if m.reference_levels:
        refs = [
            f"{term_words(k)}: {v}"
            for k, v in m.reference_levels.items()
            if not (k == "authority" and v in _hidden_set(result, options))
        ]
        if refs:
            note_bits.append("Reference groups: " + "; ".join(refs) + ".")
    if hidden:
        note_bits.append(hidden_terms_note(hidden, options))
    if not m.ok:
        note_bits.append("This model was not fitted.")
    return Table(
        name,
        ["Term", "Estimate", "Std. error", "95% CI low", "95% CI high", "p", "Standardised"],
        rows,
        " ".join(note_bits),
    )


def _hidden_set(result: AnalysisResult, options: BriefOptions) -> set[str]:
    return {g for g, s in council_status(result, options).items() if s in HIDDEN}


def _appendix(
    result: AnalysisResult, findings: list[Finding], options: BriefOptions
) -> list[Section]:
    out = [Section("Technical appendix", appendix=True)]
    out[0].blocks.append(
        Para(
            "This appendix is for analysts. It gives the methods, the full model tables, the "
            "evidence behind each statement and the data checks."
        )
    )
    methods = [
        "Indices: for each form, the mean of the item scores rescaled to 0–100, for "
        "respondents who answered at least half the items; Cronbach's alpha shown.",
        f"Levels: share doing at least one activity of the form at least '{result.threshold}'; "
        "Wilson 95% intervals"
        + (", weighted, with Kish effective bases." if result.weighted else "."),
        "Index models: least squares of each index on the drivers (each rescaled 0–1) and "
        "controls, with council fixed effects and robust (HC3) standard errors; weighted least "
        "squares when a weight is mapped.",
        "Participation models: logistic regression of doing at least one activity regularly; "
        "average marginal effects in percentage points (driver effects from the least to the "
        "most favourable answer; age per year).",
        "Comparison: stacked model with every term interacted with the form, errors clustered "
        "by respondent; difference = collective minus individual.",
        f"Small groups: figures on fewer than {options.min_base} respondents are suppressed, "
        "with secondary suppression of the next smallest group; bases under "
        f"{options.caution_base} (unweighted or effective) carry a caution.",
    ]
    out.append(Section("Methods", [Bullets(methods)], level=2, appendix=True))
    out.append(Section("Rules of thumb for strength", [Para(RULE_SET)], level=2, appendix=True))
    # Bases and indices.
    rows = []
    for form in FORMS:
        p = protect_level(result.levels.get(form), options)
        idx = result.indices.get(form)
        if p is None:
            continue
        lv = p.level
        rows.append(
            [
                form.capitalize(),
                percent(lv.percent, decimals=1) if lv else "not shown",
                _range(lv) if lv else "not shown",
                base_text(p.base, p.status, options),
                effective_text(p.effective_base, p.status, p.base),
                _fmt(idx.mean, 1) if idx and p.shown else "–",
                _fmt(idx.sd, 1) if idx and p.shown else "–",
                _fmt(idx.alpha) if idx and p.shown else "–",
            ]
        )
    out.append(
        Section(
            "Levels, bases and indices",
            [
                Table(
                    "Levels and indices",
                    [
                        "Form",
                        "Level",
                        "95% interval",
                        "Unweighted base",
                        "Effective base",
                        "Index mean",
                        "Index SD",
                        "Alpha",
                    ],
                    rows,
                )
            ],
            level=2,
            appendix=True,
        )
    )
    tables: list[Block] = []
    for form in FORMS:
        if form in result.models:
            tables.append(model_table(f"Index model: {form}", result.models[form], result, options))
        if form in result.participation:
            tables.append(
                model_table(
                    f"Participation model: {form}", result.participation[form], result, options
                )
            )
    if result.comparison:
        crow = [
            [
                term_words(t) if t != "age" else "Age (per year)",
                _fmt(c.individual),
                _fmt(c.collective),
                _fmt(c.difference),
                _fmt(c.ci_low),
                _fmt(c.ci_high),
                _p(c.p_value),
            ]
            for t, c in result.comparison.items()
            if not term_hidden(t, result, options)
        ]
        tables.append(
            Table(
                "Comparison between the forms",
                [
                    "Term",
                    "Individual",
                    "Collective",
                    "Difference",
                    "95% CI low",
                    "95% CI high",
                    "p",
                ],
                crow,
                "Index points; difference = collective minus individual.",
            )
        )
    out.append(Section("Model tables", tables, level=2, appendix=True))
    out.append(
        Section(
            "Evidence behind each statement",
            [
                Table(
                    "Findings",
                    ["Statement", "Strength", "Evidence"],
                    [[f.statement, f.strength or "–", f.evidence] for f in findings],
                )
            ],
            level=2,
            appendix=True,
        )
    )
    dq: list[Block] = []
    if result.quality.rows_per_file:
        dq.append(
            Table(
                "Rows read",
                ["File", "Rows"],
                [[k, v] for k, v in protect_file_rows(result, options).items()],
            )
        )
    notes = [
        f"{i.severity.capitalize()}: {i.message}"
        + (f" ({whole(i.count)} answers)" if i.count else "")
        + (f" Action: {i.action}." if i.action else "")
        for i in result.quality.issues
    ]
    notes += [f"Warning: {w}" for w in result.warnings]
    notes += [
        f"{d.severity.capitalize()} ({d.model or 'analysis'}): "
        f"{diagnostic_message(d, result, options)}"
        for d in result.diagnostics
    ]
    for group in (result.models, result.participation):
        for m in group.values():
            notes += [
                f"{d.severity.capitalize()} ({d.model or m.form}): "
                f"{diagnostic_message(d, result, options)}"
                for d in m.diagnostics
            ]
    dq.append(Bullets(list(dict.fromkeys(notes)) or ["No data problems were found."]))
    out.append(Section("Data quality and model checks", dq, level=2, appendix=True))
    return out


# --------------------------------------------------------------------------- brief


def _key_messages(findings: list[Finding]) -> list[KeyMessage]:
    msgs: list[KeyMessage] = []
    used_drivers: set[str] = set()

    def add(f: Finding) -> None:
        msgs.append(KeyMessage(f.statement, f.number, f.key))

    for f in findings:
        if f.kind == "level":
            add(f)
    drivers = [f for f in findings if f.kind == "driver" and f.clear]
    for f in drivers:
        if len(msgs) >= 4:
            break
        if f.driver in used_drivers:
            continue
        used_drivers.add(f.driver or "")
        add(f)
    comp = next((f for f in findings if f.kind == "compare" and f.clear), None)
    gap = next((f for f in findings if f.kind == "gap" and f.clear), None)
    for extra in (comp, gap):
        if extra is not None and len(msgs) < 5:
            add(extra)
    if len(msgs) < 3:
        for f in findings:
            if len(msgs) >= 3:
                break
            if f.key not in {m.finding for m in msgs}:
                add(f)
    return msgs[:5]


def build_brief(result: AnalysisResult, options: BriefOptions | None = None) -> Brief:
    """The whole brief for ``result``: title page, key messages, sections, appendix."""
    options = options or BriefOptions()
    findings = build_findings(result, options)
    place = _councils_text(result, options)
    title = options.title or f"Co-production in {place}"
    subtitle = "What residents do to help, and what goes with doing more"
    details = [
        ("Council", place),
        ("Survey", options.survey_name or join_words(result.sources) or "Resident survey"),
        (
            "Date",
            options.date.strftime("%-d %B %Y")
            if hasattr(options.date, "strftime")
            else str(options.date),
        ),
        ("Base", _base_line(result)),
        ("Prepared with", APP_NAME),
    ]
    sections = [
        _levels_section(result, findings, options),
        _drivers_section(result, findings),
        _compare_section(findings),
        Section("What this means for the council", [Bullets(_recommendations(findings))]),
        Section("Caveats", [Bullets(_caveats(result, options))]),
    ]
    if options.include_appendix:
        sections.extend(_appendix(result, findings, options))
    return Brief(title, subtitle, details, _key_messages(findings), sections, findings, options)


# --------------------------------------------------------------------------- HTML


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def brief_to_html(brief: Brief) -> str:
    """Simple HTML (headings, lists, tables) that QTextBrowser renders well."""
    out = [f"<h1>{_e(brief.title)}</h1>", f"<p><i>{_e(brief.subtitle)}</i></p>", "<p>"]
    out.append("<br/>".join(f"<b>{_e(a)}:</b> {_e(b)}" for a, b in brief.details))
    out.append("</p>")
    out.append("<h2>Key messages</h2><ul>")
    out.extend(f"<li>{_e(m.text)}</li>" for m in brief.key_messages)
    out.append("</ul>")
    for s in brief.sections:
        tag = "h2" if s.level == 1 else "h3"
        out.append(f"<{tag}>{_e(s.heading)}</{tag}>")
        for b in s.blocks:
            if isinstance(b, Para):
                out.append(f"<p>{_e(b.text)}</p>")
            elif isinstance(b, Bullets):
                out.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in b.items) + "</ul>")
            elif isinstance(b, Chart):
                out.append(f"<p><i>Chart: {_e(b.caption)}</i></p>")
            else:
                out.append(f"<p><b>{_e(b.title)}</b></p>")
                out.append('<table border="1" cellspacing="0" cellpadding="3">')
                out.append("<tr>" + "".join(f"<th>{_e(h)}</th>" for h in b.header) + "</tr>")
                for r in b.rows:
                    out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>")
                out.append("</table>")
                if b.note:
                    out.append(f"<p><small>{_e(b.note)}</small></p>")
    return "\n".join(out)
