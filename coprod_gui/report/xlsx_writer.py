"""The results as an Excel workbook (openpyxl): aggregates only, safe to open.

Why these rules: analysts re-use the numbers in their own spreadsheets, so they get real
numbers with number formats, frozen header rows and widths that fit; but the workbook is
published beside the brief, so it holds aggregates only (no respondent rows, hidden sheets
or comments), small groups are hidden as in the brief, and no survey text can become a
formula (every string cell is written as text; risky ones also get Excel's quote prefix).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .. import APP_NAME
from ..core.io.files import atomic_write
from ..core.results import AnalysisResult, Level, ModelResult
from ..core.stats.diagnostics import term_words
from ..core.survey.constructs import BY_NAME, FORMS
from .brief import Brief
from .charts import FORM_LABEL, levels_rows
from .options import BriefOptions
from .sanitize import excel_text, looks_like_formula
from .suppression import (
    HIDDEN,
    base_text,
    diagnostic_hidden,
    diagnostic_message,
    printed_groups,
    protect_file_rows,
    protect_level,
    protected_by,
    status_note,
    term_hidden,
)
from .wording import whole

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
PCT_FORMAT = "0.0"
EST_FORMAT = "0.00"
P_FORMAT = "0.000"
COUNT_FORMAT = "#,##0"
MAX_WIDTH = 70


class _Sheet:
    """Writes rows into one worksheet, every value through :meth:`put`."""

    def __init__(self, ws: Worksheet, notes: list[str]) -> None:
        self.ws = ws
        self.row = 0
        self.notes = notes
        self.widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Any, fmt: str | None = None) -> None:
        cell = self.ws.cell(row=row, column=col)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            text, cut = excel_text(value)
            if cut:
                self.notes.append(
                    f"A text on sheet '{self.ws.title}' (cell {cell.coordinate}) was longer "
                    "than Excel's 32,767-character limit and was cut."
                )
            cell.value = text
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if looks_like_formula(text):
                cell.quotePrefix = True
            width = max((len(line) for line in text.splitlines() or [""]), default=0)
        else:
            cell.value = value
            if fmt:
                cell.number_format = fmt
            width = len(f"{value:,.2f}") if isinstance(value, float) else len(f"{value:,}")
        self.widths[col] = max(self.widths.get(col, 0), min(width, MAX_WIDTH))

    def append(self, values: list[Any], fmts: list[str | None] | None = None) -> int:
        self.row += 1
        for i, v in enumerate(values, start=1):
            self.put(self.row, i, v, (fmts or [None] * len(values))[i - 1] if fmts else None)
        return self.row

    def header(self, names: list[str]) -> None:
        r = self.append(names)
        for i in range(1, len(names) + 1):
            c = self.ws.cell(row=r, column=i)
            c.font = HEADER_FONT
            c.fill = HEADER_FILL
            c.alignment = Alignment(wrap_text=True, vertical="top")
        self.ws.freeze_panes = self.ws.cell(row=r + 1, column=1)

    def finish(self) -> None:
        for col, w in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = max(10, w + 2)
        for row in self.ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and len(c.value) > MAX_WIDTH:
                    c.alignment = Alignment(wrap_text=True, vertical="top")


def _num(v: float | None) -> float | None:
    return float(v) if v is not None and math.isfinite(v) else None


def _level_row(
    kind: str,
    group: str,
    form: str,
    lv: Level | None,
    status: str,
    base: int,
    eff: float | None,
    options: BriefOptions,
) -> list[Any]:
    shown = lv is not None and status not in HIDDEN
    return [
        kind,
        group,
        FORM_LABEL.get(form, form),
        _num(lv.percent) if shown and lv else "not shown",
        _num(lv.ci_low) if shown and lv else None,
        _num(lv.ci_high) if shown and lv else None,
        base if status not in HIDDEN else base_text(base, status, options),  # type: ignore[arg-type]
        (_num(eff) if eff is not None else base) if shown else None,  # unweighted: same
        status_note(status, options),  # type: ignore[arg-type]
    ]


LEVEL_FMTS = [
    None,
    None,
    None,
    PCT_FORMAT,
    PCT_FORMAT,
    PCT_FORMAT,
    COUNT_FORMAT,
    COUNT_FORMAT,
    None,
]


def _levels_sheet(sh: _Sheet, result: AnalysisResult, options: BriefOptions) -> None:
    sh.header(
        [
            "Group type",
            "Group",
            "Form",
            "Percent",
            "95% low",
            "95% high",
            "Unweighted base",
            "Effective base",
            "Note",
        ]
    )
    for form in FORMS:
        p = protect_level(result.levels.get(form), options)
        if p is not None:
            sh.append(
                _level_row(
                    "All residents",
                    "All",
                    form,
                    p.level,
                    p.status,
                    p.base,
                    p.effective_base,
                    options,
                ),
                LEVEL_FMTS,
            )
    named = {"authority": "Council", "age_band": "Age group", "gender": "Gender"}
    # The usual groupings first, in that order, then any others the analysis made.
    for grouping in [*named, *(g for g in result.levels_by if g not in named)]:
        words = named.get(grouping) or grouping.replace("_", " ").capitalize()
        for form in FORMS:
            for g, p in printed_groups(protected_by(result, grouping, form, options)).items():
                sh.append(
                    _level_row(
                        words, g, form, p.level, p.status, p.base, p.effective_base, options
                    ),
                    LEVEL_FMTS,
                )
    for item in result.item_levels:
        p = protect_level(item, options)
        if p is not None:
            sh.append(
                _level_row(
                    "Activity",
                    item.question or item.column,
                    item.form,
                    p.level,
                    p.status,
                    p.base,
                    p.effective_base,
                    options,
                ),
                LEVEL_FMTS,
            )
    _levels_chart(sh, result, options)


def _levels_chart(sh: _Sheet, result: AnalysisResult, options: BriefOptions) -> None:
    """A native bar chart of the shown levels, from a small table beside the data."""
    labels, values, _notes = levels_rows(result, options)
    col0 = 11  # column K
    top = 1
    sh.put(top, col0, "Chart data")
    sh.put(top, col0 + 1, FORM_LABEL["individual"])
    sh.put(top, col0 + 2, FORM_LABEL["collective"])
    for c in range(col0, col0 + 3):
        sh.ws.cell(row=top, column=c).font = HEADER_FONT
    for i, lab in enumerate(labels, start=1):
        sh.put(top + i, col0, lab)
        for j, form in enumerate(FORMS, start=1):
            lv = values[form][i - 1]
            if lv is not None and lv.percent is not None:
                sh.put(top + i, col0 + j, float(lv.percent), PCT_FORMAT)
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Share who do at least one activity regularly (%)"
    chart.y_axis.title = "%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    data = Reference(
        sh.ws, min_col=col0 + 1, max_col=col0 + 2, min_row=top, max_row=top + len(labels)
    )
    cats = Reference(sh.ws, min_col=col0, min_row=top + 1, max_row=top + len(labels))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.height = 4 + 0.9 * len(labels)
    chart.width = 18
    for s, colour in zip(chart.series, ("0072B2", "D55E00"), strict=False):
        s.graphicalProperties.solidFill = colour
        s.graphicalProperties.line.solidFill = colour
    sh.ws.add_chart(chart, f"{get_column_letter(col0)}{top + len(labels) + 3}")


def _model_rows(
    sh: _Sheet, kind: str, form: str, m: ModelResult, result: AnalysisResult, options: BriefOptions
) -> None:
    unit = "percentage points" if m.kind == "logit_ame" else "index points"
    for term, t in m.terms.items():
        if term_hidden(term, result, options):
            continue
        sh.append(
            [
                kind,
                form,
                term,
                term_words(term),
                _num(t.estimate),
                _num(t.std_error),
                _num(t.ci_low),
                _num(t.ci_high),
                _num(t.p_value),
                _num(t.std_estimate),
                unit,
                m.n,
                m.method,
            ],
            [
                None,
                None,
                None,
                None,
                EST_FORMAT,
                EST_FORMAT,
                EST_FORMAT,
                EST_FORMAT,
                P_FORMAT,
                EST_FORMAT,
                None,
                COUNT_FORMAT,
                None,
            ],
        )


def _drivers_sheet(sh: _Sheet, result: AnalysisResult, options: BriefOptions) -> None:
    sh.header(
        [
            "Model",
            "Form",
            "Term",
            "Label",
            "Estimate",
            "Std. error",
            "95% CI low",
            "95% CI high",
            "p",
            "Standardised",
            "Unit",
            "Respondents used",
            "Method",
        ]
    )
    for form in FORMS:
        if form in result.models:
            _model_rows(sh, "Index (least squares)", form, result.models[form], result, options)
        if form in result.participation:
            _model_rows(
                sh,
                "Participation (average marginal effects)",
                form,
                result.participation[form],
                result,
                options,
            )


def _comparison_sheet(sh: _Sheet, result: AnalysisResult, options: BriefOptions) -> None:
    sh.header(
        [
            "Term",
            "Label",
            "Individual",
            "Collective",
            "Difference (collective - individual)",
            "Std. error",
            "95% CI low",
            "95% CI high",
            "p",
        ]
    )
    for term, c in result.comparison.items():
        if term_hidden(term, result, options):
            continue
        sh.append(
            [
                term,
                term_words(term),
                _num(c.individual),
                _num(c.collective),
                _num(c.difference),
                _num(c.std_error),
                _num(c.ci_low),
                _num(c.ci_high),
                _num(c.p_value),
            ],
            [
                None,
                None,
                EST_FORMAT,
                EST_FORMAT,
                EST_FORMAT,
                EST_FORMAT,
                EST_FORMAT,
                EST_FORMAT,
                P_FORMAT,
            ],
        )


def _quality_sheet(sh: _Sheet, result: AnalysisResult, options: BriefOptions) -> None:
    sh.header(["Kind", "Severity", "Message", "Column", "File", "Count", "Action"])
    shown = protect_file_rows(result, options)  # a file is often one council
    for f, n in result.quality.rows_per_file.items():
        value = n if shown[f] == whole(n) else shown[f]
        sh.append(
            ["Rows read", "info", "Rows read from the file", None, f, value, None],
            [None, None, None, None, None, COUNT_FORMAT, None],
        )
    for i in result.quality.issues:
        sh.append(
            ["Data", i.severity, i.message, i.column, i.source, i.count or None, i.action],
            [None, None, None, None, None, COUNT_FORMAT, None],
        )
    for w in result.warnings:
        sh.append(["Analysis", "warning", w])
    seen: set[str] = set()
    diags = [*result.diagnostics]
    for group in (result.models, result.participation):
        for m in group.values():
            diags.extend(m.diagnostics)
    for d in diags:
        message = diagnostic_message(d, result, options)
        key = f"{d.model}|{message}"
        if key in seen:
            continue
        seen.add(key)
        term = None if diagnostic_hidden(d, result, options) else d.term
        sh.append(["Model: " + (d.model or "analysis"), d.severity, message, term])


def _mapping_sheet(sh: _Sheet, result: AnalysisResult) -> None:
    """Constructs and the column headers that measure them (never any cell values)."""
    sh.header(
        [
            "Construct",
            "Label",
            "Column (header in the survey file)",
            "Reverse-worded",
            "Service area",
        ]
    )
    m = result.mapping
    for construct, cols in m.columns.items():
        label = BY_NAME[construct].label if construct in BY_NAME else construct
        for col in cols:
            sh.append(
                [
                    construct,
                    label,
                    col,
                    "yes" if col in m.reverse else None,
                    m.service_areas.get(col),
                ]
            )
    sh.append([])
    sh.append(["Threshold", "Lowest answer counted as 'regularly'", m.threshold])


def _summary_sheet(
    sh: _Sheet, brief: Brief, result: AnalysisResult, options: BriefOptions, notes: list[str]
) -> None:
    sh.header(["Item", "Value"])
    sh.append(["Title", brief.title])
    for label, value in brief.details:
        sh.append([label, value])
    sh.append(["Respondents", result.n_respondents], [None, COUNT_FORMAT])
    for form in FORMS:
        p = protect_level(result.levels.get(form), options)
        if p is not None and p.shown and p.level is not None and p.level.percent is not None:
            sh.append([f"{FORM_LABEL[form]} (%)", float(p.level.percent)], [None, PCT_FORMAT])
    for i, m in enumerate(brief.key_messages, start=1):
        sh.append([f"Key message {i}", m.text])
    sh.append(
        [
            "Small groups",
            f"Figures on fewer than {options.min_base} respondents are not shown; fewer than "
            f"{options.caution_base}: treat with caution.",
        ]
    )
    sh.append(["Contents", "Aggregated results only: no individual answers are included."])
    for note in notes:
        sh.append(["Note", note])


def build_workbook(
    brief: Brief, result: AnalysisResult, options: BriefOptions | None = None
) -> Workbook:
    """The workbook (not yet saved); every sheet visible, no comments, no formulas."""
    options = options or brief.options
    wb = Workbook()
    notes: list[str] = []
    summary_ws = wb.active
    summary_ws.title = "Summary"
    sheets: list[_Sheet] = []
    for title, fill in (
        ("Levels", lambda s: _levels_sheet(s, result, options)),
        ("Drivers", lambda s: _drivers_sheet(s, result, options)),
        ("Comparison", lambda s: _comparison_sheet(s, result, options)),
        ("Data quality", lambda s: _quality_sheet(s, result, options)),
        ("Mapping", lambda s: _mapping_sheet(s, result)),
    ):
        sh = _Sheet(wb.create_sheet(title), notes)
        fill(sh)
        sheets.append(sh)
    summary = _Sheet(summary_ws, notes)
    _summary_sheet(summary, brief, result, options, notes)
    for sh in [summary, *sheets]:
        sh.finish()
    summary_ws.column_dimensions["B"].width = 90
    for row in summary_ws.iter_rows(min_col=2, max_col=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    props = wb.properties
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.creator = APP_NAME
    props.lastModifiedBy = None
    props.title = excel_text(brief.title)[0][:255]
    props.subject = "Co-production survey results"
    props.description = None
    props.keywords = "co-production; resident survey"
    props.created = now
    props.modified = now
    return wb


def write_xlsx(
    brief: Brief,
    result: AnalysisResult,
    path: str | os.PathLike[str],
    options: BriefOptions | None = None,
) -> Path:
    """Write the results workbook to ``path`` atomically; returns the path."""
    wb = build_workbook(brief, result, options)
    return atomic_write(path, wb.save)  # saved straight into the temp file
