"""Rows of cells -> a RawTable: header detection, header cleaning, column types.

Shared by workbooks and text files (see :mod:`.reading`)."""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..progress import CancelFn, check_cancelled
from ..types import RawTable

log = logging.getLogger(__name__)

_HEADER_SEARCH_ROWS = 30
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_LEADING_ZERO = r"[-+]?0\d"

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
    if types == {str}:
        # Text only (most answer columns): distinct values first, then the blank ones
        # ("" for an empty cell, or spaces) dropped from those few, not cell by cell.
        codes, uniques = pd.factorize(np.asarray(col, dtype=object), use_na_sentinel=True)
        blank = np.fromiter((not u.strip() for u in uniques), dtype=bool, count=len(uniques))
        if blank.any():
            kept = np.flatnonzero(~blank)
            if not len(kept):
                return pd.Series([None] * len(col), dtype=object)
            renumber = np.full(len(uniques) + 1, -1, dtype=np.intp)  # [code + 1] -> code
            renumber[kept + 1] = np.arange(len(kept))
            codes = renumber[codes + 1]
            uniques = uniques[kept]
        return _strings(codes, list(uniques))
    if str in types:
        # Survey answers repeat, so checking the distinct strings is far cheaper than
        # stripping every cell. calamine gives "" for empty cells.
        blanks = {v for v in set(col) if isinstance(v, str) and not v.strip()}
        if blanks:
            col = [None if v.__class__ is str and v in blanks else v for v in col]
            types = set(map(type, col)) - {none}
    if types <= {str}:
        if not types:
            return pd.Series(col, dtype=object)
        codes, uniques = pd.factorize(np.asarray(col, dtype=object), use_na_sentinel=True)
        return _strings(codes, list(uniques))
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


_NUMBER_RX = re.compile(_NUMBER)
_LEADING_ZERO_RX = re.compile(_LEADING_ZERO)
CATEGORICAL_SHARE = 0.5
"""Text columns with fewer distinct answers than this share of their rows are kept as
categoricals (one small code per cell instead of a string): survey answers repeat."""


def _text_number(value: str) -> float | None:
    """The number a text answer spells (" 12 ", "3.5", "1e3"), or None if it is not one:
    a leading zero (IDs such as 00123) or more than 15 digits (a float would lose some)
    keeps it text. Called once per distinct answer of a column, never per cell."""
    stripped = value.strip()
    if not _NUMBER_RX.fullmatch(stripped) or _LEADING_ZERO_RX.match(stripped):
        return None
    if sum(c.isdigit() for c in stripped) > 15:
        return None
    return float(stripped)


VECTOR_FROM = 5_000
"""Columns with more distinct answers than this (IDs, weights typed as text) have the
number rule applied by Arrow's compute kernels on the distinct values instead of by
:func:`_text_number` in Python: the same rule, without a Python call per respondent."""


def _numbers_of(values: Sequence[str | None], arrow_values: Any = None) -> list[float | None]:
    """:func:`_text_number` of each distinct value (Arrow's kernels for many values)."""
    if arrow_values is None or len(values) <= VECTOR_FROM:
        return [None if v is None else _text_number(v) for v in values]
    return _arrow_numbers(arrow_values).to_pylist()


