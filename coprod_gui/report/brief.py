"""The policy brief as a structure, and its HTML for the window's Report tab.

Why a structure and not text: the Word writer, the Excel workbook, the window, results.json
and the tests all need the same sections, key messages, recommendations, tables and charts.
:func:`build_brief` decides what is said (:mod:`.body` from :mod:`.findings`, the appendix
from :mod:`.appendix`); the writers only lay it out. Tables and charts are numbered here,
in reading order, each titled with its message and carrying a source-and-base line.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .. import APP_NAME
from ..core.results import AnalysisResult, BriefItem
from .findings import Finding, build_findings
from .options import BriefOptions
from .wording import join_words, whole

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


@dataclass
class Para:
    text: str


@dataclass
class Bullets:
    items: list[str]
    numbered: bool = False


@dataclass
class Table:
    title: str  # the message, 10 words or fewer
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    source: str = ""
    number: int = 0
    prefix: str = ""  # "A" in the appendix

    @property
    def caption(self) -> str:
        return f"Table {self.prefix}{self.number}: {self.title}" if self.number else self.title


@dataclass
class Chart:
    kind: str  # "levels", "drivers", "efficacy" (see charts.CHARTS)
    title: str  # the message, 10 words or fewer
    source: str = ""
    number: int = 0
    note: str = ""  # what the chart means, above its source line

    @property
    def caption(self) -> str:
        return f"Figure {self.number}: {self.title}" if self.number else self.title


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
    terms: list[str] = field(default_factory=list)


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
    recommendations: list[BriefItem] = field(default_factory=list)
    lead: list[Block] = field(default_factory=list)  # right after the key messages
    key_note: str = ""  # said once, under the key messages: links, not proof of cause

    def body_sections(self) -> list[Section]:
        return [s for s in self.sections if not s.appendix]

    def body_text(self, *, tables: bool = True) -> str:
        """The body (no appendix) as plain text: for the readability and banned-word tests."""
        lines = [self.title, self.subtitle, *(f"{a}: {b}" for a, b in self.details)]
        lines += [m.text for m in self.key_messages]
        if self.key_note:
            lines.append(self.key_note)
        for b in self.lead:
            lines.extend(_block_text(b, tables=tables))
        for s in self.body_sections():
            lines.append(s.heading)
            for b in s.blocks:
                lines.extend(_block_text(b, tables=tables))
        return "\n".join(lines)

    def prose(self) -> str:
        """Sentences of the body only (paragraphs, bullets, key messages): for readability."""
        parts = [m.text for m in self.key_messages]
        if self.key_note:
            parts.append(self.key_note)
        for s in self.body_sections():
            for b in s.blocks:
                if isinstance(b, Para):
                    parts.append(b.text)
                elif isinstance(b, Bullets):
                    parts.extend(b.items)
        return "\n".join(parts)

    def all_text(self) -> str:
        lines = [self.body_text()]
        for s in self.sections:
            if s.appendix:
                lines.append(s.heading)
                for b in s.blocks:
                    lines.extend(_block_text(b, tables=True))
        return "\n".join(lines)

    def items(self) -> dict[str, list[dict[str, object]]]:
        """results.json ``brief``: key messages and recommendations with their terms."""
        return {
            "key_messages": [{"text": m.text, "terms": list(m.terms)} for m in self.key_messages],
            "recommendations": [{"text": r.text, "terms": list(r.terms)} for r in self.recommendations],
        }


def _block_text(b: Block, *, tables: bool) -> list[str]:
    if isinstance(b, Para):
        return [b.text]
    if isinstance(b, Bullets):
        return list(b.items)
    if isinstance(b, Chart):
        return [b.caption, *([b.note] if b.note else []), b.source]
    if tables:
        return [b.caption, " | ".join(b.header), *(" | ".join(r) for r in b.rows), b.note, b.source]
    return [b.caption]


def council_from_file_name(result: AnalysisResult) -> bool:
    """One survey file and no council column: the only 'council' is the file's name
    (e.g. 'GSS2010'), which the brief must not print as a council or put in its title."""
    mapping = getattr(result, "mapping", None)
    mapped = mapping.get("authority") if mapping is not None else None
    return not mapped and len(result.authorities) <= 1


def _councils(result: AnalysisResult, options: BriefOptions) -> str:
    """The councils by name, except any too small to show (a name can be a resident's own
    words, and naming a tiny council says a handful of people answered from it)."""
    from .suppression import hidden_councils

    if options.council_name:
        return options.council_name
    hidden = hidden_councils(result, options)
    names = [a for a in result.authorities if a not in hidden]
    if hidden:
        names.append(f"{len(hidden)} more not named (too few answers)")
    return join_words(names) or "Not recorded"


def levels_base(result: AnalysisResult) -> int:
    """How many residents answered the questions on what they do (the levels' base): on
    GSS 2010, 1,423 of the 2,044 who answered the survey."""
    bases = [lv.base for lv in result.levels.values() if lv is not None and lv.base]
    return max(bases) if bases else result.n_respondents


def source_line(result: AnalysisResult, options: BriefOptions, base: int | None = None) -> str:
    """'Source: Residents' Survey 2026, September to October 2026; base: 4,012 residents'.
    Without ``base``: the levels' base (a levels table or chart counts only the residents
    who answered the questions on what they do)."""
    name = options.survey_name or "resident survey"
    when = f", {options.fieldwork}" if options.fieldwork else ""
    n = levels_base(result) if base is None else base
    return f"Source: {name}{when}; base: {whole(n)} residents"


def _number(blocks: list[Block], counters: dict[str, int], prefix: str = "") -> None:
    for b in blocks:
        if isinstance(b, Table):
            counters["table" + prefix] += 1
            b.number, b.prefix = counters["table" + prefix], prefix
        elif isinstance(b, Chart):
            counters["figure"] += 1
            b.number = counters["figure"]


def build_brief(result: AnalysisResult, options: BriefOptions | None = None) -> Brief:
    """The whole brief for ``result``: title page, key messages, sections, appendix."""
    from .appendix import appendix_sections
    from .body import body_sections, key_messages, recommendations

    options = options or BriefOptions()
    findings = build_findings(result, options)
    place = _councils(result, options)
    unnamed = council_from_file_name(result) and not options.council_name
    single = options.council_name or (
        next(iter(result.authorities))
        if len(result.authorities) == 1
        and result.n_respondents >= options.min_base
        and not unnamed
        else None
    )
    title = options.title or (
        f"Co-production in {single}" if single else "Co-production: resident survey findings"
    )
    details = [("Survey", options.survey_name or "Resident survey")]
    if options.fieldwork:
        details.append(("Fieldwork", options.fieldwork))
    if options.sampling:
        details.append(("Who was asked", options.sampling))
    one = options.council_name or len(result.authorities) <= 1
    if not unnamed:
        details.append(("Council" if one else "Councils", place))
    details.append(("Residents who answered", whole(result.n_respondents)))
    if options.contact:
        details.append(("Contact", options.contact))
    details.append(
        (
            "Published",
            options.date.strftime("%-d %B %Y")
            if hasattr(options.date, "strftime")
            else str(options.date),
        )
    )
    details.append(("Prepared with", APP_NAME))
    msgs, lead = key_messages(findings, result, options)
    recs = recommendations(findings, result, options)
    sections = body_sections(result, findings, options, recs, lead)
    if options.include_appendix:
        sections.extend(appendix_sections(result, findings, options, msgs, recs))
    counters = {"table": 0, "tableA": 0, "figure": 0}
    _number(lead, counters)
    for s in sections:
        _number(s.blocks, counters, "A" if s.appendix else "")
    return Brief(
        title,
        "What residents do to help, and what goes with doing more",
        details,
        msgs,
        sections,
        findings,
        options,
        recs,
        lead,
        KEY_NOTE if any(m.terms for m in msgs) else "",
    )


KEY_NOTE = (
    "These are links, not proof of cause: people who take part may come to feel more able, "
    "as much as the other way round."
)


# --------------------------------------------------------------------------- HTML


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _blocks_html(blocks: list[Block], out: list[str]) -> None:
    for b in blocks:
        if isinstance(b, Para):
            out.append(f"<p>{_e(b.text)}</p>")
        elif isinstance(b, Bullets):
            tag = "ol" if b.numbered else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{_e(i)}</li>" for i in b.items) + f"</{tag}>")
        elif isinstance(b, Chart):
            note = f"<br/><small>{_e(b.note)}</small>" if b.note else ""
            out.append(f"<p><b>{_e(b.caption)}</b>{note}<br/><small>{_e(b.source)}</small></p>")
        else:
            out.append(f"<p><b>{_e(b.caption)}</b></p>")
            out.append('<table border="1" cellspacing="0" cellpadding="3">')
            out.append("<tr>" + "".join(f"<th>{_e(h)}</th>" for h in b.header) + "</tr>")
            for r in b.rows:
                out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>")
            out.append("</table>")
            for small in (b.note, b.source):
                if small:
                    out.append(f"<p><small>{_e(small)}</small></p>")


def brief_to_html(brief: Brief) -> str:
    """Simple HTML (headings, lists, tables) that QTextBrowser renders well."""
    out = [f"<h1>{_e(brief.title)}</h1>", f"<p><i>{_e(brief.subtitle)}</i></p>", "<p>"]
    out.append("<br/>".join(f"<b>{_e(a)}:</b> {_e(b)}" for a, b in brief.details))
    out.append("</p>")
    out.append("<h2>Key messages</h2><ul>")
    out.extend(f"<li>{_e(m.text)}</li>" for m in brief.key_messages)
    out.append("</ul>")
    if brief.key_note:
        out.append(f"<p><i>{_e(brief.key_note)}</i></p>")
    _blocks_html(brief.lead, out)
    for s in brief.sections:
        tag = "h2" if s.level == 1 else "h3"
        out.append(f"<{tag}>{_e(s.heading)}</{tag}>")
        _blocks_html(s.blocks, out)
    return "\n".join(out)
