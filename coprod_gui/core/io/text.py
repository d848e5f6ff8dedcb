"""Text files (CSV, TSV, TXT): encoding, delimiter, quotes, ragged rows (see :mod:`.reading`)."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..progress import CancelFn, ProgressFn, check_cancelled
from ..types import RawTable
from . import safety
from .grid import _blank, _find_header, _grid_to_table

log = logging.getLogger(__name__)

_DELIMITERS = (",", ";", "\t", "|")

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


