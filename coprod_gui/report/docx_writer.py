"""The brief as a Word document (python-docx).

Why these details: officers paste the brief into council papers, so it must use real
heading styles (navigation pane, table of contents), real bullet lists and styled tables,
A4 paper, en-GB text and Word's Caption style for every figure and table title (so Word
can build a list of figures); no empty spacer paragraphs;
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
from docx.shared import Inches, Mm, Pt

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
CHART_WIDTH = Inches(5.8)
LEAD_CHART_WIDTH = Inches(4.4)  # the chart beside the key messages stays on page 1
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


def _caption(doc, text: str) -> None:
    """A figure or table title in Word's Caption style, kept with what follows."""
    cap = doc.add_paragraph(clean_text(text), style="Caption")
    cap.paragraph_format.keep_with_next = True


def _small(doc, text: str) -> None:
    """A note or source line under a table or figure (never an empty paragraph)."""
    if not text:
        return
    note = doc.add_paragraph(clean_text(text))
    note.paragraph_format.space_before = Pt(2)
    for r in note.runs:
        r.font.size = Pt(8.5)


def _add_table(doc, table: Table, *, split: bool = False) -> None:
    _caption(doc, table.caption)
    ncols = len(table.header)
    t = doc.add_table(rows=1, cols=ncols)
    try:
        t.style = doc.styles[TABLE_STYLE]
    except KeyError:
        t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    total = 6.3
    first = 1.8 if ncols >= 6 else 2.0 if ncols >= 4 else (1.5 if ncols == 3 else 2.4)
    rest = (total - first) / max(ncols - 1, 1)
    widths = [Inches(first if i == 0 else rest) for i in range(ncols)]
    for column, width in zip(t.columns, widths, strict=True):  # the grid LibreOffice reads
        column.width = width
    size = Pt(8 if ncols > 5 else 9)
    # short body tables never split across pages; appendix tables may (the header row
    # repeats, no row splits), so no appendix page is left near empty
    keep = not split and len(table.rows) + 1 <= KEEP_TOGETHER_ROWS
    for cell, text, width in zip(t.rows[0].cells, table.header, widths, strict=True):
        _fill_cell(cell, text, width, size, keep)
    # Repeat the header row on each page.
    tr_pr = t.rows[0]._tr.get_or_add_trPr()
    hdr = OxmlElement("w:tblHeader")
    hdr.set(qn("w:val"), "true")
    tr_pr.append(hdr)
    for k, row in enumerate(table.rows):
        last = k == len(table.rows) - 1
        added = t.add_row()
        added._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays whole
        cells = added.cells
        for cell, text, width in zip(cells, row, widths, strict=True):
            _fill_cell(cell, text, width, size, keep and not last)
    _small(doc, " ".join(x for x in (table.note, table.source) if x))


def _add_chart(
    doc, chart: Chart, result: AnalysisResult, options: BriefOptions, width=CHART_WIDTH
) -> str:
    _caption(doc, chart.caption)
    png, alt = render_png(chart.kind, result, options)
    doc.add_picture(io.BytesIO(png), width=width)
    pic_para = doc.paragraphs[-1]
    pic_para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pic_para.paragraph_format.keep_with_next = True
    _set_alt_text(doc.inline_shapes[-1], alt, chart.caption)
    _small(doc, " ".join(x for x in (chart.note, chart.source) if x))
    return alt


def _page_setup(doc) -> None:
    """A4 with 2 cm margins, text language en-GB (Word's spell checker and screen readers)."""
    for sec in doc.sections:
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(sec, side, Mm(20))
    styles_el = doc.styles.element
    rpr_default = styles_el.find(qn("w:docDefaults"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:docDefaults")
        styles_el.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPrDefault"))
    if rpr is None:
        rpr = OxmlElement("w:rPrDefault")
        rpr_default.append(rpr)
    inner = rpr.find(qn("w:rPr"))
    if inner is None:
        inner = OxmlElement("w:rPr")
        rpr.append(inner)
    lang = inner.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        inner.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), "en-GB")
    for style in doc.styles:
        el = getattr(style, "element", None)
        if el is None:
            continue
        for found in el.iter(qn("w:lang")):
            found.set(qn("w:val"), "en-GB")


def _blocks(
    doc,
    blocks,
    result: AnalysisResult,
    options: BriefOptions,
    *,
    appendix: bool = False,
    chart_width=CHART_WIDTH,
) -> None:
    for k, b in enumerate(blocks):
        if isinstance(b, Para):
            para = doc.add_paragraph(clean_text(b.text))
            # a short lead-in stays on the page of the table or chart it introduces
            nxt = blocks[k + 1] if k + 1 < len(blocks) else None
            if isinstance(nxt, Table | Chart) or (
                isinstance(nxt, Para) and k + 2 < len(blocks) and isinstance(blocks[k + 2], Table)
            ):
                para.paragraph_format.keep_with_next = True
        elif isinstance(b, Bullets):
            style = "List Number" if b.numbered else "List Bullet"
            for item in b.items:
                doc.add_paragraph(clean_text(item), style=style)
        elif isinstance(b, Chart):
            _add_chart(doc, b, result, options, chart_width)
        else:
            _add_table(doc, b, split=appendix)


def build_document(
    brief: Brief, result: AnalysisResult, options: BriefOptions | None = None
) -> DocxDocument:
    """The python-docx Document of the brief (not yet saved)."""
    options = options or brief.options
    doc = Document()
    styles = doc.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    styles["Caption"].font.size = Pt(10)
    styles["Caption"].font.bold = True
    styles["Caption"].font.italic = False
    _page_setup(doc)
    _add_page_number(doc.sections[0])

    doc.add_paragraph(clean_text(brief.title), style="Title")
    sub = doc.add_paragraph(clean_text(brief.subtitle))
    sub.runs[0].italic = True
    for label, value in brief.details:
        p = doc.add_paragraph()
        p.add_run(f"{clean_text(label)}: ").bold = True
        p.add_run(clean_text(value))
        p.paragraph_format.space_after = Pt(2)

    doc.add_heading("Key messages", level=1).paragraph_format.keep_with_next = True
    for m in brief.key_messages:
        doc.add_paragraph(clean_text(m.text), style="List Bullet")
    if brief.key_note:
        note = doc.add_paragraph()
        note.add_run(clean_text(brief.key_note)).italic = True
    _blocks(doc, brief.lead, result, options, chart_width=LEAD_CHART_WIDTH)

    for s in brief.sections:
        heading = doc.add_heading(clean_text(s.heading), level=s.level)
        heading.paragraph_format.keep_with_next = True  # never a heading at a page foot
        if s.appendix and s.level == 1:  # a new page, without an empty break paragraph
            heading.paragraph_format.page_break_before = True
        _blocks(doc, s.blocks, result, options, appendix=s.appendix)

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
