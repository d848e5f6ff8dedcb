"""The workbook's building block: one worksheet with a title, notes and one Excel table.

Why a module of its own: the data sheets (:mod:`.xlsx_writer`) and the front sheets
(:mod:`.xlsx_front`: cover, contents, notes, summary) write cells the same safe way.
"""

from __future__ import annotations

import math
import re
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from .sanitize import excel_text, looks_like_formula

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
PCT_FORMAT = "0.0"
EST_FORMAT = "0.00"
P_FORMAT = '[<0.001]"<0.001";[>=0.9995]">0.999";0.000'  # never shown as 0.000 or 1.000
COUNT_FORMAT = "#,##0"
MAX_WIDTH = 70


class _Sheet:
    """Writes one worksheet: a title in A1, notes under it, then one Excel table.

    Every value goes through :meth:`put` (text is never a formula). The layout follows the
    Analysis Function's guidance on releasing statistics in spreadsheets: title in A1,
    notes above the table, the data as a marked-up Excel table with no blank rows and no
    merged cells, frozen headers, and print set-up (landscape, fit to width, the header
    row repeated on every page).
    """

    def __init__(self, ws: Worksheet, notes: list[str], title: str = "") -> None:
        self.ws = ws
        self.row = 0
        self.notes = notes
        self.widths: dict[int, int] = {}
        self.header_row: int | None = None
        self.table_name: str | None = None
        if title:
            self.put(1, 1, title)
            self.ws.cell(row=1, column=1).font = TITLE_FONT
            self.row = 1
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

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
        if row != 1 and (self.header_row is not None or col > 1):  # titles and notes wrap
            self.widths[col] = max(self.widths.get(col, 0), min(width, MAX_WIDTH))

    def note(self, text: str) -> None:
        """A line of notes between the title and the table."""
        self.row += 1
        self.put(self.row, 1, text)

    def append(self, values: list[Any], fmts: list[str | None] | None = None) -> int:
        self.row += 1
        for i, v in enumerate(values, start=1):
            self.put(self.row, i, v, (fmts or [None] * len(values))[i - 1] if fmts else None)
        return self.row

    def header(self, names: list[str], table: str | None = None) -> None:
        if self.row > 1 and self.header_row is None:
            self.note("The table starts in the next row.")
        r = self.append(names)
        self.header_row = r
        self.table_name = table or re.sub(r"\W", "", self.ws.title) or "Table"
        for i in range(1, len(names) + 1):
            c = self.ws.cell(row=r, column=i)
            c.font = HEADER_FONT
            c.fill = HEADER_FILL
            c.alignment = Alignment(wrap_text=True, vertical="top")
            self.widths[i] = max(self.widths.get(i, 0), min(len(names[i - 1]), MAX_WIDTH))
        self.ws.freeze_panes = self.ws.cell(row=r + 1, column=1)
        self.ws.print_title_rows = f"{r}:{r}"

    def finish(self) -> None:
        if self.header_row is not None:
            ncols = self.ws.max_column
            if self.row == self.header_row:  # an Excel table needs one data row
                self.append(["None"] + [None] * (ncols - 1))
            ref = f"A{self.header_row}:{get_column_letter(ncols)}{self.row}"
            table = XlTable(displayName=self.table_name, ref=ref)
            table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            self.ws.add_table(table)
        for col, w in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = max(10, w + 2)
        for row in self.ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and len(c.value) > MAX_WIDTH:
                    c.alignment = Alignment(wrap_text=True, vertical="top")


def _num(v: float | None) -> float | None:
    return float(v) if v is not None and math.isfinite(v) else None
