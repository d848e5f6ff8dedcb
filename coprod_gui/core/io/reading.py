"""Survey readers: every supported file becomes one :class:`RawTable`.

Why one entry point: the officer drops in whatever the agency sent (Excel with title
rows, a CSV saved on an old Windows PC, an SPSS file with coded answers) and every later
step sees the same shape: unique stripped headers, text answers as text, numbers as
numbers, blanks as missing, and SPSS/Stata codes kept as codes with their labels beside.

- Workbooks (xlsx/xlsm/xls/ods) are checked first by :mod:`.safety` (a hostile file can
  crash the fast reader outright), then read with python-calamine, falling back to
  openpyxl (xlsx) or odfpy (ods) if calamine refuses a file.
- Text files: encoding (UTF-8, UTF-8 with BOM, UTF-16, Windows-1252) and delimiter are
  detected; nothing is replaced silently.
- The header row is found under agency title rows, and the data sheet among notes sheets.

Nothing here ever writes to the input file, and files are closed before returning.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import logging
import math
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..progress import CancelFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from ..types import RawTable
from . import safety

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".xlsx",
    ".xlsm",
    ".xls",
    ".ods",
    ".csv",
    ".tsv",
    ".tab",
    ".txt",
    ".sav",
    ".zsav",
    ".dta",
)
_FORMAT = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".sav": "sav",
    ".zsav": "sav",
    ".dta": "dta",
}
_WORKBOOKS = ("xlsx", "xls", "ods")
_HEADER_SEARCH_ROWS = 30
_DELIMITERS = (",", ";", "\t", "|")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_LEADING_ZERO = r"[-+]?0\d"
_DATA_SHEET_WORDS = ("data", "response", "survey", "result", "raw")
_NOTES_SHEET_WORDS = (
    "about",
    "note",
    "readme",
    "read me",
    "info",
    "content",
    "codebook",
    "code book",
    "label",
    "variable",
    "question",
    "cover",
    "guide",
    "method",
)


# ---------------------------------------------------------------------------------------
# public API


def read_survey(
    path: str | Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    progress: ProgressFn = no_progress,
    is_cancelled: CancelFn = never_cancelled,
) -> RawTable:
    """Read one survey file into a :class:`RawTable` (see the module docstring).

    ``sheet`` picks the workbook sheet (default: the one that looks like respondent
    data); ``header_row`` (0-based) overrides the detected header row. Raises
    :class:`InputError` with a plain message naming the file for anything unreadable.
    """
    path = Path(path)
    fmt = _format_of(path)
    if not path.is_file():
        raise InputError(
            f"The file {path.name!r} was not found.",
            hint="It may have been moved or renamed; choose it again.",
        )
    if header_row is not None and header_row < 0:
        raise InputError("The header row number cannot be negative.")
    log.info("reading %s (%s)", path.name, fmt)
    progress(0.0, f"Opening {path.name}")
    check_cancelled(is_cancelled)
    if fmt in _WORKBOOKS:
        table = _read_workbook(path, fmt, sheet, header_row, progress, is_cancelled)
    elif fmt == "csv":
        table = _read_text(path, header_row, progress, is_cancelled)
    else:
        table = _read_stat(path, fmt, progress, is_cancelled)
    progress(1.0, f"Read {len(table.frame):,} rows from {path.name}")
    log.info("read %s: %d rows, %d columns", path.name, len(table.frame), len(table.frame.columns))
    return table


def list_sheets(path: str | Path) -> list[str]:
    """The sheet names of a workbook (``[]`` for text and SPSS/Stata files)."""
    path = Path(path)
    fmt = _format_of(path)
    if fmt not in _WORKBOOKS:
        return []
    _check_workbook(path, fmt)
    return _sheet_names(path, fmt)


# ---------------------------------------------------------------------------------------
# workbooks


def _format_of(path: Path) -> str:
    if path.is_dir():  # before the suffix: a folder is never "an unsupported file type"
        raise InputError(
            f"{path.name!r} is a folder, not a survey file.",
            hint="Choose the survey file(s) inside the folder instead.",
        )
    fmt = _FORMAT.get(path.suffix.lower())
    if fmt is None:
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        raise InputError(
            f"{path.name!r} is not a file type this program reads.",
            hint=f"Save the survey as Excel (.xlsx), CSV or SPSS (.sav). Supported: {kinds}.",
        )
    return fmt


def _check_workbook(path: Path, fmt: str) -> None:
    safety.check_magic(path, fmt)
    if safety.sniff(path) == "zip":
        safety.check_zip_workbook(path, "ods" if fmt == "ods" else "xlsx")


def _sheet_names(path: Path, fmt: str) -> list[str]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types; fall back below
        if fmt == "ods":
            return _fallback_grids(path, fmt, None, exc, names_only=True)[0]
        if fmt == "xlsx" or safety.sniff(path) == "zip":
            return _openpyxl_sheet_names(path, exc)
        raise _unreadable(path, exc) from exc
    try:
        return list(wb.sheet_names)
    finally:
        wb.close()


def _read_workbook(
    path: Path,
    fmt: str,
    sheet: str | None,
    header_row: int | None,
    progress: ProgressFn,
    is_cancelled: CancelFn,
) -> RawTable:
    progress(0.02, f"Checking {path.name}")
    _check_workbook(path, fmt)
    check_cancelled(is_cancelled)
    progress(0.1, f"Reading {path.name}")
    sheets, grids = _load_grids(path, fmt, sheet)
    check_cancelled(is_cancelled)
    progress(0.7, f"Finding the data in {path.name}")
    chosen = sheet if sheet is not None else _pick_sheet(grids)
    grid = grids[chosen]
    notes: list[str] = []
    grid = _trim(grid, notes)
    if not grid:
        raise InputError(
            f"The sheet {chosen!r} in {path.name!r} has no data.",
            hint="Choose the sheet that holds the survey answers, or check the file "
            "is the right one.",
        )
    if sheet is None and len(sheets) > 1 and chosen != sheets[0]:
        notes.append(f"The survey data were taken from the sheet {chosen!r}.")
    table = _grid_to_table(path, fmt, grid, header_row, notes, is_cancelled)
    table.sheet = chosen
    table.sheets = sheets
    return table


def _load_grids(
    path: Path, fmt: str, sheet: str | None
) -> tuple[list[str], dict[str, list[list[Any]]]]:
    """All sheets (or just ``sheet``) as lists of rows, via calamine or a fallback."""
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        if _is_password_error(exc):
            raise _password(path) from exc
        return _fallback_grids(path, fmt, sheet, exc)
    try:
        names = list(wb.sheet_names)
        wanted = _wanted_sheets(path, names, sheet)
        grids = {}
        for name in wanted:
            grids[name] = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return names, grids
    except InputError:
        raise
    except MemoryError as exc:
        raise InputError(
            f"{path.name!r} is too big to read with this computer's memory.",
            hint="Close other programs and try again, or save only the survey sheet "
            "(or the columns you need) to a new file.",
        ) from exc
    except Exception as exc:
        if _is_password_error(exc):
            raise _password(path) from exc
        return _fallback_grids(path, fmt, sheet, exc)
    finally:
        wb.close()


def _wanted_sheets(path: Path, names: list[str], sheet: str | None) -> list[str]:
    if not names:
        raise InputError(f"{path.name!r} has no sheets.", hint="Check it is the right file.")
    if sheet is None:
        return names
    if sheet not in names:
        raise InputError(
            f"{path.name!r} has no sheet called {sheet!r}.",
            hint="Its sheets are: " + ", ".join(repr(n) for n in names) + ".",
        )
    return [sheet]


def _fallback_grids(
    path: Path,
    fmt: str,
    sheet: str | None,
    first_error: BaseException,
    *,
    names_only: bool = False,
) -> tuple[list[str], dict[str, list[list[Any]]]]:
    """Read with openpyxl (xlsx) or odfpy (ods) when calamine refuses a file."""
    log.warning("fast reader failed on %s (%s); trying fallback", path.name, type(first_error))
    if fmt == "xlsx" or (fmt == "xls" and safety.sniff(path) == "zip"):
        import openpyxl

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            raise _unreadable(path, exc) from exc
        try:
            names = list(wb.sheetnames)
            grids = {}
            for name in _wanted_sheets(path, names, sheet):
                ws = wb[name]
                ws.reset_dimensions()  # never trust <dimension> (reliability.md §1)
                grids[name] = [list(r) for r in ws.iter_rows(values_only=True)]
            return names, grids
        except InputError:
            raise
        except Exception as exc:
            raise _unreadable(path, exc) from exc
        finally:
            wb.close()
    if fmt == "ods" and names_only:
        try:
            with pd.ExcelFile(path, engine="odf") as book:
                return [str(n) for n in book.sheet_names], {}
        except Exception as exc:
            raise _unreadable(path, exc) from exc
    if fmt == "ods":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frames = pd.read_excel(
                    path, engine="odf", header=None, sheet_name=sheet, dtype=object
                )
        except Exception as exc:
            raise _unreadable(path, exc) from exc
        if isinstance(frames, pd.DataFrame):
            frames = {sheet: frames}
        grids = {
            str(k): [[None if _blank(v) else v for v in row] for row in f.itertuples(False)]
            for k, f in frames.items()
        }
        return list(grids), grids
    raise _unreadable(path, first_error)


def _openpyxl_sheet_names(path: Path, first_error: BaseException) -> list[str]:
    if _is_password_error(first_error):
        raise _password(path) from first_error
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:
        raise _unreadable(path, exc) from exc
    try:
        names = list(wb.sheetnames)
    finally:
        wb.close()
    return names


def _is_password_error(exc: BaseException) -> bool:
    return type(exc).__name__ == "PasswordError"


def _password(path: Path) -> InputError:
    return InputError(
        f"{path.name!r} is protected with a password.",
        hint="Open it in Excel and save it again without a password, then choose the new file.",
    )


def _unreadable(path: Path, exc: BaseException) -> InputError:
    log.warning("could not read %s: %s", path.name, type(exc).__name__)
    return InputError(
        f"{path.name!r} could not be read as a spreadsheet (it may be damaged or in an "
        "unusual format).",
        hint="Open it in Excel or LibreOffice, save it again as .xlsx, and choose the new file.",
    )


def _pick_sheet(grids: dict[str, list[list[Any]]]) -> str:
    """The sheet that looks most like respondent data: many filled cells in wide rows.

    A codebook or notes sheet can have many rows but is narrow (2–4 columns), so the
    score is filled cells times the typical row width; sheet names nudge it.
    """
    best, best_score = next(iter(grids)), -1.0
    for name, grid in grids.items():
        counts = [sum(1 for v in row if not _blank(v)) for row in grid[:2000]]
        counts = [c for c in counts if c]
        if not counts:
            continue
        typical = sorted(counts)[len(counts) // 2]
        score = float(sum(counts)) * typical * max(len(grid) / 2000, 1.0)
        low = name.lower()
        if any(w in low for w in _DATA_SHEET_WORDS):
            score *= 2.0
        if any(w in low for w in _NOTES_SHEET_WORDS):
            score *= 0.2
        if score > best_score:
            best, best_score = name, score
    return best


# ---------------------------------------------------------------------------------------
# grid (rows of cells) -> RawTable, shared by workbooks and text files


def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    if isinstance(v, float):
        return math.isnan(v)
    return v is pd.NaT


def _trim(grid: list[list[Any]], notes: list[str]) -> list[list[Any]]:
    """Drop fully empty trailing rows and columns (a stray cell far below the data)."""
    n = len(grid)
    end = n
    while end and not any(not _blank(v) for v in grid[end - 1]):
        end -= 1
    if n - end > 1000:
        notes.append(
            f"The sheet had {n - end:,} empty rows after the data (probably a stray "
            "formatted cell far below); they were ignored."
        )
    grid = grid[:end]
    width = 0
    for row in grid:
        last = len(row)
        while last > width and _blank(row[last - 1]):
            last -= 1
        width = max(width, last)
    return [r[:width] for r in grid] if any(len(r) > width for r in grid) else grid


def _find_header(grid: list[list[Any]]) -> int:
    """First row whose cells are mostly filled, mostly distinct text, with data below."""
    top = grid[:_HEADER_SEARCH_ROWS]
    counts = [sum(1 for v in row if not _blank(v)) for row in top]
    most = max(counts, default=0)
    if most == 0:
        return 0
    for i, row in enumerate(top):
        filled = [v for v in row if not _blank(v)]
        if len(filled) < max(1, 0.5 * most) or len(filled) < min(2, most):
            continue
        texts = [v for v in filled if isinstance(v, str)]
        if len(texts) < 0.6 * len(filled):
            continue
        if len({str(t).strip().lower() for t in texts}) < 0.5 * len(texts):
            continue
        below = grid[i + 1 : i + 4]
        if below and any(not _blank(v) for r in below for v in r):
            return i
    return 0


def _header_text(v: Any) -> str:
    if _blank(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    return str(v)


def _clean_headers(raw: Sequence[Any], has_data: Sequence[bool]) -> tuple[list[str], list]:
    """Strip, tidy and de-duplicate headers; return names and (old, new, why) renames."""
    names: list[str] = []
    renames: list[tuple[str, str, str]] = []
    used: set[str] = set()
    for i, v in enumerate(raw):
        old = _header_text(v)
        new = re.sub(r"\s+", " ", old).strip()
        whys = []
        if not new:
            new = f"Column {i + 1}"
            whys.append("the header cell was blank")
            if i > 0 and not _blank(raw[i - 1]) and has_data[i]:
                whys.append(
                    "it may be part of a merged header cell over several columns; "
                    "check which question it belongs to"
                )
        elif new != old:
            whys.append("spaces or line breaks in the header were tidied")
        base = new
        k = 2
        while new.lower() in used:
            new = f"{base} ({k})"
            k += 1
        if new != base:
            whys.append("another column already has this name")
        used.add(new.lower())
        names.append(new)
        if new != old:
            renames.append((old, new, "; ".join(whys)))
    return names, renames


def _grid_to_table(
    path: Path,
    fmt: str,
    grid: list[list[Any]],
    header_row: int | None,
    notes: list[str],
    is_cancelled: CancelFn,
    *,
    text: bool = False,
) -> RawTable:
    if header_row is None:
        header_row = _find_header(grid)
    elif header_row >= len(grid):
        raise InputError(
            f"{path.name!r} has only {len(grid)} rows, so row {header_row + 1} cannot be "
            "the header.",
            hint="Choose a smaller header row number.",
        )
    width = max((len(r) for r in grid), default=0)
    header = list(grid[header_row]) + [None] * (width - len(grid[header_row]))
    body = [r for r in grid[header_row + 1 :] if any(not _blank(v) for v in r)]
    dropped = len(grid) - header_row - 1 - len(body)
    if dropped:
        notes.append(f"{dropped:,} completely empty rows were skipped.")
    if not body:
        raise InputError(
            f"{path.name!r} has a header row but no answers below it.",
            hint="Check it is the right file or sheet, or set the header row.",
        )
    check_cancelled(is_cancelled)
    columns: list[list[Any]] = [list(c) for c in zip(*[_pad(r, width) for r in body], strict=True)]
    has_data = [any(not _blank(v) for v in col) for col in columns]
    keep = [i for i in range(width) if has_data[i] or not _blank(header[i])]
    header = [header[i] for i in keep]
    columns = [columns[i] for i in keep]
    names, renames = _clean_headers(header, [has_data[i] for i in keep])
    if any("merged header" in why for _, _, why in renames):
        notes.append(
            "Some header cells are blank next to a filled one: the header may be a merged "
            "cell spanning several columns. Check the renamed columns."
        )
    data = {}
    for name, col in zip(names, columns, strict=True):
        data[name] = _text_column(col) if text else _cell_column(col)
    frame = pd.DataFrame(data)
    return RawTable(
        source=path,
        frame=frame,
        header_row=header_row,
        format=fmt,
        renamed_headers=renames,
        notes=notes,
    )


def _pad(row: list[Any], width: int) -> list[Any]:
    return row if len(row) == width else list(row) + [None] * (width - len(row))


def _cell_column(col: list[Any]) -> pd.Series:
    """A column of workbook cells: numbers stay numbers, text stays text, blanks missing."""
    none = type(None)
    types = set(map(type, col)) - {none}
    if str in types:
        # Survey answers repeat, so checking the distinct strings is far cheaper than
        # stripping every cell. calamine gives "" for empty cells.
        blanks = {v for v in set(col) if isinstance(v, str) and not v.strip()}
        if blanks:
            col = [None if v.__class__ is str and v in blanks else v for v in col]
            types = set(map(type, col)) - {none}
    if types <= {str}:
        return pd.Series(col, dtype="str" if types else object)
    if types <= {float, int}:
        return _maybe_int(np.array(col, dtype=float))  # None -> NaN
    if types <= {dt.datetime, dt.date}:
        return pd.Series(pd.to_datetime(pd.Series(col, dtype=object)))
    if types <= {float, int, str}:
        # Mixed numbers and text ("Don't know" among codes): keep each as it is.
        out = [int(v) if isinstance(v, float) and v.is_integer() else v for v in col]
        return pd.Series(out, dtype=object)
    return pd.Series(col)


def _maybe_int(arr: np.ndarray) -> pd.Series:
    finite = arr[~np.isnan(arr)]
    if (
        len(arr)
        and len(finite) == len(arr)
        and np.all(finite == np.round(finite))
        and np.all(np.abs(finite) < 2**53)
    ):
        return pd.Series(arr.astype(np.int64))
    return pd.Series(arr)


def _text_column(col: list[Any]) -> pd.Series:
    """A column of text cells: converted to numbers only if EVERY answer is a number, none
    has a leading zero (IDs such as 00123 stay text) and none is too long for a float."""
    s = pd.Series([None if v is None or v == "" else v for v in col], dtype="str")
    filled = s.dropna()
    if filled.empty:
        return s
    stripped = filled.str.strip()
    if (
        stripped.str.fullmatch(_NUMBER).all()
        and not stripped.str.match(_LEADING_ZERO).any()
        and stripped.str.count(r"\d").max() <= 15  # longer IDs would lose digits as floats
    ):
        return _maybe_int(pd.to_numeric(s.str.strip()).to_numpy(dtype=float))
    return s


# ---------------------------------------------------------------------------------------
# text files


def _read_text(
    path: Path, header_row: int | None, progress: ProgressFn, is_cancelled: CancelFn
) -> RawTable:
    data = _read_bytes(path)
    if not data.strip():
        raise InputError(
            f"The file {path.name!r} is empty.",
            hint="It may not have finished copying or downloading; get a fresh copy.",
        )
    kind = safety.sniff(path)
    if kind in ("zip", "ole"):
        raise InputError(
            f"{path.name!r} is a spreadsheet workbook with a text-file name.",
            hint="Rename it to end in .xlsx (or .xls), or save it from Excel as CSV.",
        )
    if kind == "pdf":
        raise InputError(
            f"{path.name!r} is a PDF, not a data file.",
            hint="Export the data as Excel or CSV and choose that file instead.",
        )
    notes: list[str] = []
    text, encoding = _decode(path, data, notes)
    check_cancelled(is_cancelled)
    progress(0.2, f"Reading {path.name}")
    delimiter = _sniff_delimiter(text, path)
    grid, lines = _parse_rows(text, delimiter, path)
    check_cancelled(is_cancelled)
    progress(0.6, f"Finding the data in {path.name}")
    if header_row is None:
        header_row = _find_header(grid)
    _check_ragged(path, grid, lines, header_row)
    table = _grid_to_table(path, "csv", grid, header_row, notes, is_cancelled, text=True)
    table.encoding = encoding
    table.delimiter = delimiter
    return table


def _read_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError(
            f"The file {path.name!r} could not be opened.",
            hint="Check it is not open in another program and that you can read it.",
        ) from exc


def _decode(path: Path, data: bytes, notes: list[str]) -> tuple[str, str]:
    """Decode strictly: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "cp1252":
            notes.append(
                "The file is not UTF-8; it was read as Windows (cp1252) text. "
                "Check that accented letters and £ signs look right."
            )
        return text, enc
    raise InputError(
        f"The text in {path.name!r} is in an encoding this program cannot recognise.",
        hint="Open it in Excel and save it as 'CSV UTF-8', then choose the new file.",
    )


