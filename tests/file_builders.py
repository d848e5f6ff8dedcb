"""Builders of small REAL survey files for tests (ours and other layers').

Each ``write_*`` takes a DataFrame of answers and writes it in one format, so the same
respondents can be saved as xlsx, csv, ods, sav and dta and read back through
:func:`coprod_gui.core.io.reading.read_survey`. The ``write_*`` hostile builders make the
broken or malicious files the readers must refuse (see shared reliability.md §1).

All builders return the path written.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

# ---------------------------------------------------------------------------------------
# ordinary survey files


def write_xlsx(
    df: pd.DataFrame,
    path: str | Path,
    *,
    title_rows: Sequence[str] = (),
    sheet_name: str = "Data",
    extra_sheet_first: str | None = None,
    extra_sheet_text: Sequence[str] = ("This workbook holds the survey answers.",),
    header: Sequence[Any] | None = None,
) -> Path:
    """Write ``df`` as an .xlsx like an agency would (openpyxl, no index).

    ``title_rows`` are single-cell text rows written above the header (agency titles and
    notes). ``extra_sheet_first`` adds a notes sheet of that name BEFORE the data sheet.
    ``header`` replaces the header row as written (e.g. to write duplicate or blank
    headers, which a DataFrame cannot hold reliably).
    """
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    first = wb.active
    if extra_sheet_first:
        first.title = extra_sheet_first
        for line in extra_sheet_text:
            first.append([line])
        ws = wb.create_sheet(sheet_name)
    else:
        first.title = sheet_name
        ws = first
    for line in title_rows:
        ws.append([line])
    ws.append(list(header) if header is not None else [str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    wb.save(path)
    wb.close()
    return path


def write_csv(
    df: pd.DataFrame,
    path: str | Path,
    *,
    encoding: str = "utf-8",
    sep: str = ",",
    title_rows: Sequence[str] = (),
) -> Path:
    """Write ``df`` as delimited text in ``encoding`` ("utf-8", "utf-8-sig", "cp1252")."""
    path = Path(path)
    body = df.to_csv(index=False, sep=sep, lineterminator="\r\n")
    text = "".join(f"{t}\r\n" for t in title_rows) + body
    path.write_bytes(text.encode(encoding))
    return path


def write_ods(df: pd.DataFrame, path: str | Path, *, sheet_name: str = "Data") -> Path:
    """Write ``df`` as OpenDocument (LibreOffice) spreadsheet with pandas' odf engine."""
    path = Path(path)
    df.to_excel(path, engine="odf", index=False, sheet_name=sheet_name)
    return path


def write_sav(
    df: pd.DataFrame,
    path: str | Path,
    *,
    value_labels: dict[str, dict[Any, str]] | None = None,
    variable_labels: dict[str, str] | None = None,
    missing: dict[str, list[Any]] | None = None,
) -> Path:
    """Write an SPSS .sav (pyreadstat). ``df`` holds CODES; labels are passed separately.

    ``missing`` declares user-missing codes per column (e.g. ``{"q1": [8, 9]}``).
    """
    import pyreadstat

    path = Path(path)
    names = list(df.columns)
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels=[(variable_labels or {}).get(c) for c in names],
        variable_value_labels=value_labels or {},
        missing_ranges={k: list(v) for k, v in (missing or {}).items()},
    )
    return path


def write_dta(
    df: pd.DataFrame,
    path: str | Path,
    *,
    value_labels: dict[str, dict[Any, str]] | None = None,
    variable_labels: dict[str, str] | None = None,
) -> Path:
    """Write a Stata .dta (pyreadstat). ``df`` holds CODES; labels are passed separately."""
    import pyreadstat

    path = Path(path)
    names = list(df.columns)
    pyreadstat.write_dta(
        df,
        str(path),
        column_labels=[(variable_labels or {}).get(c) or "" for c in names],
        variable_value_labels=value_labels or {},
    )
    return path


# ---------------------------------------------------------------------------------------
# hostile and broken files


