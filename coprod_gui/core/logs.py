"""Log records that cannot be forged, and Python warnings kept out of the console.

Why: log lines name files and columns, and both come from the officer's data. A newline
in a file name (legal on Linux and macOS) wrote what looked like a second, forged log
line; other control characters can rewrite a terminal (issue 12, item 12). So every
argument interpolated into a log message has its control characters escaped; the
message text itself is the program's own and keeps its line breaks (tracebacks).

Python warnings (numpy's "overflow encountered in matmul", matplotlib's layout notes)
were printed on stderr, where an officer cannot act on them: :func:`capture_warnings`
collects them during a run so the caller can turn them into diagnostics, and logs their
kind and place (never their text, which a library may fill with a cell value).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# C0 and C1 controls, DEL, and the Unicode line/paragraph separators and bidi overrides
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with every control character written as an escape (``\\n``, ``\\x1b``)."""

    def one(m: re.Match[str]) -> str:
        return m.group(0).encode("unicode_escape").decode("ascii")

    return _CONTROL.sub(one, text)


def _safe_arg(value: object) -> object:
    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return escape_controls(str(value))  # Paths and other objects become their safe text


class SafeFormatter(logging.Formatter):
    """A formatter that escapes control characters in the message's arguments."""

    def format(self, record: logging.LogRecord) -> str:
        args = record.args
        if args:
            if isinstance(args, dict):
                record.args = {k: _safe_arg(v) for k, v in args.items()}
            else:
                record.args = tuple(_safe_arg(a) for a in args)
        elif not isinstance(record.msg, str):
            record.msg = escape_controls(str(record.msg))
        try:
            return super().format(record)
        finally:
            record.args = args


@dataclass
class CaughtWarnings:
    """The warnings raised so far in a :func:`capture_warnings` block."""

    records: list[warnings.WarningMessage] = field(default_factory=list)

    def count(self, kind: str) -> int:
        """How many were of ``kind``: "overflow", "layout" or "other"."""
        return sum(_kind(w) == kind for w in self.records)


def _kind(w: warnings.WarningMessage) -> str:
    text = str(w.message)
    if issubclass(w.category, RuntimeWarning) and (
        "overflow" in text or "invalid value" in text or "divide by zero" in text
    ):
        return "overflow"  # numpy floating-point trouble in a calculation
    if issubclass(w.category, UserWarning) and re.search(r"(constrained|tight)_?layout", text):
        return "layout"  # matplotlib could not lay a chart out tidily
    return "other"


@contextlib.contextmanager
def capture_warnings() -> Iterator[CaughtWarnings]:
    """Record every Python warning raised inside the block instead of printing it; each
    is logged by its category and place only (its text may quote a cell)."""
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        caught = CaughtWarnings(records)
        try:
            yield caught
        finally:
            for w in records:
                where = f"{os.path.basename(w.filename)}:{w.lineno}"
                log.info(
                    "Python warning %s (%s) at %s: recorded, not shown",
                    w.category.__name__,
                    _kind(w),
                    where,
                )


def warning_notes(caught: CaughtWarnings) -> list[str]:
    """Plain-English notes for the warnings a run raised (none for harmless ones)."""
    notes = []
    if caught.count("overflow"):
        notes.append(
            "Some calculations gave numbers too large to hold (an overflow). This usually "
            "means extreme values, for example very large weights; check the weight column "
            "and treat the model results with caution."
        )
    if caught.count("layout"):
        notes.append(
            "A chart had too little room for all its labels, so its layout may look cramped."
        )
    return notes


def _log_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    log.info(
        "Python warning %s at %s:%s: logged, not shown",
        category.__name__,
        os.path.basename(filename),
        lineno,
    )


def route_warnings_to_log() -> None:
    """From now on a Python warning raised outside :func:`capture_warnings` (in the
    window, while a chart is drawn) is logged by kind and place, never printed on stderr."""
    warnings.showwarning = _log_warning

