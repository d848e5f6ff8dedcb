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
import logging
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..progress import (
    CancelFn,
    ProgressFn,
    check_cancelled,
    heartbeat,
    never_cancelled,
    no_progress,
)
from ..types import RawTable
from . import limits, safety
from .grid import _blank, _grid_to_table, _trim
from .stat import _read_stat
from .text import _read_text

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
    try:
        if fmt in _WORKBOOKS:
            table = _read_workbook(path, fmt, sheet, header_row, progress, is_cancelled)
        elif fmt == "csv":
            table = _read_text(path, header_row, progress, is_cancelled)
        else:
            table = _read_stat(path, fmt, progress, is_cancelled)
    except MemoryError as exc:
        raise limits.too_big(path.name, None, limits.available_bytes()) from exc
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
    _check_workbook_memory(path)
    check_cancelled(is_cancelled)
    progress(0.1, f"Reading {path.name}")
    hidden: set[str] = set()
    sheets, grids = _load_grids(path, fmt, sheet, hidden, progress)
    check_cancelled(is_cancelled)
    progress(0.7, f"Finding the data in {path.name}")
    notes: list[str] = []
    if sheet is None:
        # Visible sheets first: a hidden sheet is usually an older wave or a lookup table.
        visible = {k: g for k, g in grids.items() if k not in hidden and _has_cells(g)}
        chosen = _pick_sheet(visible or grids)
        skipped = [k for k in sheets if k in hidden and k != chosen]
        if skipped and visible:
            names = ", ".join(repr(k) for k in skipped)
            notes.append(
                f"The hidden sheet{'s' if len(skipped) > 1 else ''} {names} "
                f"{'were' if len(skipped) > 1 else 'was'} not used; choose "
                f"{'one' if len(skipped) > 1 else 'it'} by name to analyse it instead."
            )
    else:
        chosen = sheet
    grid = grids[chosen]
    grid = _trim(grid, notes)
    if not grid:
        raise InputError(
            f"The sheet {chosen!r} in {path.name!r} has no data.",
            hint="Choose the sheet that holds the survey answers, or check the file "
            "is the right one.",
        )
    if len(sheets) > 1 or chosen in hidden:
        # always say which sheet was read when there was a choice (DESIGN: no silent picks)
        state = " (a hidden sheet)" if chosen in hidden else ""
        notes.append(f"The survey data were taken from the sheet {chosen!r}{state}.")
    table = _grid_to_table(path, fmt, grid, header_row, notes, is_cancelled)
    table.sheet = chosen
    table.sheets = sheets
    return table


WORKBOOK_FACTOR = 4
"""Memory per byte of a workbook's uncompressed sheet XML: every cell becomes a Python
object before it becomes a column (measured: 2.2 GB for 500,000 × 40 cells, ~0.6 GB XML)."""


def _check_workbook_memory(path: Path) -> None:
    """Refuse a workbook whose sheets, uncompressed, would not fit in memory once read."""
    import zipfile

    if safety.sniff(path) != "zip":
        return
    try:
        with zipfile.ZipFile(path) as zf:
            size = sum(
                i.file_size
                for i in zf.infolist()
                if i.filename.startswith(("xl/worksheets/", "content.xml"))
                or i.filename.endswith("sharedStrings.xml")
            )
    except (zipfile.BadZipFile, OSError):
        return  # the readers report a damaged file plainly
    limits.check_fits(path.name, float(size) * WORKBOOK_FACTOR)


def _has_cells(grid: list[list[Any]]) -> bool:
    return any(not _blank(v) for row in grid[:2000] for v in row)


def _load_grids(
    path: Path,
    fmt: str,
    sheet: str | None,
    hidden: set[str] | None = None,
    progress: ProgressFn = no_progress,
) -> tuple[list[str], dict[str, list[list[Any]]]]:
    """All sheets (or just ``sheet``) as lists of rows, via calamine or a fallback; the
    names of hidden (and very hidden) sheets are added to ``hidden``."""
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        if _is_password_error(exc):
            raise _password(path) from exc
        return _fallback_grids(path, fmt, sheet, exc)
    try:
        names = list(wb.sheet_names)
        if hidden is not None:
            with contextlib.suppress(Exception):  # older workbooks may lack the metadata
                hidden.update(
                    m.name for m in wb.sheets_metadata if m.visible != pc.SheetVisibleEnum.Visible
                )
        wanted = _wanted_sheets(path, names, sheet)
        grids = {}
        for name in wanted:
            with heartbeat(progress, 0.4, f"Reading the sheet {name!r} of {path.name}"):
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
