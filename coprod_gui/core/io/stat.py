"""SPSS (.sav, .zsav) and Stata (.dta) files: codes kept as codes, labels beside them."""

from __future__ import annotations

import contextlib
import logging
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Cancelled, InputError
from ..progress import CancelFn, ProgressFn, check_cancelled, heartbeat
from ..types import RawTable
from . import limits, safety
from .grid import _maybe_int, _strings

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------
# SPSS and Stata


CHUNK_CELLS = 1_000_000
"""Cells per chunk of a big SPSS/Stata read (about 35,000 rows of 30 columns, a quarter of a
second): the library reads a whole file in one call that cannot report, so a file is read
in row ranges and progress moves between them (issue 11: a 17 s silence at a million rows)."""


def _read_stat(path: Path, fmt: str, progress: ProgressFn, is_cancelled: CancelFn) -> RawTable:
    import pyreadstat

    kind = safety.sniff(path)
    if kind == "empty":
        raise InputError(
            f"The file {path.name!r} is empty (0 bytes).",
            hint="It may not have finished copying or downloading; get a fresh copy.",
        )
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    rows, cols = _check_declared_size(path, reader)
    kwargs: dict[str, Any] = {"apply_value_formats": False}
    if fmt == "sav":
        kwargs["user_missing"] = True
    notes: list[str] = []
    progress(0.1, f"Reading {path.name}")
    try:
        frame, meta = _read_frame(reader, path, rows, cols, kwargs, progress, is_cancelled)
    except Cancelled:
        raise
    except Exception as exc:
        if not _looks_like_encoding_error(exc):
            raise _stat_error(path, fmt, exc) from exc
        try:
            kwargs["encoding"] = "cp1252"
            frame, meta = _read_frame(reader, path, rows, cols, kwargs, progress, is_cancelled)
        except Cancelled:
            raise
        except Exception as exc2:
            raise _stat_error(path, fmt, exc2, encoding=True) from exc2
        notes.append("The file's text was read as Windows (cp1252) text; check accented letters.")
    check_cancelled(is_cancelled)
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
    with heartbeat(progress, 0.9, f"Reading missing-value codes in {path.name}"):
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


def _read_frame(
    reader: Any,
    path: Path,
    rows: int,
    cols: int,
    kwargs: dict[str, Any],
    progress: ProgressFn,
    is_cancelled: CancelFn,
) -> tuple[pd.DataFrame, Any]:
    """The file as the frame of :func:`_stat_column` columns: in one call when small (or
    when the file does not say how many rows it has), else in chunks of rows with
    "N of M rows read" between them. Both give the same frame (tested)."""
    chunk = max(1000, CHUNK_CELLS // max(cols, 1))
    if rows > chunk:
        got = _read_chunked(reader, path, rows, chunk, kwargs, progress, is_cancelled)
        if got is not None:
            return got
    with heartbeat(progress, 0.4, f"Reading {path.name}"):
        df, meta = _call_quietly(reader, path, **kwargs)
    check_cancelled(is_cancelled)
    progress(0.8, f"Reading labels in {path.name}")
    with heartbeat(progress, 0.8, f"Sorting the answers in {path.name}"):
        frame = pd.DataFrame(
            {c: _stat_column(df[c]) for c in df.columns}, index=pd.RangeIndex(len(df))
        )
    return frame, meta


class _Pieces:
    """One column's chunks, joined and typed at the end exactly as a one-shot read's
    column (:func:`_stat_column` on the whole column: the same categories, in the same
    order of first appearance, the same int-or-float decision)."""

    def __init__(self) -> None:
        self.dtype: Any = None
        self.parts: list[pd.Series] = []

    def add(self, s: pd.Series) -> bool:
        """Take one chunk; False when its type differs from the column's so far (a
        column all blank in one chunk, say): the caller then reads the file whole."""
        if self.dtype is None:
            self.dtype = s.dtype
        elif s.dtype != self.dtype:
            return False
        self.parts.append(s)
        return True

    def column(self) -> pd.Series:
        joined = pd.concat(self.parts, ignore_index=True) if self.parts else pd.Series([])
        self.parts = []
        return _stat_column(joined)


def _read_chunked(
    reader: Any,
    path: Path,
    rows: int,
    chunk: int,
    kwargs: dict[str, Any],
    progress: ProgressFn,
    is_cancelled: CancelFn,
) -> tuple[pd.DataFrame, Any] | None:
    """Read ``rows`` rows ``chunk`` at a time (``row_offset``/``row_limit``; the value
    labels and declared missing codes are file metadata, the same in every chunk, and
    user-missing codes come back as values per cell). ``None`` when a column changes
    type between chunks: the caller reads the file whole."""
    columns: dict[str, _Pieces] = {}
    meta = None
    done = 0
    while done < rows:
        check_cancelled(is_cancelled)
        df, meta = _call_quietly(reader, path, row_offset=done, row_limit=chunk, **kwargs)
        if not len(df):
            break
        for c in df.columns:
            if not columns.setdefault(c, _Pieces()).add(df[c]):
                return None
        done += len(df)
        del df
        progress(
            0.1 + 0.7 * min(done / rows, 1.0), f"Reading {path.name}: {done:,} of {rows:,} rows"
        )
    if meta is None:
        return None
    data = {}
    for i, c in enumerate(columns):  # a column of a million distinct IDs takes a second
        progress(0.8 + 0.1 * i / len(columns), f"Sorting the answers in {path.name}: {c}")
        data[c] = columns[c].column()
    return pd.DataFrame(data, index=pd.RangeIndex(done)), meta


def _check_declared_size(path: Path, reader: Any) -> tuple[int, int]:
    """Refuse, before reading a single row, a file whose declared rows × columns would not
    fit in memory (a small .zsav can claim 25 million rows). The header alone is read.
    Returns the declared rows and columns (0 when the file does not say)."""
    try:
        _, meta = _call_quietly(reader, path, metadataonly=True)
    except Exception:  # damaged or oddly encoded: the full read reports it plainly
        return 0, 0
    rows = int(getattr(meta, "number_rows", 0) or 0)
    cols = int(getattr(meta, "number_columns", 0) or len(getattr(meta, "column_names", [])))
    limits.check_cells(path.name, rows, cols)
    return max(rows, 0), max(cols, 0)


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
        # the distinct values only (no pass over the cells in Python): "" is missing
        codes, uniques = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
        values = list(uniques)
        if all(isinstance(v, str) for v in values):
            blank = np.array([v == "" for v in values] + [True])
            return _strings(np.where(blank[codes], -1, codes), values)
        vals = [None if v is None or v == "" or v is np.nan else v for v in s]
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
