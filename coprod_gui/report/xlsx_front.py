"""The workbook's front sheets: cover, contents, notes, summary, links and evidence.

Why: the Analysis Function's guidance on releasing statistics in spreadsheets asks for a
cover sheet (title, source, contact, dates), a contents sheet and a notes sheet, so a
reader can use the workbook without the brief beside it.
"""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from ..core.results import AnalysisResult
from ..core.stats.diagnostics import term_words
from .brief import Brief
from .findings import links
from .options import BriefOptions
from .xlsx_base import EST_FORMAT, P_FORMAT, _num, _Sheet


def _cover(ws: Worksheet, brief: Brief, options: BriefOptions, notes: list[str]) -> None:
    sh = _Sheet(ws, notes, brief.title)
    sh.note(brief.subtitle)
    for label, value in brief.details:
        sh.note(f"{label}: {value}")
    sh.note("This workbook holds aggregated results only: no individual answers.")
    sh.note(
        f"Figures on fewer than {options.min_base} respondents are not shown; figures on "
        f"fewer than {options.caution_base} should be treated with caution."
    )
    sh.note("The Contents sheet lists every sheet; the Notes sheet explains the terms used.")
    ws.column_dimensions["A"].width = 110
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")


SHEETS: tuple[tuple[str, str], ...] = (
    ("Summary", "Key messages and options, with the terms each rests on"),
    ("Levels", "Share taking part, overall, by group and by activity"),
    ("Chart", "Figure: share taking part in each form, by council"),
    ("Links", "Links in percentage points for each form, and the comparison's verdict"),
    ("Models", "Full model tables: index models and participation models"),
    ("Comparison", "The two forms compared on three scales (points, odds, index)"),
    ("Evidence", "Every statement the analysis makes, with its evidence"),
    ("Data quality", "Rows read, data problems found, and model checks"),
    ("Mapping", "Which survey columns measure which topic"),
)

NOTES: tuple[str, ...] = (
    "Percentage points: the difference between two percentages (for example 30% and 20% "
    "differ by 10 percentage points).",
    "Links: the difference in the share expected to take part between the least and the "
    "most favourable answer to a question, other answers as observed (age: per year in the "
    "tables, 70 against 30 in the brief; a category: against its reference group).",
    "Clear: the 95% range excludes zero (background terms Holm-corrected). Meaningful: at "
    "least the brief's minimum gap.",
    "Verdict: a form is named only when the difference between the forms is clear both in "
    "percentage points and in log-odds, in the same direction; 'opposite' when each form's "
    "link is clear and of opposite sign; otherwise 'cannot tell' (similar in results.json).",
    "Index models: 0 to 100 scores; a technical view only, not compared across forms.",
    "p-values under 0.001 are shown as <0.001 and those over 0.999 as >0.999.",
    "Effective base: the base a simple random sample of the same precision would need.",
)


def _contents(sh: _Sheet) -> None:
    sh.note("One row per sheet.")
    sh.header(["Sheet name", "What it contains"], "Contents")
    for name, what in (("Notes", "What the terms and symbols mean"), *SHEETS):
        sh.append([name, what])


def _notes_sheet(sh: _Sheet, extra: list[str]) -> None:
    sh.header(["Note number", "Note text"], "Notes")
    for i, text in enumerate([*NOTES, *extra], start=1):
        sh.append([f"note {i}", text])


def _summary_sheet(sh: _Sheet, brief: Brief) -> None:
    sh.note("Each statement of the brief's key messages and options, and the terms it rests on.")
    sh.header(["Kind", "Number", "Text", "Terms"], "Summary")
    for i, m in enumerate(brief.key_messages, start=1):
        sh.append(["Key message", i, m.text, ", ".join(m.terms) or "levels"])
    for i, r in enumerate(brief.recommendations, start=1):
        sh.append(["Option to try", i, r.text, ", ".join(r.terms)])


def _links_sheet(sh: _Sheet, result: AnalysisResult, options: BriefOptions) -> None:
    sh.note("Percentage points (see note 2); clear and meaningful as in note 3.")
    sh.header(
        ["Term", "Label", "Form", "Points", "95% low", "95% high", "p (adjusted)", "Clear",
         "Meaningful", "Verdict"]
    )
    for term, per in links(result, options).items():
        c = result.comparison.get(term)
        for form, lk in per.items():
            sh.append(
                [term, term_words(term), form, _num(lk.value), _num(lk.low), _num(lk.high),
                 _num(lk.p), "yes" if lk.clear else "no", "yes" if lk.meaningful else "no",
                 c.verdict if c is not None and c.points is not None else None],
                [None, None, None, EST_FORMAT, EST_FORMAT, EST_FORMAT, P_FORMAT, None, None, None],
            )


def _evidence_sheet(sh: _Sheet, brief: Brief) -> None:
    sh.note("Every finding, including those the brief leaves out (not clear or under the minimum).")
    sh.header(["Key", "Statement", "Strength", "Clear", "Meaningful", "Evidence"])
    for f in brief.findings:
        sh.append([f.key, f.statement, f.strength or None, "yes" if f.clear else "no",
                   "yes" if f.meaningful else "no", f.evidence])
