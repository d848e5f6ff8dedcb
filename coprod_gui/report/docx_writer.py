"""The brief as a Word document (python-docx).

Why these details: officers paste the brief into council papers, so it must use real
heading styles (navigation pane, table of contents), real bullet lists and styled tables;
screen-reader users need alt text on charts; and the document properties must not leak
"python-docx", a user name or a path (shared reliability.md §4). Charts are the same
matplotlib drawings as in the window, embedded as 200 dpi PNGs.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

from .. import APP_NAME
from ..core.io.files import atomic_write
from ..core.results import AnalysisResult
from .brief import Brief, Bullets, Chart, Para, Table
from .charts import render_png
from .options import BriefOptions
from .sanitize import clean_text

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

TABLE_STYLE = "Light Grid Accent 1"
CHART_WIDTH = Inches(6.0)
KEEP_TOGETHER_ROWS = 15


def _add_page_number(section) -> None:
    """'Page N' in the footer with a real PAGE field (updates in Word and LibreOffice)."""
    para = (
        section.footer.paragraphs[0]
        if section.footer.paragraphs
        else section.footer.add_paragraph()
    )
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("Page ")
    run = para.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, sep, text, end):
        run._r.append(el)


def _set_alt_text(inline_shape, alt: str, title: str) -> None:
    doc_pr = inline_shape._inline.docPr
    doc_pr.set("descr", clean_text(alt))
    doc_pr.set("title", clean_text(title))


def _fill_cell(cell, text: str, width, size: Pt, keep: bool) -> None:
    """Write one cell in one pass (python-docx's ``row.cells`` is slow, so call it once)."""
    cell.width = width
    para = cell.paragraphs[0]
    run = para.add_run(clean_text(text))
    run.font.size = size
    if keep:
        para.paragraph_format.keep_with_next = True


def _add_table(doc, table: Table) -> None:
    if table.title:
        cap = doc.add_paragraph(clean_text(table.title))
        cap.runs[0].bold = True
        cap.paragraph_format.keep_with_next = True
    ncols = len(table.header)
    t = doc.add_table(rows=1, cols=ncols)
    try:
        t.style = doc.styles[TABLE_STYLE]
    except KeyError:
        t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    total = 6.5
    first = 1.2 if ncols >= 8 else 2.0 if ncols >= 5 else (3.0 if ncols == 3 else total / ncols)
    rest = (total - first) / max(ncols - 1, 1)
    widths = [Inches(first if i == 0 else rest) for i in range(ncols)]
    for column, width in zip(t.columns, widths, strict=True):  # the grid LibreOffice reads
        column.width = width
    size = Pt(8 if ncols > 5 else 9.5)
    keep = len(table.rows) + 1 <= KEEP_TOGETHER_ROWS  # short tables never split across pages
    for cell, text, width in zip(t.rows[0].cells, table.header, widths, strict=True):
        _fill_cell(cell, text, width, size, keep)
    # Repeat the header row on each page.
    tr_pr = t.rows[0]._tr.get_or_add_trPr()
    hdr = OxmlElement("w:tblHeader")
    hdr.set(qn("w:val"), "true")
    tr_pr.append(hdr)
    for k, row in enumerate(table.rows):
        last = k == len(table.rows) - 1
        cells = t.add_row().cells
        for cell, text, width in zip(cells, row, widths, strict=True):
            _fill_cell(cell, text, width, size, keep and not last)
    note = doc.add_paragraph(clean_text(table.note))
    note.paragraph_format.space_before = Pt(3)
    for r in note.runs:
        r.font.size = Pt(8.5)
        r.italic = True


def _add_chart(doc, chart: Chart, result: AnalysisResult, options: BriefOptions) -> str:
    png, alt = render_png(chart.kind, result, options)
    doc.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    pic_para = doc.paragraphs[-1]
    pic_para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pic_para.paragraph_format.keep_with_next = True
    _set_alt_text(doc.inline_shapes[-1], alt, chart.caption)
    cap = doc.add_paragraph(clean_text(chart.caption))
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for r in cap.runs:
        r.italic = True
        r.font.size = Pt(9)
    return alt


def build_document(
    brief: Brief, result: AnalysisResult, options: BriefOptions | None = None
) -> DocxDocument:
    """The python-docx Document of the brief (not yet saved)."""
    options = options or brief.options
    doc = Document()
    styles = doc.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    sec = doc.sections[0]
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Inches(1))
    _add_page_number(sec)

    doc.add_paragraph(clean_text(brief.title), style="Title")
    sub = doc.add_paragraph(clean_text(brief.subtitle))
    sub.runs[0].italic = True
    for label, value in brief.details:
        p = doc.add_paragraph()
        p.add_run(f"{clean_text(label)}: ").bold = True
        p.add_run(clean_text(value))
        p.paragraph_format.space_after = Pt(2)

    doc.add_heading("Key messages", level=1)
    for m in brief.key_messages:
        doc.add_paragraph(clean_text(m.text), style="List Bullet")

    for s in brief.sections:
        if s.appendix and s.level == 1:
            doc.add_page_break()
        doc.add_heading(clean_text(s.heading), level=s.level)
        for b in s.blocks:
            if isinstance(b, Para):
                doc.add_paragraph(clean_text(b.text))
            elif isinstance(b, Bullets):
                for item in b.items:
                    doc.add_paragraph(clean_text(item), style="List Bullet")
            elif isinstance(b, Chart):
                _add_chart(doc, b, result, options)
            else:
                _add_table(doc, b)

    _set_properties(doc, brief)
    return doc


def _set_properties(doc, brief: Brief) -> None:
    """Set every core property on purpose: no 'python-docx', user names or paths."""
    cp = doc.core_properties
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    cp.title = clean_text(brief.title)[:255]
    cp.subject = "Co-production policy brief"
    cp.author = APP_NAME
    cp.last_modified_by = ""
    cp.comments = ""
    cp.keywords = "co-production; resident survey"
    cp.category = "Policy brief"
    cp.created = now
    cp.modified = now
    cp.revision = 1
    cp.identifier = ""
    cp.language = "en-GB"
    cp.content_status = ""
    cp.version = ""


def write_docx(
    brief: Brief,
    result: AnalysisResult,
    path: str | os.PathLike[str],
    options: BriefOptions | None = None,
) -> Path:
    """Write the brief to ``path`` atomically; returns the path."""
    doc = build_document(brief, result, options)
    return atomic_write(path, doc.save)  # saved straight into the temp file