def _raw_xlsx(path: Path, sheet_xml: str | bytes, *, level: int = zipfile.ZIP_DEFLATED) -> Path:
    """A minimal valid xlsx package around one sheet's XML (inline strings, no styles)."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", compression=level) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_far_cell_xlsx(path: str | Path, *, far_ref: str = "XFD1048576") -> Path:
    """A ~1 KB xlsx with a small table at A1:B3 plus one cell at ``far_ref``.

    With the default XFD1048576 python-calamine tries to allocate ~550 GB and ABORTS the
    process (SIGABRT): never open this with calamine in the test process. With
    ``far_ref="A1048576"`` it is the benign "lone far-away cell" case.
    """
    import re

    row = int(re.sub(r"[A-Z]", "", far_ref))
    xml = (
        _SHEET_HEAD
        + '<dimension ref="A1:B3"/><sheetData>'
        + '<row r="1">'
        + _inline("A1", "id")
        + _inline("B1", "q1")
        + "</row>"
        + '<row r="2"><c r="A2"><v>1</v></c>'
        + _inline("B2", "Yes")
        + "</row>"
        + '<row r="3"><c r="A3"><v>2</v></c>'
        + _inline("B3", "No")
        + "</row>"
        + f'<row r="{row}">'
        + _inline(far_ref, "x")
        + "</row>"
        + "</sheetData></worksheet>"
    )
    return _raw_xlsx(Path(path), xml)


def write_zip_bomb(path: str | Path, *, megabytes: int = 300) -> Path:
    """An xlsx whose sheet XML is padded with ``megabytes`` MB of whitespace.

    Compresses about 1000:1, so the file is small but a reader would inflate it fully.
    The padding is streamed into the zip so the builder itself stays light on memory.
    """
    path = Path(path)
    _raw_xlsx(path, _SHEET_HEAD + "<sheetData></sheetData></worksheet>")
    # Replace the sheet with a huge padded one, streamed.
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write((_SHEET_HEAD + "<sheetData>").encode())
            chunk = b" " * (1 << 20)
            for _ in range(megabytes):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    tmp.replace(path)
    return path


def write_ods_repeat_bomb(path: str | Path, *, rows: int = 1_000_000, cols: int = 17_000) -> Path:
    """A ~1 KB .ods whose one cell is repeated ``rows`` x ``cols`` times.

    Readers expand the repeats: calamine refuses above 10^8 cells but tries (and can
    abort the process) below that; odfpy asks numpy for the whole grid.
    """
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Data">'
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{cols}" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    path = Path(path)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", manifest)
    return path


def write_encrypted_like(path: str | Path) -> Path:
    """An OLE2 compound file (magic D0 CF 11 E0) named .xlsx: what Excel writes when a
    workbook is saved with a password. Only the signature and a padded header are real."""
    path = Path(path)
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
    path.write_bytes(header + b"\x00" * (512 - len(header)) + b"\x00" * 1024)
    return path


def write_truncated_xlsx(df: pd.DataFrame, path: str | Path, *, keep: float = 0.5) -> Path:
    """A real xlsx of ``df`` cut to ``keep`` of its bytes (an interrupted download/copy)."""
    path = Path(path)
    buf = io.BytesIO()
    tmp = path.with_name(path.stem + "_full.xlsx")
    write_xlsx(df, tmp)
    buf.write(tmp.read_bytes())
    tmp.unlink()
    data = buf.getvalue()
    path.write_bytes(data[: max(1, int(len(data) * keep))])
    return path


def write_pdf_renamed(path: str | Path) -> Path:
    """A tiny real-looking PDF saved under a spreadsheet name (e.g. report.xlsx)."""
    path = Path(path)
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return path


def write_csv_renamed(df: pd.DataFrame, path: str | Path) -> Path:
    """A CSV file saved with a spreadsheet suffix (.xlsx)."""
    path = Path(path)
    path.write_bytes(df.to_csv(index=False).encode("utf-8"))
    return path


def write_empty_sheet_xlsx(path: str | Path) -> Path:
    """A valid xlsx whose only sheet has no cells at all."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    wb.active.title = "Data"
    wb.save(path)
    wb.close()
    return path


def _cell(v: Any) -> Any:
    """Make a pandas value writable by openpyxl (NaN/NA -> empty cell, numpy -> Python)."""
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v.item() if hasattr(v, "item") else v


def sample_survey(n: int = 12) -> pd.DataFrame:
    """A small survey of text answers used across reader tests (deterministic)."""
    freq = ["Never", "Rarely", "Sometimes", "Often"]
    agree = ["Strongly disagree", "Tend to disagree", "Tend to agree", "Strongly agree"]
    return pd.DataFrame(
        {
            "Respondent ID": [f"{i + 1:05d}" for i in range(n)],
            "Council": ["Northshire" if i % 2 else "Southvale" for i in range(n)],
            "Age": [18 + (i * 7) % 70 for i in range(n)],
            "How often do you recycle?": [freq[i % 4] for i in range(n)],
            "How often do you volunteer?": [freq[(i * 3) % 4] for i in range(n)],
            "People like me can influence decisions": [agree[(i * 5) % 4] for i in range(n)],
            "Weight": [round(0.5 + (i % 5) * 0.25, 2) for i in range(n)],
        }
    )
