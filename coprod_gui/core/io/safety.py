"""Checks run on a workbook BEFORE any spreadsheet library parses it.

Why: python-calamine aborts the whole process (SIGABRT, uncatchable) when a 5 KB sheet
has cells at A1 and XFD1048576, and zip bombs inflate to gigabytes in every reader
(shared reliability.md §1). So before parsing we:

- sniff the first bytes, to give a specific message for a PDF, a CSV or a
  password-protected workbook saved under a spreadsheet name, an empty or cut-off file;
- read the zip directory (never the data) and refuse absurd total sizes or compression
  ratios;
- stream each sheet's XML and find the cells' true extent from their ``r="XFD1048576"``
  references (never trusting ``<dimension>``), refusing an area no survey could need.

The scan is one regex search per chunk in the common case: it only looks for references
with a 3-letter column or a 6+-digit row, and does the exact count only when one exists.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

MAX_TOTAL_UNCOMPRESSED = 1 << 30  # 1 GiB of XML inside one workbook
MAX_RATIO = 100  # compression ratio allowed for big entries (real files: 3–20:1)
RATIO_MIN_SIZE = 8 << 20  # the ratio is only checked on entries above 8 MB
MAX_CELLS = 100_000_000  # the cell area a reader would allocate
SPARSE_MIN = 20_000_000  # above this area, the grid must be at least 1/SPARSE_RATIO full
SPARSE_RATIO = 20
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLS = 16_384
_CHUNK = 8 << 20

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")

# A cell or row reference that could make the area large: column of 3+ letters or a row
# number of 6+ digits, allowing ' quotes and spaces around '=' as XML does. Python's
# regex takes about 0.55 s per 85 MB of sheet XML (a 50,000-row sheet); the same pattern
# in pyarrow's RE2 (linear time, no backtracking) 0.13 s, so that is used when pyarrow is
# installed. The whitespace class is spelt out so both engines accept exactly the same.
_BIG_REF_TEXT = r"""r[ \t\n\r\f\v]*=[ \t\n\r\f\v]*["'](?:[A-Za-z]{3}[0-9]|[A-Za-z]{0,3}[0-9]{6})"""
_BIG_REF = re.compile(_BIG_REF_TEXT.encode("ascii"))
_ANY_REF = re.compile(rb"""r\s*=\s*["']([A-Za-z]{0,4})(\d{1,9})["']""")


@dataclass
class SheetExtent:
    """The furthest cell found in one sheet part (1-based row and column numbers)."""

    part: str
    max_row: int = 0
    max_col: int = 0
    exact: bool = False  # False: only bounded (no far-away reference was seen)
    filled: int = 0  # cell elements seen (exact scans only)

    @property
    def area(self) -> int:
        return self.max_row * self.max_col

    @property
    def absurd(self) -> bool:
        """Beyond Excel's grid, above MAX_CELLS, or a big grid that is almost all empty
        (a reader fills every empty cell in between, so 2 cells far apart cost GBs)."""
        if self.max_row > EXCEL_MAX_ROWS or self.max_col > EXCEL_MAX_COLS:
            return True
        if self.area > MAX_CELLS:
            return True
        return self.exact and self.area > SPARSE_MIN and self.area > SPARSE_RATIO * self.filled


def xml_protection_ok() -> bool:
    """True when openpyxl parses sheets through defusedxml (billion-laughs protection).

    The self-test shows this; openpyxl silently falls back to plain expat without it.
    """
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a hard dependency
        return False
    return bool(getattr(openpyxl, "DEFUSEDXML", False))


def sniff(path: Path) -> str:
    """What the first bytes say the file is: "zip", "ole", "pdf", "empty", "text", "other"."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048)
    except FileNotFoundError as exc:
        raise InputError(
            f"The file {path.name!r} was not found.",
            hint="It may have been moved or renamed; choose it again.",
        ) from exc
    except OSError as exc:
        raise InputError(
            f"The file {path.name!r} could not be opened.",
            hint="Check it is not open in another program and that you can read it.",
        ) from exc
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.lstrip().startswith(b"%PDF"):
        return "pdf"
    if b"\x00" not in head:
        return "text"
    return "other"


def check_magic(path: Path, fmt: str) -> None:
    """Refuse a file whose bytes do not match its spreadsheet suffix, with a specific reason.

    ``fmt`` is the reader chosen from the suffix ("xlsx", "xls", "ods").
    """
    kind = sniff(path)
    name = path.name
    if kind == "empty":
        raise InputError(
            f"The file {name!r} is empty (0 bytes).",
            hint="It may not have finished copying or downloading; get a fresh copy.",
        )
    if kind == "pdf":
        raise InputError(
            f"{name!r} is a PDF, not a spreadsheet.",
            hint="Export the data as Excel or CSV and choose that file instead.",
        )
    if fmt in ("xlsx", "ods"):
        if kind == "zip":
            return
        if kind == "ole" and fmt == "xlsx":
            raise InputError(
                f"{name!r} is protected with a password (or is an old .xls file renamed).",
                hint="Open it in Excel and save it again without a password "
                "(File > Info > Protect Workbook), then choose the new file.",
            )
        if kind == "text":
            raise InputError(
                f"{name!r} is a text (CSV) file with a spreadsheet name.",
                hint="Rename it to end in .csv, or open it in Excel and save it as a workbook.",
            )
        raise InputError(
            f"{name!r} is not a readable {fmt} workbook.",
            hint="Open it in Excel or LibreOffice and save it again as .xlsx.",
        )
    if fmt == "xls":
        if kind == "ole":
            return
        if kind == "zip":
            return  # an .xlsx saved as .xls: the workbook reader detects this itself
        if kind == "text":
            raise InputError(
                f"{name!r} is a text (CSV or web page) file with an .xls name.",
                hint="Open it in Excel and save it as a workbook (.xlsx), or rename it to .csv.",
            )
        raise InputError(
            f"{name!r} is not a readable Excel file.",
            hint="Open it in Excel and save it again as .xlsx.",
        )


def check_zip_workbook(path: Path, fmt: str) -> list[SheetExtent]:
    """Check an xlsx/xlsm/ods package before parsing; return the sheets' extents.

    Raises :class:`InputError` for a truncated package, a zip bomb, or a sheet whose
    cell area is beyond Excel's limits or above :data:`MAX_CELLS`.
    """
    name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise InputError(
            f"{name!r} is damaged or incomplete (it may have been cut off while copying "
            "or downloading).",
            hint="Get a fresh copy of the file, or open it in Excel and save it again.",
        ) from exc
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise _too_big(name)
        for info in infos:
            if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise _too_big(name)
        if fmt == "ods":
            parts = [i for i in infos if i.filename == "content.xml"]
            if not parts:
                raise _not_workbook(name, fmt)
            extents = _scan_ods(zf, parts[0], name)
            for extent in extents:
                if extent.absurd:
                    raise _absurd(name, extent)
            return extents
        parts = [
            i
            for i in infos
            if i.filename.lower().startswith("xl/worksheets/")
            and i.filename.lower().endswith(".xml")
        ]
        if not any(i.filename.lower() == "xl/workbook.xml" for i in infos):
            raise _not_workbook(name, fmt)
        extents = []
        for info in parts:
            extent = _scan_sheet(zf, info, name)
            if extent.absurd:
                raise _absurd(name, extent)
            extents.append(extent)
        return extents


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> SheetExtent:
    """Stream one sheet's XML; find the furthest cell reference.

    Fast pass: if no reference has a 3-letter column or a 6-digit row, every cell lies
    within ZZ99999 (70 M cells, below :data:`MAX_CELLS`). Otherwise a second, exact pass
    from the start counts every reference (only big sheets or hostile files pay this).
    """
    try:
        if not _stream_has_big_ref(zf, info, name):
            return SheetExtent(info.filename, max_row=99_999, max_col=702)
        extent = SheetExtent(info.filename, exact=True)
        for data in _stream(zf, info, name):
            for letters, digits in _ANY_REF.findall(data):
                row = int(digits)
                if row > extent.max_row:
                    extent.max_row = row
                if letters:
                    extent.filled += 1
                    col = _col_number(letters)
                    if col > extent.max_col:
                        extent.max_col = col
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as exc:
        raise InputError(
            f"{name!r} is damaged or incomplete.",
            hint="Get a fresh copy of the file, or open it in Excel and save it again.",
        ) from exc
    extent.max_col = max(extent.max_col, 1)
    return extent


def _stream_has_big_ref(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bool:
    return any(has_big_ref(data) for data in _stream(zf, info, name))


def has_big_ref(data: bytes) -> bool:
    """Whether ``data`` holds a far cell reference (``_BIG_REF``), by RE2 when available."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pyarrow is a dependency; kept optional here
        return _BIG_REF.search(data) is not None
    found = pc.match_substring_regex(pa.array([data], type=pa.binary()), _BIG_REF_TEXT)
    return bool(found[0].as_py())


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """Decompressed chunks, each starting with the previous chunk's last 64 bytes (so a
    reference split across chunks is still seen); stops past the size cap."""
    tail = b""
    seen = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                return
            seen += len(chunk)
            if seen > MAX_TOTAL_UNCOMPRESSED:
                raise _too_big(name)
            data = tail + chunk
            yield data
            tail = data[-64:]


_ODS_TOKEN = re.compile(
    rb"<(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s>/])([^>]*?)(/?)>"
)
_ODS_ROWS = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d+)""")
_ODS_COLS = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d+)""")


