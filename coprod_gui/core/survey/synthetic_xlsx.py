"""The fictional agency workbook: the synthetic survey as an agency delivers it in Excel.

Why apart from :mod:`synthetic`: writing the workbook (title rows, an "About" sheet,
blank cells for missing answers) has nothing to do with drawing the answers.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..io.files import atomic_write

if TYPE_CHECKING:
    from openpyxl import Workbook

DEFAULT_TITLE = "Resident Survey 2024 — fictional example data"
DATA_SHEET = "Data"

ABOUT_NOTES: tuple[str, ...] = (
    "About this survey",
    "",
    "This is FICTIONAL example data made by the Co-production Analyser. "
    "No real person, council or survey is described.",
    "It imitates a resident panel survey of five councils, delivered by a research agency "
    "as one row per respondent with the question text as column headings.",
    "Answers are the words respondents ticked. 'Don't know', 'Prefer not to say' and "
    "blank answers are included on purpose.",
    "The 'Weight' column is a survey weight (average 1) that corrects for who took part.",
    "The relationships in the data were chosen to resemble published UK research on "
    "individual and collective co-production; they are not findings about any real place.",
)


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _agency_workbook(df: pd.DataFrame, title: str, about_sheet: bool) -> Workbook:
    """Optional 'About this survey' sheet, then 'Data' with title rows above the header.

    'Data' has two title rows and a blank row above the header, as agencies deliver
    tables, so the reader's header detection is exercised by the example itself. The
    workbook is write-only: rows stream to a temporary file, so memory stays flat.
    """
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    if about_sheet:
        about = wb.create_sheet("About this survey")
        for line in ABOUT_NOTES:
            about.append([line] if line else [])
        about.append([])
        about.append([f"Respondents: {len(df):,}"])
    ws = wb.create_sheet(DATA_SHEET)
    ws.append([title])
    ws.append(["Base: all respondents"])
    ws.append([])
    ws.append([str(c) for c in df.columns])
    cols = [df[c].to_numpy(dtype=object) for c in df.columns]
    for row in zip(*cols, strict=True):
        ws.append([_cell(v) for v in row])
    return wb


def agency_xlsx_bytes(
    df: pd.DataFrame, *, title: str = DEFAULT_TITLE, about_sheet: bool = True
) -> bytes:
    """The agency-layout workbook as bytes (for tests and in-memory use)."""
    buf = io.BytesIO()
    _agency_workbook(df, title, about_sheet).save(buf)
    return buf.getvalue()


def write_agency_xlsx(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    title: str = DEFAULT_TITLE,
    about_sheet: bool = True,
) -> Path:
    """Write ``df`` in the realistic agency layout, atomically.

    The write-only workbook is saved straight into the atomic temporary file rather than
    a BytesIO, so a 500,000-row benchmark file never sits in memory twice.
    """
    wb = _agency_workbook(df, title, about_sheet)
    return atomic_write(path, wb.save)


HEADER_ROW_INDEX = 3
"""0-based row of the header on the 'Data' sheet (two title rows and a blank row above)."""
