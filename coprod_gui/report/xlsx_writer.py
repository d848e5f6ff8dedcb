"""The results as an Excel workbook (openpyxl): aggregates only, safe to open.

Why these rules: analysts re-use the numbers in their own spreadsheets, so they get real
numbers with number formats, frozen header rows and widths that fit; but the workbook is
published beside the brief, so it holds aggregates only (no respondent rows, hidden sheets
or comments), small groups are hidden as in the brief, and no survey text can become a
formula (every string cell is written as text; risky ones also get Excel's quote prefix).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from .. import APP_NAME
from ..core.io.files import atomic_write
from ..core.results import AnalysisResult, Level, ModelResult
from ..core.stats.diagnostics import term_words
from ..core.survey.constructs import BY_NAME, FORMS
from .brief import Brief, council_from_file_name
from .charts import FORM_LABEL, levels_rows
from .options import BriefOptions
from .sanitize import excel_text
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
from .xlsx_base import COUNT_FORMAT, EST_FORMAT, P_FORMAT, PCT_FORMAT, _num, _Sheet
from .xlsx_front import (
    SHEETS,
    _contents,
    _cover,
    _evidence_sheet,
    _links_sheet,
    _notes_sheet,
    _summary_sheet,
)


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
        if grouping == "authority" and council_from_file_name(result):
            continue  # the one "council" is the file's name, not a council
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


def _chart_sheet(sh: _Sheet, result: AnalysisResult, options: BriefOptions) -> None:
    """Figure: a native bar chart of the shown levels over its own small table.

    Readable without colour: one series solid dark, the other hatched light, both
    outlined in black, with the values printed on the bars.
    """
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.fill import ColorChoice, PatternFillProperties

    labels, values, notes = levels_rows(result, options)
    for n in notes:
        sh.note(n)
    sh.header(["Group", FORM_LABEL["individual"], FORM_LABEL["collective"]], "ChartData")
    top = sh.header_row or 1
    for i, lab in enumerate(labels):
        row = [lab]
        for form in FORMS:
            lv = values[form][i]
            row.append(float(lv.percent) if lv is not None and lv.percent is not None else None)
        sh.append(row, [None, PCT_FORMAT, PCT_FORMAT])
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Share taking part in each form (%)"
    chart.y_axis.title = "%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    data = Reference(sh.ws, min_col=2, max_col=3, min_row=top, max_row=top + len(labels))
    cats = Reference(sh.ws, min_col=1, min_row=top + 1, max_row=top + len(labels))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.height = 4 + 0.9 * len(labels)
    chart.width = 18
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    for k, s in enumerate(chart.series):
        gp = GraphicalProperties()
        if k == 0:
            gp.solidFill = "1F3864"
        else:
            gp.pattFill = PatternFillProperties(
                prst="wdUpDiag", fgClr=ColorChoice(srgbClr="D55E00"), bgClr=ColorChoice(srgbClr="FFFFFF")
            )
        gp.line.solidFill = "000000"
        s.graphicalProperties = gp
    sh.ws.add_chart(chart, f"E{top}")


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
            [None] * 4 + [EST_FORMAT] * 4 + [P_FORMAT, EST_FORMAT, None, COUNT_FORMAT, None],
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
    sh.note("Difference = collective minus individual. The verdict uses the first two scales.")
    sh.header(
        ["Term", "Label", "Scale", "Individual", "Collective", "Difference", "Std. error",
         "95% low", "95% high", "p", "p (Holm)", "Verdict"]
    )
    fmts = [None, None, None, *[EST_FORMAT] * 6, P_FORMAT, P_FORMAT, None]
    for term, c in result.comparison.items():
        if term_hidden(term, result, options):
            continue
        for scale, d in (("percentage points", c.points), ("log-odds", c.odds)):
            if d is None:
                continue
            sh.append(
                [term, term_words(term), scale, _num(d.individual), _num(d.collective),
                 _num(d.difference), _num(d.std_error), _num(d.ci_low), _num(d.ci_high),
                 _num(d.p_value), _num(d.p_holm), c.verdict if c.points is not None else None],
                fmts,
            )
        sh.append(
            [term, term_words(term), "index points (technical)", _num(c.individual),
             _num(c.collective), _num(c.difference), _num(c.std_error), _num(c.ci_low),
             _num(c.ci_high), _num(c.p_value), None, None],
            fmts,
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


def build_workbook(
    brief: Brief, result: AnalysisResult, options: BriefOptions | None = None
) -> Workbook:
    """The workbook (not yet saved); every sheet visible, no comments, no formulas."""
    options = options or brief.options
    wb = Workbook()
    notes: list[str] = []
    cover_ws = wb.active
    cover_ws.title = "Cover"
    fills = {
        "Summary": lambda s: _summary_sheet(s, brief),
        "Levels": lambda s: _levels_sheet(s, result, options),
        "Chart": lambda s: _chart_sheet(s, result, options),
        "Links": lambda s: _links_sheet(s, result, options),
        "Models": lambda s: _drivers_sheet(s, result, options),
        "Comparison": lambda s: _comparison_sheet(s, result, options),
        "Evidence": lambda s: _evidence_sheet(s, brief),
        "Data quality": lambda s: _quality_sheet(s, result, options),
        "Mapping": lambda s: _mapping_sheet(s, result),
    }
    contents = _Sheet(wb.create_sheet("Contents"), notes, "Contents")
    notes_sh = _Sheet(wb.create_sheet("Notes"), notes, "Notes")
    sheets = [contents]
    for name, what in SHEETS:
        sh = _Sheet(wb.create_sheet(name), notes, what)
        if name == "Mapping":
            sh.note(f"Lowest answer counted as taking part: '{result.mapping.threshold}'.")
        fills[name](sh)
        sheets.append(sh)
    _contents(contents)
    _notes_sheet(notes_sh, notes)
    _cover(cover_ws, brief, options, notes)
    for sh in [*sheets, notes_sh]:
        sh.finish()
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