def _arrow_numbers(arrow_values: Any) -> Any:
    """:func:`_text_number`'s rule by Arrow's kernels: float64, null where not a number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    s = pc.utf8_trim_whitespace(arrow_values)
    ok = pc.and_(
        pc.match_substring_regex(s, f"^(?:{_NUMBER})$"),
        pc.invert(pc.match_substring_regex(s, f"^(?:{_LEADING_ZERO})")),
    )
    ok = pc.fill_null(ok, False)
    long = pc.and_(ok, pc.greater(pc.utf8_length(s), 15))  # only these can have 16+ digits
    if pc.any(long).as_py():
        ok = pc.and_(ok, pc.less_equal(pc.count_substring_regex(s, r"\d"), 15))
        ok = pc.fill_null(ok, False)
    return pc.cast(pc.if_else(ok, s, pa.scalar(None, pa.string())), pa.float64())


def _counts(codes: np.ndarray, n: int) -> np.ndarray:
    """How many cells hold each of ``n`` distinct values (codes ``-1``: none)."""
    if len(codes) and codes.min() < 0:
        return np.bincount(codes[codes >= 0], minlength=n)
    return np.bincount(codes, minlength=n)


FIRST_ROWS = 4096
"""Rows looked at first for the order in which answers first appear (see ``first_seen``)."""


def first_seen(codes: np.ndarray, wanted: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The codes marked in ``wanted`` (a mask over the values) in the order in which they
    first appear in ``codes``: ``pd.unique``'s order (``present``: the values some cell
    holds). Survey answers nearly all appear in the first rows, so a growing head of the
    column is hashed, not every cell, until every wanted code has been seen."""
    n_wanted = int(wanted.sum())
    if n_wanted * 8 >= len(codes) and len(codes) and codes.min() >= 0:
        # Many distinct values (IDs): a reader that numbers values as they first appear
        # (Arrow) gives codes that, once numbered among the values in use, only ever
        # step up by one past the largest so far. Then the order is ascending: told by
        # a few passes over the codes instead of a hash of every cell.
        used = np.flatnonzero(present)
        rank = np.cumsum(present) - 1
        step = rank[codes]
        if step[0] == 0 and (step[1:] <= np.maximum.accumulate(step)[:-1] + 1).all():
            return used[wanted[used]]
    m = FIRST_ROWS if n_wanted * 8 < len(codes) else len(codes)
    while True:
        seen = pd.unique(codes[:m])
        seen = seen[(seen >= 0)]
        seen = seen[wanted[seen]]
        if len(seen) >= n_wanted or m >= len(codes):
            return seen
        m *= 8


def _small_codes(remap: np.ndarray, codes: np.ndarray, n_cats: int) -> np.ndarray:
    """``remap[codes]`` in the smallest integer type that holds ``n_cats`` categories
    (the type pandas keeps a categorical's codes in anyway: no second copy)."""
    dtype = np.int8 if n_cats < 127 else np.int16 if n_cats < 32767 else np.int32
    return remap.astype(dtype)[codes]


