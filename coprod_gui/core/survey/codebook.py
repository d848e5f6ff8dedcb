"""Codebooks: answer labels (and question texts) for a file that holds only codes.

Why: agencies and the UK Data Service often deliver numbers only, with a data dictionary
beside them. Without labels every answer is "a number", and nothing can be recognised.
A codebook is a CSV or Excel sheet with one row per answer code, in the shape of UK Data
Service and ONS data dictionaries:

    variable, value, label[, question]
    Q1, 1, Never, How often have you volunteered?
    Q1, 2, Rarely
    ...

Header names may vary ("variable name", "code", "value label", "variable label"); a
blank variable cell continues the variable above (as in most dictionaries); a row with a
label but no value is the question text. The same reader serves the window.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..types import RawTable
from .columns import resolve_column
from .words import norm

MAX_BYTES = 50 * 1024 * 1024
"""A codebook is a small table; anything bigger is the wrong file (or not a file)."""
_VARIABLE = ("variable", "variable name", "var", "name", "column", "field", "item", "varname")
_VALUE = ("value", "code", "values", "answer code", "value code", "codes")
_LABEL = ("label", "value label", "value labels", "answer", "answer label", "meaning",
          "category", "value_label", "valuelabel", "answer text")  # fmt: skip
_QUESTION = ("question", "question text", "variable label", "description", "question wording",
             "variable description", "var label")  # fmt: skip


@dataclass
class Codebook:
    """Labels by variable: ``labels[var][code] = label``; ``questions[var] = text``."""

    source: str
    labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    questions: dict[str, str] = field(default_factory=dict)


def checked_input_file(path: Path, what: str, max_bytes: int) -> int:
    """The size of ``path`` after checking it is a regular file of at most ``max_bytes``.

    A FIFO, a device (``/dev/zero``) or a folder is refused before anything is read, so a
    wrong path cannot hang the program or fill its memory.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise InputError(f"The {what} {path.name!r} was not found.", hint="Check the file name.") from exc
    except OSError as exc:
        raise InputError(f"The {what} {path.name!r} could not be opened.", hint="Check the file name.") from exc
    if not stat.S_ISREG(st.st_mode):
        raise InputError(
            f"The {what} {path.name!r} is not an ordinary file (it is a folder, a device or a pipe).",
            hint=f"Choose the {what} itself.",
        )
    if st.st_size > max_bytes:
        raise InputError(
            f"The {what} {path.name!r} is {st.st_size / 1e6:,.0f} MB, far more than any {what} "
            f"(the limit is {max_bytes / 1e6:,.0f} MB).",
            hint=f"Check that it is the {what} you meant.",
        )
    return int(st.st_size)


def _pick(columns: list[str], names: tuple[str, ...]) -> str | None:
    keys = {norm(c): c for c in columns}
    for n in names:
        if norm(n) in keys:
            return keys[norm(n)]
    return None


def _code(value: Any) -> Any:
    key = norm(value)
    try:
        f = float(key)
    except ValueError:
        return str(value).strip()
    return int(f) if f.is_integer() else f


def read_codebook(path: str | os.PathLike[str]) -> Codebook:
    """Read a codebook (CSV, TSV/TAB or Excel); a plain message says what is wrong."""
    p = Path(path)
    checked_input_file(p, "codebook", MAX_BYTES)
    suffix = p.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
            engine = {".xlsx": "openpyxl", ".xlsm": "openpyxl", ".ods": "odf"}.get(suffix)
            frame = pd.read_excel(p, dtype=object, engine=engine)
        else:
            sep = "\t" if suffix in (".tsv", ".tab") else None
            frame = None
            for enc in ("utf-8-sig", "cp1252"):
                try:
                    frame = pd.read_csv(p, dtype=object, sep=sep, engine="python", encoding=enc)
                    break
                except UnicodeDecodeError:
                    continue
            if frame is None:
                raise ValueError("encoding")
    except InputError:
        raise
    except Exception as exc:  # any parser's failure: the file is not a table we can read
        raise InputError(
            f"The codebook {p.name!r} could not be read as a table.",
            hint="Save it as CSV or Excel with the columns variable, value, label "
            "(and optionally question).",
        ) from exc
    cols = [str(c) for c in frame.columns]
    frame.columns = cols
    var, val, lab = _pick(cols, _VARIABLE), _pick(cols, _VALUE), _pick(cols, _LABEL)
    question = _pick(cols, _QUESTION)
    if var is None or val is None or lab is None:
        raise InputError(
            f"The codebook {p.name!r} needs the columns variable, value and label "
            f"(it has: {', '.join(cols[:8])}).",
            hint="Rename its headings to variable, value, label (and optionally question).",
        )
    book = Codebook(p.name)
    current: str | None = None
    for row in frame.itertuples(index=False):
        r = dict(zip(cols, row, strict=True))
        name = r.get(var)
        if isinstance(name, str) and name.strip():
            current = name.strip()
        elif name is not None and not (isinstance(name, float) and name != name):
            current = str(name).strip()
        if current is None:
            continue
        text = r.get(lab)
        code = r.get(val)
        blank_code = code is None or (isinstance(code, float) and code != code) or not norm(code)
        if question is not None:
            q = r.get(question)
            if isinstance(q, str) and q.strip():
                book.questions.setdefault(current, " ".join(q.split()))
        if not isinstance(text, str) or not text.strip():
            continue
        if blank_code:
            book.questions.setdefault(current, " ".join(text.split()))
        else:
            book.labels.setdefault(current, {})[_code(code)] = " ".join(text.split())
    if not book.labels and not book.questions:
        raise InputError(
            f"The codebook {p.name!r} has no labels in it.",
            hint="Each row should give a variable, one of its codes and that code's label.",
        )
    return book


def apply_codebook(tables: list[RawTable], book: Codebook) -> list[RawTable]:
    """The tables with the codebook's labels where the file has none (the file's win).

    Columns are found as mappings find them (header, or variable label, ignoring case
    and punctuation). Each table's notes say how many columns got labels from the
    codebook; ``label_origin`` records it per column, so question definitions can say
    the answers' labels came from the codebook.
    """
    out = []
    for t in tables:
        value_labels = dict(t.value_labels)
        variable_labels = dict(t.variable_labels)
        origin = dict(t.label_origin)
        used = 0
        for var in set(book.labels) | set(book.questions):
            real = resolve_column(t, var)
            if real is None:
                continue
            if var in book.labels and not value_labels.get(real):
                value_labels[real] = dict(book.labels[var])
                origin[real] = "codebook"
                used += 1
            if var in book.questions and real not in variable_labels:
                variable_labels[real] = book.questions[var]
        notes = list(t.notes)
        if used:
            notes.append(f"Answer labels for {used:,} column{'s' if used != 1 else ''} came from the codebook {book.source!r}.")
        out.append(replace(t, value_labels=value_labels, variable_labels=variable_labels,
                           label_origin=origin, notes=notes))  # fmt: skip
    return out
