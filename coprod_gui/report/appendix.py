"""The brief's technical appendix: at most five pages (GOV.UK / ONS practice).

Why so short: the full model tables and the complete evidence list are in the workbook
(:mod:`.xlsx_writer`). Here: the methods, one compact table per model family, the
evidence behind the body's own statements only, and the data checks as one table.
"""

from __future__ import annotations

import math

from ..core.results import AnalysisResult, BriefItem
from ..core.stats.diagnostics import term_words
from ..core.survey.constructs import DRIVERS, FORMS
from .brief import Block, Bullets, KeyMessage, Para, Section, Table, source_line
from .findings import Finding, age_ends, age_label, driver_phrase, links, strong
from .options import BriefOptions
from .suppression import (
    base_text,
    diagnostic_message,
    effective_text,
    protect_level,
    term_hidden,
)
from .wording import FORM_NOUN, RULE_SET, percent, sentence_case, whole

MAX_CHECKS = 14


MINUS = "\u2212"
"""A negative number's sign: the minus sign, which a line never breaks after (a hyphen
lets LibreOffice and Word split "-4.4" at the end of a line)."""


def _fmt(v: float | None, nd: int = 1, sign: bool = False) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    text = f"{v:.{nd}f}"  # never a leading '+': "+33.7" reads like a phone prefix
    return MINUS + text[1:] if text.startswith("-") else text


def p_text(v: float | None) -> str:
    """'<0.001', '0.012' or '>0.999' (never '0.000' or '1.000', which read as certainty)."""
    if v is None or not math.isfinite(v):
        return "–"
    if v < 0.001:
        return "<0.001"
    return ">0.999" if v >= 0.9995 else f"{v:.3f}"  # what would round to 1.000


def _range(est: float, low: float, high: float) -> str:
    return f"{_fmt(est, sign=True)} ({_fmt(low, sign=True)} to {_fmt(high, sign=True)})"


def _term_label(term: str, result: AnalysisResult) -> str:
    if term == "age":
        return age_label(result)
    return sentence_case(driver_phrase(term)) if term in DRIVERS else term_words(term)


def _form_name(form: str) -> str:
    """'Doing things for themselves': the body's names, never 'individual'."""
    return sentence_case(FORM_NOUN.get(form, form))


def _age_years(result: AnalysisResult) -> str:
    """'40 years from 30 to 70' or '62.5 years from the 16-24 band's midpoint to the 75+
    band's' (never '... between 70 against 30')."""
    young, old, young_label, old_label = age_ends(result)
    span = f"{old - young:g} years"
    if (young_label, old_label) == (f"{young:g}", f"{old:g}"):
        return f"{span} from {young:g} to {old:g}"
    return f"{span} from the {young_label} band's midpoint to the {old_label} band's"


def _methods(result: AnalysisResult, options: BriefOptions) -> list[str]:
    weighted = " (weighted, with Kish effective bases)" if result.weighted else ""
    return [
        f"Levels: share doing at least one activity of each form at least "
        f"'{result.threshold}', with Wilson 95% intervals{weighted}.",
        "Links (the body's unit): logistic regression of taking part in each form on the "
        "drivers (scored 0 to 1), age, background and council; the two forms stacked in one "
        "model with respondent-clustered standard errors. A gap is the average change in the "
        "predicted share from the lowest to the highest answer (age: per year, times the "
        f"{_age_years(result)}), with delta-method 95% ranges.",
        "Comparison of the forms: a form is named only when the difference is clear both in "
        "percentage points and in log-odds, in the same direction; 'opposite' when each "
        "form's link is clear and the signs differ; otherwise 'cannot tell'.",
        "Background questions (age and the categories) are Holm-corrected for the number "
        "tested, within each form and scale.",
        "Index models (in the workbook only): least squares of each 0 to 100 index with "
        "council fixed effects and robust (HC3) standard errors. The acting-with-others index "
        "sits near its floor, which squashes its slopes, so these models are never compared "
        "across forms.",
        f"Small groups: figures on fewer than {options.min_base} respondents are suppressed, "
        f"with secondary suppression; bases under {options.caution_base} carry a caution.",
    ]


def _levels_table(result: AnalysisResult, options: BriefOptions) -> Table:
    rows = []
    for form in FORMS:
        p = protect_level(result.levels.get(form), options)
        idx = result.indices.get(form)
        if p is None:
            continue
        lv = p.level
        shown = p.shown and lv is not None
        rows.append(
            [
                _form_name(form),
                percent(lv.percent, decimals=1) if shown else "not shown",  # type: ignore[union-attr]
                f"{lv.ci_low:.1f} to {lv.ci_high:.1f}"  # type: ignore[union-attr]
                if shown and lv.ci_low is not None and lv.ci_high is not None  # type: ignore[union-attr]
                else "–",
                base_text(p.base, p.status, options),
                effective_text(p.effective_base, p.status, p.base),
                _fmt(idx.mean) if idx and p.shown else "–",
                _fmt(idx.alpha, 2) if idx and p.shown else "–",
            ]
        )
    return Table(
        "Levels, bases and index reliability",
        ["Form", "Level (%)", "95% interval", "Base", "Effective base", "Index mean", "Alpha"],
        rows,
        "Effective base: the base a simple random sample of the same precision would need.",
        source_line(result, options),
    )