def arrow_text_column(
    codes: np.ndarray, values: Any, counts: np.ndarray | None = None
) -> pd.Series:
    """:func:`text_column` for a column with many distinct answers (IDs, weights typed as
    text) given as an Arrow string array: the same rules and the same result, in Arrow and
    numpy, without a Python string per distinct value (at a million IDs that was 1.5 s)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(values) <= VECTOR_FROM:
        return text_column(codes, values.to_pylist(), values, counts)
    n_values = len(values)
    blank = np.append(pc.fill_null(pc.equal(values, ""), True).to_numpy(zero_copy_only=False), True)
    counts = _counts(codes, n_values) if counts is None else counts
    filled = (counts > 0) & ~blank[:-1]
    if not filled.any():
        return pd.Series([None] * len(codes), dtype="str")
    if not _all_numbers(values, filled):
        every = None
    else:
        every = _arrow_numbers(values).to_numpy(zero_copy_only=False)  # NaN: not a number
    if every is not None and not np.isnan(every[filled]).any():
        lut = np.full(n_values + 1, np.nan)
        lut[:-1][filled] = every[filled]
        return _maybe_int(lut[codes])
    # as _strings: distinct answers in order of first appearance, unused ones dropped
    keep = first_seen(codes, filled, counts > 0)
    remap = np.full(n_values + 1, -1, dtype=np.intp)
    remap[keep] = np.arange(len(keep))
    n_filled = int(counts[keep].sum())
    cats = values.take(pa.array(keep))
    if len(keep) <= CATEGORICAL_SHARE * n_filled:
        new_codes = _small_codes(remap, codes, len(keep))
        return pd.Series(pd.Categorical.from_codes(new_codes, categories=cats.to_pylist()))
    new_codes = remap[codes]
    missing = new_codes < 0
    cells = cats.take(pa.array(np.where(missing, 0, new_codes), mask=missing))
    return pd.Series(pd.array(cells, dtype="str"))


SAMPLE = 64
"""Distinct answers tried first: one that is not a number settles a column as text."""


def _all_numbers(values: Any, filled: np.ndarray) -> bool:
    """False when one of the first ``SAMPLE`` answers in use is not a number (an ID such
    as 00123, a comment): then the number rule need not run over every distinct answer."""
    import pyarrow as pa

    first = np.flatnonzero(filled)[:SAMPLE]
    sample = _arrow_numbers(values.take(pa.array(first))).to_numpy(zero_copy_only=False)
    return not np.isnan(sample).any()


def text_column(
    codes: np.ndarray,
    uniques: Sequence[Any],
    arrow_values: Any = None,
    counts: np.ndarray | None = None,
) -> pd.Series:
    """A column of text cells given as codes into its distinct values (-1: no value;
    ``counts``: the cells of each value, when the reader has counted them).

    Every rule runs on the distinct values only: "" is a blank; the column becomes numbers
    only if EVERY other answer is a number (:func:`_text_number`); otherwise it stays text,
    as a categorical when its answers repeat (see ``CATEGORICAL_SHARE``) and as strings
    otherwise (IDs, free text). Answers are kept exactly as typed (spaces included).
    """
    codes = np.asarray(codes)
    values = [None if u is None else str(u) for u in uniques]
    blank = np.array([v is None or v == "" for v in values] + [True])
    # values no cell uses (a header read with the body) are ignored
    counts = _counts(codes, len(values)) if counts is None else counts
    filled_mask = (counts > 0) & ~blank[:-1]
    filled = np.flatnonzero(filled_mask).tolist()
    if not filled:
        return pd.Series([None] * len(codes), dtype="str")
    # one of the first answers in use that is not a number settles it as text (an ID
    # such as 00123): the number rule need not run over every distinct answer
    if all(_text_number(values[i]) is not None for i in filled[:SAMPLE]):  # type: ignore[arg-type]
        every = _numbers_of(values, arrow_values)
        numbers = [every[i] for i in filled]
    else:
        numbers = [None]
    if all(n is not None for n in numbers):
        lut = np.full(len(values) + 1, np.nan)  # blanks and -1 (the last slot): missing
        lut[filled] = numbers
        return _maybe_int(lut[codes])
    return _strings(codes, values, counts, filled_mask)


def _strings(
    codes: np.ndarray,
    values: Sequence[str | None],
    counts: np.ndarray | None = None,
    wanted: np.ndarray | None = None,
) -> pd.Series:
    """Text answers from codes into distinct strings (-1: missing; values not in
    ``wanted`` are missing too): categorical when they repeat, plain strings otherwise;
    unused values dropped. ``counts`` (cells per value) saves a pass when known."""
    codes = np.asarray(codes)
    if counts is None:
        counts = _counts(codes, len(values))
    used = counts > 0 if wanted is None else wanted & (counts > 0)
    # in order of first appearance, whatever order the reader listed them in
    keep = first_seen(codes, used, counts > 0)
    remap = np.full(len(values) + 1, -1, dtype=np.intp)
    remap[keep] = np.arange(len(keep))
    cats = [values[i] for i in keep]
    n_filled = int(counts[keep].sum())
    if cats and len(cats) <= CATEGORICAL_SHARE * n_filled:
        new_codes = _small_codes(remap, codes, len(cats))
        return pd.Series(pd.Categorical.from_codes(new_codes, categories=cats))
    arr = np.array([*cats, None], dtype=object)[remap[codes]]
    return pd.Series(arr, dtype="str")


def _text_column(col: list[Any]) -> pd.Series:
    """A column of text cells (a list): see :func:`text_column`."""
    codes, uniques = pd.factorize(np.asarray(col, dtype=object), use_na_sentinel=True)
    return text_column(codes, list(uniques))


def blank_rows(columns: list[tuple[np.ndarray, np.ndarray]]) -> tuple[int, Any]:
    """How many rows are blank in every column (codes, blank mask per distinct value),
    and what keeps the others (a mask; ``slice(None)`` when none is blank: no copies).
    A column none of whose values is blank (an ID, a council) means no row is: then no
    cell is looked at."""
    if not columns or any(not blank.any() for _, blank in columns):
        return 0, slice(None)
    row_blank = np.ones(len(columns[0][0]), dtype=bool)
    for codes, blank in columns:
        row_blank &= blank[codes]
    n_blank = int(row_blank.sum())
    return n_blank, (~row_blank if n_blank else slice(None))


def has_answers(codes: np.ndarray, blank: np.ndarray) -> bool:
    """Whether any cell holds a non-blank value: the first rows nearly always tell."""
    if not blank.any():
        return len(codes) > 0
    return bool((~blank[codes[:4096]]).any() or (~blank[codes]).any())