def _sniff_delimiter(text: str, path: Path) -> str:
    """The delimiter giving the most consistent number of fields (>1) over sample lines."""
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    sample_lines = [ln for ln in text[:200_000].splitlines() if ln.strip()][:60]
    sample = "\n".join(sample_lines)
    best, best_key = ",", (-1, 0)
    for d in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=d)]
        except csv.Error:
            continue
        if not counts:
            continue
        # the commonest field count among multi-field lines and how many lines share it
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        mode = max(set(multi), key=multi.count)
        key = (multi.count(mode), mode)
        if key > best_key:
            best, best_key = d, key
    return best


def _parse_rows(text: str, delimiter: str, path: Path) -> tuple[list[list[Any]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[list[Any]] = []
    lines: list[int] = []
    try:
        for row in reader:
            grid.append(row)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise InputError(
            f"{path.name!r} could not be read as a table near line {reader.line_num}.",
            hint="Open it in Excel, check that line (a stray quote mark is the usual cause) "
            "and save it again as CSV.",
        ) from exc
    return grid, lines


def _check_ragged(path: Path, grid: list[list[Any]], lines: list[int], header_row: int) -> None:
    """Refuse rows with more values than the header: their answers would shift columns."""
    if header_row >= len(grid):
        return
    width = len(grid[header_row])
    for row, line in zip(grid[header_row + 1 :], lines[header_row + 1 :], strict=False):
        if len(row) > width:
            extra = row[width:]
            if all(_blank(v) for v in extra):
                continue
            raise InputError(
                f"Line {line} of {path.name!r} has {len(row)} values but the header has "
                f"{width}, so its answers would land in the wrong columns.",
                hint="Open the file in Excel, fix that line (often an unquoted comma in an "
                "answer) and save it again.",
            )


# ---------------------------------------------------------------------------------------
# SPSS and Stata


def _read_stat(path: Path, fmt: str, progress: ProgressFn, is_cancelled: CancelFn) -> RawTable:
    import pyreadstat

    kind = safety.sniff(path)
    if kind == "empty":
        raise InputError(
            f"The file {path.name!r} is empty (0 bytes).",
            hint="It may not have finished copying or downloading; get a fresh copy.",
        )
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    kwargs: dict[str, Any] = {"apply_value_formats": False}
    if fmt == "sav":
        kwargs["user_missing"] = True
    notes: list[str] = []
    progress(0.1, f"Reading {path.name}")
    try:
        df, meta = _call_quietly(reader, path, **kwargs)
    except Exception as exc:
        if not _looks_like_encoding_error(exc):
            raise _stat_error(path, fmt, exc) from exc
        try:
            df, meta = _call_quietly(reader, path, encoding="cp1252", **kwargs)
        except Exception as exc2:
            raise _stat_error(path, fmt, exc2, encoding=True) from exc2
        notes.append("The file's text was read as Windows (cp1252) text; check accented letters.")
    check_cancelled(is_cancelled)
    progress(0.8, f"Reading labels in {path.name}")
    frame = pd.DataFrame({c: _stat_column(df[c]) for c in df.columns}, index=pd.RangeIndex(len(df)))
    labels = {
        c: str(lab).strip()
        for c, lab in (meta.column_names_to_labels or {}).items()
        if lab and str(lab).strip()
    }
    value_labels = {
        c: {_code(k): str(v) for k, v in vl.items()}
        for c, vl in (meta.variable_value_labels or {}).items()
        if vl
    }
    missing = _missing_codes(frame, meta)
    return RawTable(
        source=path,
        frame=frame,
        format=fmt,
        variable_labels=labels,
        value_labels=value_labels,
        missing_codes=missing,
        notes=notes,
    )


def _call_quietly(reader: Any, path: Path, **kwargs: Any) -> tuple[pd.DataFrame, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reader(str(path), **kwargs)


def _looks_like_encoding_error(exc: BaseException) -> bool:
    text = str(exc).lower()  # used for the decision only, never shown or logged
    return "encod" in text or "iconv" in text or "convert" in text


def _stat_error(path: Path, fmt: str, exc: BaseException, *, encoding: bool = False) -> InputError:
    log.warning("could not read %s: %s", path.name, type(exc).__name__)
    what = "SPSS" if fmt == "sav" else "Stata"
    if encoding:
        return InputError(
            f"The text inside {path.name!r} is in an encoding this program cannot read.",
            hint=f"Open it in {what} and save it again as Unicode (UTF-8), then choose it again.",
        )
    return InputError(
        f"{path.name!r} could not be read as an {what} file (it may be damaged, cut off "
        "while copying, or not really a .{0} file).".format(path.suffix.lstrip(".").lower()),
        hint=f"Get a fresh copy, or open it in {what} and save it again.",
    )


def _code(k: Any) -> Any:
    if isinstance(k, float) and k.is_integer():
        return int(k)
    return k


def _stat_column(s: pd.Series) -> pd.Series:
    """Numeric codes as int where whole, float otherwise; empty strings become missing."""
    s = s.reset_index(drop=True)
    if s.dtype.kind == "f":
        return _maybe_int(s.to_numpy(dtype=float))
    if pd.api.types.is_string_dtype(s.dtype):
        vals = [None if v is None or v == "" or v is np.nan else v for v in s]
        if all(v is None or isinstance(v, str) for v in vals):
            return pd.Series(vals, dtype="str")
        return pd.Series(vals, dtype=object)
    return s


def _missing_codes(frame: pd.DataFrame, meta: Any) -> dict[str, list[Any]]:
    """Declared user-missing codes: discrete values plus codes present within ranges."""
    out: dict[str, set[Any]] = {}
    for col, vals in (getattr(meta, "missing_user_values", None) or {}).items():
        out.setdefault(col, set()).update(_code(v) for v in vals)
    for col, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        for rng in ranges:
            lo, hi = rng.get("lo"), rng.get("hi")
            if lo is None or hi is None:
                continue
            if lo == hi:
                out.setdefault(col, set()).add(_code(lo))
            elif col in frame:
                with contextlib.suppress(TypeError, ValueError):
                    s = pd.to_numeric(frame[col], errors="coerce")
                    present = s[(s >= lo) & (s <= hi)].dropna().unique()
                    out.setdefault(col, set()).update(_code(float(v)) for v in present)
    return {c: sorted(v, key=lambda x: (str(type(x)), x)) for c, v in out.items() if v}