def _links_table(result: AnalysisResult, options: BriefOptions) -> Table | None:
    per_term = links(result, options)
    rows = []
    for term, per in per_term.items():
        if not (term in DRIVERS or term == "age" or any(strong(lk) for lk in per.values())):
            continue
        c = result.comparison.get(term)
        cells = [_term_label(term, result)]
        for form in FORMS:
            lk = per.get(form)
            cells.append(_range(lk.value, lk.low, lk.high) if lk else "–")
        if c is not None and c.points is not None and c.odds is not None:
            young, old, _, _ = age_ends(result)
            k = old - young if term == "age" else 1.0
            d = c.points
            cells.append(_range(k * d.difference, k * d.ci_low, k * d.ci_high))
            cells.append(p_text(c.odds.p_holm if c.odds.p_holm is not None else c.odds.p_value))
            cells.append(VERDICT_CELL.get(c.verdict, c.verdict))
        else:
            cells += ["–", "–", "–"]
        rows.append(cells)
    if not rows:
        return None
    return Table(
        "Links in percentage points, and the comparison of the forms",
        ["Question", "Doing things for themselves", "Acting with others", "Difference", "p (odds scale)", "Which form"],
        rows,
        "Percentage points with 95% ranges; difference = acting with others minus doing things "
        "for themselves. "
        "A gap in percentage points depends on how common each form is (a form most residents "
        "already do has less room to rise), so p tests the difference on the odds scale, which "
        "allows for that; for age and other background questions p is Holm-corrected for the "
        "number tested. "
        "All other terms are in the workbook.",
        source_line(result, options, min((m.n for m in result.participation.values()), default=0)),
    )


VERDICT_CELL: dict[str, str] = {
    "collective": "acting with others",
    "individual": "doing things for themselves",
    "opposite": "opposite ways",
    "similar": "cannot tell",
}


def _rests_on(terms: list[str], result: AnalysisResult) -> str:
    return ", ".join(_term_label(t, result) for t in terms) or "Levels"


def _evidence_table(
    result: AnalysisResult, findings: list[Finding], msgs: list[KeyMessage], recs: list[BriefItem]
) -> Table:
    by_key = {f.key: f for f in findings}
    rows = []
    for i, m in enumerate(msgs, start=1):
        f = by_key.get(m.finding)
        rows.append([f"Key message {i}", _rests_on(m.terms, result), f.evidence if f else "–"])
    for i, r in enumerate(recs, start=1):
        f = next((f for f in findings if f.kind == "link" and f.statement in r.text), None)
        rows.append([f"Option {i}", _rests_on(r.terms, result), f.evidence if f else "–"])
    return Table(
        "Evidence behind the key messages and options",
        ["Statement", "Rests on", "Evidence"],
        rows,
        "Every other statement's evidence is in the workbook's Evidence sheet.",
    )


def _checks_table(result: AnalysisResult, options: BriefOptions) -> Table:
    rows: list[list[str]] = [["Residents in the data", whole(result.n_respondents)]]
    for kind, group in (("Index model", result.models), ("Links model", result.participation)):
        for form, m in group.items():
            used = f"{whole(m.n)} of {whole(m.n_in_data)} used" if m.ok else "not fitted"
            rows.append([f"{kind}: {FORM_NOUN.get(form, form)}", used])
    notes: list[str] = []
    by_action: dict[str, list] = {}
    for i in result.quality.issues:
        by_action.setdefault(i.action or "", []).append(i)
    for action, issues in by_action.items():
        counted = [i.count for i in issues if i.count]
        if action and len(issues) >= 3 and counted:
            notes.append(
                f"{len(issues)} questions had answers {action} ({whole(min(counted))} to "
                f"{whole(max(counted))} answers each; the workbook lists them)."
            )
            continue
        for i in issues:
            count = f" ({whole(i.count)} answers)" if i.count and whole(i.count) not in i.message else ""
            notes.append(i.message + count)
    notes += list(result.warnings)
    every = [*result.diagnostics]
    for group in (result.models, result.participation):
        for m in group.values():
            every += m.diagnostics
    for d in every:
        if d.severity == "info" and " respondents" in d.message and "used" in d.message:
            continue  # counted in the rows above
        notes.append(diagnostic_message(d, result, options))
    unique = list(dict.fromkeys(notes))
    for k, n in enumerate(unique[:MAX_CHECKS], start=1):
        rows.append([f"Note {k}", n])
    note = (
        f"{len(unique) - MAX_CHECKS} more notes are in the workbook's Data quality sheet."
        if len(unique) > MAX_CHECKS
        else ""
    )
    return Table("Data checks", ["Check", "Result"], rows, note)


def appendix_sections(
    result: AnalysisResult,
    findings: list[Finding],
    options: BriefOptions,
    msgs: list[KeyMessage],
    recs: list[BriefItem],
) -> list[Section]:
    head = Section("Technical appendix", appendix=True)
    head.blocks.append(
        Para(
            "For analysts: methods, compact model tables, the evidence behind the key messages "
            f"and the data checks. The workbook {options.workbook_name} holds the full tables, "
            "the index models among them."
        )
    )
    methods: list[Block] = [Bullets(_methods(result, options)), Para(RULE_SET)]
    tables: list[Block] = [_levels_table(result, options)]
    links_table = _links_table(result, options)
    if links_table is not None:  # the index models are in the workbook only: side by side
        tables.append(links_table)  # here they seemed to point the other way from the body
    hidden = [t for t in result.comparison if term_hidden(t, result, options)]
    if hidden:
        tables.append(Para(f"{len(hidden)} terms resting on small groups are not shown."))
    return [
        head,
        Section("Methods", methods, level=2, appendix=True),
        Section("Model tables", tables, level=2, appendix=True),
        Section(
            "Evidence", [_evidence_table(result, findings, msgs, recs)], level=2, appendix=True
        ),
        Section("Data checks", [_checks_table(result, options)], level=2, appendix=True),
    ]