def _scan_ods(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> list[SheetExtent]:
    """Per table in content.xml, the area a reader would fill: rows and columns up to the
    furthest non-empty cell, counting ``number-rows/columns-repeated`` (a 50 KB file can
    ask for 10^10 cells). Empty repeated cells at the end (LibreOffice writes them) don't
    count, as no reader fills them."""
    try:
        data = b"".join(_stream_plain(zf, info, name))
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as exc:
        raise InputError(
            f"{name!r} is damaged or incomplete.",
            hint="Get a fresh copy of the file, or open it in LibreOffice and save it again.",
        ) from exc
    extents: list[SheetExtent] = []
    current: SheetExtent | None = None
    row_end = 0
    col = 0
    for m in _ODS_TOKEN.finditer(data):
        kind, attrs, closed = m.group(1), m.group(2), m.group(3)
        if kind == b"table":
            current = SheetExtent(f"content.xml table {len(extents) + 1}", exact=True)
            extents.append(current)
            row_end = 0
            continue
        if current is None:
            continue
        if kind == b"table-row":
            rep = _ODS_ROWS.search(attrs)
            row_end += int(rep.group(1)) if rep else 1
            col = 0
            continue
        rep = _ODS_COLS.search(attrs)
        width = int(rep.group(1)) if rep else 1
        if not closed or b"value-type" in attrs:  # has content or a typed value
            current.max_col = max(current.max_col, col + width)
            current.max_row = max(current.max_row, row_end)
            current.filled += 1
        col += width
    return extents


def _stream_plain(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    seen = 0
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            seen += len(chunk)
            if seen > MAX_TOTAL_UNCOMPRESSED:
                raise _too_big(name)
            yield chunk


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _too_big(name: str) -> InputError:
    return InputError(
        f"{name!r} would expand to far more data than a survey holds (it may be damaged "
        "or built to crash programs), so it was not opened.",
        hint="Open it in Excel, copy the survey data to a new workbook, save it and "
        "choose the new file.",
    )


def _absurd(name: str, extent: SheetExtent) -> InputError:
    return InputError(
        f"{name!r} describes a sheet of {extent.max_row:,} rows by {extent.max_col:,} "
        "columns, almost all empty: reading it would need more memory than this computer "
        "has, so it was not opened.",
        hint="This usually means a stray cell far away from the data. In Excel or "
        "LibreOffice, delete the rows and columns beyond your data (or copy the data to a "
        "new workbook), save, and choose the file again.",
    )


def _not_workbook(name: str, fmt: str) -> InputError:
    return InputError(
        f"{name!r} is a zip file but not a {fmt} workbook.",
        hint="Open it in Excel or LibreOffice and save it again as .xlsx.",
    )
