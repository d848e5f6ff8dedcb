"""The mapping: which columns measure which topic, its file, and its checks.

Why: the mapping (with its question definitions) is what the officer confirms and keeps
for the next wave, so reading it must be strict and its messages plain: a file that
cannot be used says exactly what is wrong with it. Suggestions live in
:mod:`suggestions` (re-exported here).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io.files import atomic_write_text
from ..types import Mapping, RawTable
from .columns import resolve_column
from .constructs import BY_NAME, SERVICE_AREAS
from .definitions import from_dict as definition_from_dict
from .definitions import to_dict as definition_to_dict
from .suggestions import (  # noqa: F401  (re-exported: callers import them from here)
    MIN_CONFIDENCE,
    construct_word,
    service_area_of,
    suggest_mapping,
)

SCHEMA = "coprod-mapping/2"
SCHEMAS = ("coprod-mapping/1", "coprod-mapping/2")
"""Version 1 files (no question definitions) still load."""


# ---------------------------------------------------------------------------------------
# resolving column names


def check_mapping(mapping: Mapping, tables: list[RawTable]) -> None:
    """Raise :class:`InputError` naming every mapped column that no file has."""
    problems: list[str] = []
    for construct, names in mapping.columns.items():
        if construct not in BY_NAME:
            problems.append(
                f"The mapping names an unknown construct {construct!r}. Known ones are: "
                + ", ".join(BY_NAME)
                + "."
            )
            continue
        for name in names:
            if not any(resolve_column(t, name) for t in tables):
                problems.append(
                    f"The mapping names a column {name!r} for {BY_NAME[construct].label}, "
                    "but no file has it."
                )
    if problems:
        raise InputError(
            " ".join(problems),
            hint="Check the spelling or re-run the suggestions.",
        )


# ---------------------------------------------------------------------------------------
# the mapping file


def mapping_from_dict(d: Any, *, source: str = "the mapping") -> Mapping:
    """A :class:`Mapping` from a ``coprod-mapping/1`` or ``/2`` document (validated)."""

    def bad(what: str) -> InputError:
        return InputError(
            f"{source} is not a valid co-production mapping: {what}.",
            hint='It must be JSON like {"schema": "coprod-mapping/2", "columns": '
            '{"efficacy": ["Q12", "Q13"]}}. Let the program write a fresh one (run without '
            "a mapping) and edit that.",
        )

    if not isinstance(d, dict):
        raise bad("it is not a JSON object")
    schema = d.get("schema")
    if schema not in SCHEMAS:
        raise bad(f'its "schema" is {schema!r}, not "{SCHEMA}"')
    cols = d.get("columns")
    if not isinstance(cols, dict):
        raise bad('it has no "columns" object')
    columns: dict[str, list[str]] = {}
    for construct, value in cols.items():
        if construct not in BY_NAME:
            raise bad(f"{construct!r} is not a construct this program knows")
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(x, str) and x for x in names):
            raise bad(f"the columns for {construct!r} must be a column name or a list of names")
        if len(names) > 1 and not BY_NAME[construct].multi:
            raise bad(f"{construct!r} takes one column, but {len(names)} are named")
        columns[construct] = list(names)
    missing, by_column = _missing_lists(d.get("missing", []), bad)
    reverse = d.get("reverse", [])
    if not isinstance(reverse, list) or not all(isinstance(x, str) for x in reverse):
        raise bad('"reverse" must be a list of column names')
    areas = d.get("service_areas", {})
    if not isinstance(areas, dict) or not all(
        isinstance(k, str) and v in SERVICE_AREAS for k, v in areas.items()
    ):
        raise bad('"service_areas" must map columns to one of ' + ", ".join(SERVICE_AREAS))
    sheet = d.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise bad('"sheet" must be a sheet name')
    header_row = d.get("header_row")
    if header_row is not None and (
        not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 0
    ):
        raise bad('"header_row" must be a whole number, 0 or more')
    threshold = d.get("threshold", "sometimes")
    if not isinstance(threshold, str) or not threshold.strip():
        raise bad('"threshold" must be an answer such as "sometimes"')
    _check_columns(columns, reverse, by_column, areas, bad)
    definitions = {}
    questions = d.get("questions", {})
    if not isinstance(questions, dict):
        raise bad('"questions" must map each column to its definition')
    mapped = {c: k for k, names in columns.items() for c in names}
    for col, q in questions.items():
        if col not in mapped:
            raise bad(f'"questions" describes {col!r}, which is not mapped under "columns"')
        defn = definition_from_dict(col, q, source=source)
        if defn.topic != mapped[col]:
            raise bad(
                f"the question {col!r} is under {mapped[col]!r} in \"columns\" but its "
                f"definition says {defn.topic!r}"
            )
        definitions[col] = defn
    reverse = list(reverse) + [c for c, q in definitions.items() if q.reverse and c not in reverse]
    for c in reverse:
        if c in definitions and not definitions[c].reverse:
            definitions[c] = replace(definitions[c], reverse=True)
    return Mapping(
        columns=columns,
        missing=list(missing),
        missing_by_column=by_column,
        definitions=definitions,
        reverse=list(reverse),
        service_areas=dict(areas),
        sheet=sheet,
        header_row=header_row,
        threshold=threshold.strip(),
    )


def _check_columns(
    columns: dict[str, list[str]],
    reverse: list[str],
    by_column: dict[str, list[Any]],
    areas: dict[str, str],
    bad: Any,
) -> None:
    """Every problem with the column names at once, each named (issue 12)."""
    problems: list[str] = []
    topic_of: dict[str, str] = {}
    for topic, names in columns.items():
        for n in names:
            if n in topic_of and topic_of[n] != topic:
                problems.append(f"{n!r} is under both {topic_of[n]!r} and {topic!r}")
            elif names.count(n) > 1 and topic_of.get(n) != topic:
                problems.append(f"{n!r} is listed twice under {topic!r}")
            topic_of.setdefault(n, topic)
    for n in reverse:
        if n not in topic_of:
            problems.append(f'"reverse" names {n!r}, which is not under any topic in "columns"')
    for n in by_column:
        if n not in topic_of:
            problems.append(f'"missing" gives codes for {n!r}, which is not under any topic in "columns"')
    for n in areas:
        if n not in topic_of:
            problems.append(f'"service_areas" names {n!r}, which is not under any topic in "columns"')
    if problems:
        raise bad("; ".join(problems))


def _missing_lists(value: Any, bad: Any) -> tuple[list[Any], dict[str, list[Any]]]:
    """``missing`` as [codes] (every question) or {"*": [codes], column: [codes]}."""

    def codes(x: Any, where: str) -> list[Any]:
        if not isinstance(x, list) or not all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in x
        ):
            raise bad(f'{where} must be a list of codes or answers, e.g. [9, "Refused"]')
        for v in x:
            if isinstance(v, float) and not math.isfinite(v):
                raise bad(f"{where} holds {v!r}, which is not a code (write codes as numbers or text)")
        return list(x)

    if isinstance(value, dict):
        every = codes(value.get("*", []), '"missing" for every question ("*")')
        by_column = {str(k): codes(v, f'"missing" for {k!r}') for k, v in value.items() if k != "*"}
        return every, by_column
    return codes(value, '"missing"'), {}


def mapping_document(mapping: Mapping, to_check: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``coprod-mapping/2`` document of a mapping (what :func:`save_mapping` writes)."""
    multi = {k for k, c in BY_NAME.items() if c.multi}
    cols: dict[str, Any] = {
        k: (v[0] if len(v) == 1 and k not in multi else list(v)) for k, v in mapping.columns.items() if v
    }
    d: dict[str, Any] = {"schema": SCHEMA, "columns": cols}
    finite = [x for x in mapping.missing if not (isinstance(x, float) and not math.isfinite(x))]
    by_col = {
        c: [x for x in v if not (isinstance(x, float) and not math.isfinite(x))]
        for c, v in mapping.missing_by_column.items()
    }
    if by_col:
        d["missing"] = {"*": finite, **by_col}
    elif finite:
        d["missing"] = finite
    if mapping.reverse:
        d["reverse"] = list(mapping.reverse)
    if mapping.service_areas:
        d["service_areas"] = dict(mapping.service_areas)
    if mapping.sheet is not None:
        d["sheet"] = mapping.sheet
    if mapping.header_row is not None:
        d["header_row"] = mapping.header_row
    if mapping.threshold != "sometimes":
        d["threshold"] = mapping.threshold
    mapped = {c for names in mapping.columns.values() for c in names}
    questions = {c: definition_to_dict(q) for c, q in mapping.definitions.items() if c in mapped}
    if questions:
        d["questions"] = questions
    if to_check:
        d["to_check"] = to_check
    return d


