"""Text files (CSV, TSV, TXT): encoding, delimiter, quotes, ragged rows (see :mod:`.reading`)."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..progress import CancelFn, ProgressFn, check_cancelled, no_progress
from ..types import RawTable
from . import arrow_csv, limits, safety
from .encoding import _decode, _utf8_start
from .grid import (
    _blank,
    _clean_headers,
    _find_header,
    _grid_to_table,
    arrow_text_column,
    blank_rows,
    has_answers,
    text_column,
)

log = logging.getLogger(__name__)

_DELIMITERS = (",", ";", "\t", "|")

# ---------------------------------------------------------------------------------------
# text files


def _read_text(
    path: Path, header_row: int | None, progress: ProgressFn, is_cancelled: CancelFn
) -> RawTable:
    limits.check_text(path.name, path)
    data = _read_bytes(path)
    if not data or data.isspace():  # (no stripped copy of a big file)
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
    progress(0.02, f"Checking the text of {path.name}")
    text, encoding = _decode(path, data, notes)  # None for UTF-8: checked, not kept
    check_cancelled(is_cancelled)
    progress(0.05, f"Reading {path.name}")
    start = text[: 1 << 20] if text is not None else _utf8_start(data, encoding)
    delimiter = _sniff_delimiter(start, path)
    head = _head(start)
    del start
    quotes, cut_from = _count_quotes(text, data, encoding, head, delimiter)
    if quotes % 2:  # a quote mark may be open to the end of the file: look closely
        _check_quotes(path, _full(text, data, encoding), delimiter)
    table = _read_with_arrow(
        path,
        data,
        text,
        head,
        encoding,
        delimiter,
        header_row,
        cut_from,
        notes,
        progress,
        is_cancelled,
    )
    if table is None:  # irregular rows: the careful reader below pads and checks each
        text = _full(text, data, encoding)
        grid, lines = _parse_rows(text, delimiter, path)
        del text
        check_cancelled(is_cancelled)
        progress(0.6, f"Finding the data in {path.name}")
        if header_row is None:
            header_row = _find_header(grid)
        _check_ragged(path, grid, lines, header_row)
        table = _grid_to_table(path, "csv", grid, header_row, notes, is_cancelled, text=True)
    table.encoding = encoding
    table.delimiter = delimiter
    return table


# ---------------------------------------------------------------------------------------
# the fast path: Arrow's multi-threaded CSV reader, answers dictionary-encoded

USE_ARROW = True
"""Read CSV with pyarrow when it is installed (tests switch it off to check the other path)."""

_TOP_ROWS = 40
"""Rows parsed in Python first, to find the header under any title rows."""


def _full(text: str | None, data: bytes, encoding: str) -> str:
    return text if text is not None else data.decode(encoding)


def _count_quotes(
    text: str | None, data: bytes, encoding: str, head: str, delimiter: str
) -> tuple[int, int | None]:
    """The number of quote marks, and where the UTF-8 bytes given to Arrow hold none from
    (the end of ``head``; ``None`` if some follow it).

    Why not one count: survey files rarely quote answers, and looking for the next quote
    mark after the first rows is a memchr over the file (about 30 ms for 360 MB) where
    counting every byte takes 0.2-0.4 s. Any quote further down means a full count."""
    head_bytes = len(head.encode("utf-8"))  # where Arrow's bytes leave the first rows
    if text is not None:  # decoded (Windows, UTF-16): Arrow gets it re-encoded as UTF-8
        if text.find('"', len(head)) >= 0:
            return text.count('"'), None
        quotes = text.count('"', 0, len(head))
    else:
        end = (3 if encoding == "utf-8-sig" else 0) + head_bytes
        if data.find(b'"', end) >= 0:
            return data.count(b'"'), None
        quotes = data.count(b'"', 0, end)
    return quotes, head_bytes if _closed(head, delimiter) else None


def _closed(head: str, delimiter: str) -> bool:
    """Every quote mark in ``head`` opens and closes an answer as CSV says (so no answer
    is still open where ``head`` ends, and the bytes after it can be cut at any line end)."""
    if '"' not in head:
        return True
    try:
        for _ in csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return False
    return True


def _read_with_arrow(
    path: Path,
    data: bytes,
    text: str | None,
    head: str,
    encoding: str,
    delimiter: str,
    header_row: int | None,
    cut_from: int | None,
    notes: list[str],
    progress: ProgressFn,
    is_cancelled: CancelFn,
) -> RawTable | None:
    """The whole file through ``pyarrow.csv`` when every row has the header's width;
    ``None`` (use the careful reader) when a row is irregular or title rows above the
    header hold line breaks. Same result as the careful reader, cell for cell."""
    top, lines = _parse_rows(head, delimiter, path)
    if not top:
        return None
    if header_row is None:
        header_row = _find_header(top)
    if header_row >= len(top) or lines[header_row] != header_row + 1:
        return None
    width = len(top[header_row])
    if text is None:  # UTF-8 already: Arrow reads the bytes as they are
        raw = memoryview(data)[3:] if encoding == "utf-8-sig" else data
    else:
        raw = text.encode("utf-8")
    total = max(len(raw), 1)
    head_bytes = max(len(head.encode("utf-8")), 1)
    rows_per_byte = len(top) / head_bytes  # for "about N rows so far"
    try:
        if not USE_ARROW:
            raise ImportError("pyarrow switched off")
        import pyarrow.compute as pc
    except ImportError:  # the executable leaves pyarrow out (size budget): pandas' C reader
        return _read_with_pandas(
            path,
            raw,
            total * rows_per_byte,
            delimiter,
            header_row,
            width,
            notes,
            progress,
            is_cancelled,
        )
    est_rows = total * rows_per_byte

    def report(done: int) -> None:
        frac = min(0.05 + 0.55 * done / max(est_rows, 1.0), 0.6)
        progress(frac, f"Reading {path.name}: {max(done - 1, 0):,} rows so far")

    buf, start = (data, len(data) - len(raw)) if text is None else (raw, 0)
    parsed = arrow_csv.parse(
        buf, start, header_row, width, delimiter, cut_from, report, is_cancelled
    )
    if parsed is None:
        return None
    chunks, empty = parsed
    check_cancelled(is_cancelled)
    progress(0.6, f"Finding the data in {path.name}")
    # Each column dictionary-encoded once; every later rule (blank cells, blank rows,
    # numbers) runs on its distinct values and reaches the cells through the codes.
    columns = []
    for i in range(width):
        progress(0.6 + 0.15 * i / width, f"Sorting the answers in {path.name}: column {i + 1}")
        col = arrow_csv.column(chunks[i])  # one dictionary for all blocks, counted
        chunks[i] = []
        blank = pc.equal(pc.utf8_trim_whitespace(col.values), "").to_numpy(zero_copy_only=False)
        columns.append((col, blank))
    header = [col.values[col.first].as_py() for col, _ in columns]
    if any(not blank.any() for _, blank in columns):
        # No row can be blank in every column (an ID, a council is never blank): each
        # column's codes are written into one buffer, typed, and the buffer reused for
        # the next (memory a million rows long, once).
        scratch = np.empty(int(columns[0][0].counts.sum()), dtype=np.int32)
        counts = []
        for col, _ in columns:
            body_counts = col.counts.copy()
            body_counts[col.first] -= 1  # the header row is not an answer
            counts.append(body_counts)
        has_data = [bool((c[~b] > 0).any()) for c, (_, b) in zip(counts, columns, strict=True)]

        def typed(i: int) -> pd.Series:
            col = columns[i][0]
            return arrow_text_column(col.codes(scratch)[1:], col.values, counts[i])

        return _table_from_columns(
            path, header_row, header, len(scratch) - 1, has_data, typed, empty, notes, progress
        )
    codes = [col.codes()[1:] for col, _ in columns]
    n_blank, keep_rows = blank_rows([(c, b) for c, (_, b) in zip(codes, columns, strict=True)])
    body = [c[keep_rows] for c in codes]
    has_data = [has_answers(c, b) for c, (_, b) in zip(body, columns, strict=True)]

    def typed_body(i: int) -> pd.Series:
        return arrow_text_column(body[i], columns[i][0].values)

    n_rows = len(body[0])
    return _table_from_columns(
        path, header_row, header, n_rows, has_data, typed_body, n_blank + empty, notes, progress
    )


PANDAS_CHUNK = 100_000
"""Rows per chunk of pandas' reader: progress per chunk, and only one chunk's cells exist
as Python strings at a time (each chunk becomes categoricals)."""


def _read_with_pandas(
    path: Path,
    raw: bytes,
    est_rows: float,
    delimiter: str,
    header_row: int,
    width: int,
    notes: list[str],
    progress: ProgressFn,
    is_cancelled: CancelFn,
) -> RawTable | None:
    """The same as the Arrow path with pandas' C reader, chunk by chunk into categoricals
    (used where pyarrow is not installed, e.g. the executable). ``None`` for a row wider
    than the header (the careful reader reports or pads it); short rows are padded with
    blanks, as the careful reader does."""
    names = [f"c{i}" for i in range(width)]
    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {n: [] for n in names}
    done = 0
    try:
        reader = pd.read_csv(
            io.BytesIO(raw),
            sep=delimiter,
            header=None,
            names=names,
            skiprows=header_row,
            # as text, so "00123" and "1.10" stay as typed (with dtype="category" pandas
            # typed a chunk's categories as numbers, so IDs lost their leading zeros
            # after the first chunk); each chunk factorised at once
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            chunksize=PANDAS_CHUNK,
            encoding="utf-8",
        )
        for chunk in reader:
            check_cancelled(is_cancelled)
            for n in names:
                parts[n].append(pd.factorize(chunk[n].to_numpy(dtype=object)))
            done += len(chunk)
            progress(
                0.05 + 0.55 * min(done / max(est_rows, 1.0), 1.0),
                f"Reading {path.name}: {done:,} rows so far",
            )
    except (pd.errors.ParserError, ValueError):
        return None
    progress(0.6, f"Finding the data in {path.name}")
    columns = []
    for n in names:
        # one list of distinct values per column (each chunk's new ones after the
        # earlier ones), each chunk's codes mapped into it by one hash of its values
        if parts[n]:
            index = pd.Index(pd.unique(np.concatenate([u for _, u in parts[n]])))
            pieces = []
            for chunk_codes, uniques in parts[n]:
                lut = np.append(index.get_indexer(uniques), -1).astype(np.int32)
                pieces.append(lut[chunk_codes])
            values = [str(v) for v in index]
            codes = np.concatenate(pieces)
        else:
            values, codes = [], np.zeros(0, dtype=np.int32)
        parts[n] = []
        blank = np.array([not v.strip() for v in values] + [True])
        columns.append((codes, values, blank))
    header = [vals[c[0]] if c[0] >= 0 else "" for c, vals, _ in columns]
    row_blank = np.ones(len(columns[0][0]) - 1, dtype=bool)
    for codes, _, blank in columns:
        row_blank &= blank[codes[1:]]
    n_blank = int(row_blank.sum())
    keep_rows = ~row_blank if n_blank else slice(None)
    body = [(codes[1:][keep_rows], values, blank) for codes, values, blank in columns]
    has_data = [has_answers(codes, blank) for codes, _, blank in body]

    def typed(i: int) -> pd.Series:
        return text_column(body[i][0], body[i][1])

    n_rows = len(body[0][0])
    return _table_from_columns(
        path, header_row, header, n_rows, has_data, typed, n_blank, notes, progress
    )


def _table_from_columns(
    path: Path,
    header_row: int,
    header: list[Any],
    n_rows: int,
    has_data: list[bool],
    typed: Callable[[int], pd.Series],
    dropped: int,
    notes: list[str],
    progress: ProgressFn = no_progress,
) -> RawTable:
    """As ``_grid_to_table`` does for rows of cells, for dictionary-encoded columns
    (``typed(i)``: column ``i`` as a typed Series, asked for once, in order)."""
    if dropped:
        notes.append(f"{dropped:,} completely empty rows were skipped.")
    if not n_rows:
        raise InputError(
            f"{path.name!r} has a header row but no answers below it.",
            hint="Check it is the right file or sheet, or set the header row.",
        )
    keep = [i for i in range(len(header)) if has_data[i] or not _blank(header[i])]
    names, renames = _clean_headers([header[i] for i in keep], [has_data[i] for i in keep])
    if any("merged header" in why for _, _, why in renames):
        notes.append(
            "Some header cells are blank next to a filled one: the header may be a merged "
            "cell spanning several columns. Check the renamed columns."
        )
    data = {}
    for k, (name, i) in enumerate(zip(names, keep, strict=True)):
        progress(0.75 + 0.2 * k / len(keep), f"Checking the answers in {path.name}: {name[:40]}")
        data[name] = typed(i)
    return RawTable(
        source=path,
        frame=pd.DataFrame(data),
        header_row=header_row,
        format="csv",
        renamed_headers=renames,
        notes=notes,
    )


def _head(text: str) -> str:
    """The first ``_TOP_ROWS`` lines (enough to find the header)."""
    end = 0
    for _ in range(_TOP_ROWS):
        nxt = text.find("\n", end)
        if nxt < 0:
            return text
        end = nxt + 1
    return text[:end]


def _read_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError(
            f"The file {path.name!r} could not be opened.",
            hint="Check it is not open in another program and that you can read it.",
        ) from exc


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


def _check_quotes(path: Path, text: str, delimiter: str) -> None:
    """Refuse a quote mark that is never closed: every row after it would silently become
    part of one answer (a CSV reader reads to the end of the file looking for the close)."""
    if text.count('"') % 2 == 0:
        return  # every opened quote is closed (or quotes pair up inside answers)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as exc:
        if "end of data" not in str(exc):
            return  # another quoting slip; the readers below report or keep it as text
        end = reader.line_num
        rows = end - start + 1
        raise InputError(
            f'Line {start:,} of {path.name!r} opens a quote mark (") that is never closed, '
            f"so the {rows:,} rows from there to the end of the file ({start:,} to {end:,}) "
            "would be read as one answer and those respondents lost.",
            hint="Open the file in a text editor or Excel, remove or close the stray quote "
            "mark on that line, and save it again as CSV.",
        ) from None


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