MAX_MAPPING_BYTES = 20 * 1024 * 1024
"""Even a mapping of 16,384 columns with every answer defined is a few MB."""
MAX_DEPTH = 64
"""A mapping is four levels deep; a file nested far deeper is not one of ours."""


def _depth(text: str) -> int:
    """How deeply brackets nest (outside strings), counted without parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def load_mapping(path: str | os.PathLike[str]) -> Mapping:
    """Read a ``coprod-mapping/1`` or ``/2`` file; a plain-English error names what is bad.

    Only an ordinary file of at most :data:`MAX_MAPPING_BYTES`, nested at most
    :data:`MAX_DEPTH` deep, is read (a pipe, a device or a 100,000-deep file is refused).
    """
    from .codebook import checked_input_file

    p = Path(path)
    checked_input_file(p, "mapping file", MAX_MAPPING_BYTES)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"The mapping file {p.name!r} could not be read as text.",
            hint="Choose a mapping .json file saved by this program.",
        ) from exc
    if _depth(text) > MAX_DEPTH:
        raise InputError(
            f"The mapping file {p.name!r} is nested far too deeply to be a mapping.",
            hint="Check it is the file you meant; a mapping saved by this program is four levels deep.",
        )
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"The mapping file {p.name!r} is not valid JSON (problem at line {exc.lineno}, "
            f"column {exc.colno}).",
            hint="Fix it in a text editor, or let the program write a fresh one (run without --mapping).",
        ) from exc
    return mapping_from_dict(d, source=f"The mapping file {p.name!r}")


def save_mapping(
    mapping: Mapping, path: str | os.PathLike[str], *, to_check: dict[str, Any] | None = None
) -> Path:
    """Write the mapping as a ``coprod-mapping/2`` file, atomically.

    ``to_check`` (the suggestions not used, by topic) is written for the officer to move
    into ``"columns"`` if right; reading the file ignores it.
    """
    doc = mapping_document(mapping, to_check)
    text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return atomic_write_text(path, text)
