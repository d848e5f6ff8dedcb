"""Which columns measure which construct: suggestions, the mapping file, checks.

Why: an officer should not have to tell the program that "In the last 12 months, how
often have you volunteered for a local group, club or charity?" is collective
co-production. The suggester reads the question text (header or SPSS/Stata variable
label), the variable name and the answers themselves (their scale), and proposes a
mapping with a confidence and a plain reason for each column, which the officer confirms
in the Import tab and can save as a ``coprod-mapping/1`` file for the next wave.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..io.files import atomic_write_text
from ..types import Mapping, RawTable, Suggestion
from .columns import resolve_column
from .constructs import BY_NAME, DRIVERS, SERVICE_AREAS
from .definitions import from_dict as definition_from_dict
from .definitions import to_dict as definition_to_dict
from .scales import BY_SCALE, detect_scale, looks_reverse_worded, norm

SCHEMA = "coprod-mapping/2"
SCHEMAS = ("coprod-mapping/1", "coprod-mapping/2")
"""Version 1 files (no question definitions) still load."""
MIN_CONFIDENCE = 0.5
"""Suggestions below this confidence are listed for the officer but not put in the mapping."""

_SAMPLE_ROWS = 20_000
"""Suggestions look at the first rows of each file only: answers repeat, so this is enough."""


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


def mapping_document(mapping: Mapping) -> dict[str, Any]:
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
    return d


def load_mapping(path: str | os.PathLike[str]) -> Mapping:
    """Read a ``coprod-mapping/1`` file; a plain-English error names the file if it is bad."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(
            f"The mapping file {p.name!r} was not found.", hint="Check the file name."
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"The mapping file {p.name!r} could not be read as text.",
            hint="Choose a mapping .json file saved by this program.",
        ) from exc
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"The mapping file {p.name!r} is not valid JSON (problem at line {exc.lineno}, "
            f"column {exc.colno}).",
            hint="Fix it in a text editor, or save a fresh one from the Import tab.",
        ) from exc
    return mapping_from_dict(d, source=f"The mapping file {p.name!r}")


def save_mapping(mapping: Mapping, path: str | os.PathLike[str]) -> Path:
    """Write the mapping as a ``coprod-mapping/2`` file, atomically."""
    text = json.dumps(mapping_document(mapping), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return atomic_write_text(path, text)


# ---------------------------------------------------------------------------------------
# suggestions


def _rx(*words: str) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(words) + r")")


# Collective: acting with others for the community.
_COLLECTIVE = _rx(
    r"volunteer",
    r"with (your |other |local )?neighbours", r"unpaid help", r"with other (people|residents)", r"with others",
    r"together with", r"residents? (group|association)", r"tenants? (group|association)",
    r"neighbourhood watch", r"community (group|project|event|clean|organisation|action)",
    r"local (group|club|charity|campaign|organisation)", r"\w* ?group", r"club",
    r"charit", r"public meeting", r"campaign", r"petition", r"organis\w+ (an|a) event",
    r"street party", r"litter pick", r"friends of", r"consultation", r"councillor",
    r"school governor", r"special constable", r"magistrate", r"decision making (group|body)",
    r"civic", r"joined",
)  # fmt: skip
# Individual: acting for one's own needs alongside services.
_INDIVIDUAL = _rx(
    r"recycl", r"compost", r"secure", r"lock", r"alarm", r"burglar", r"save (energy|water)",
    r"sav\w* (energy|water|electricity)", r"energy", r"electricity", r"exercis", r"sport",
    r"walk", r"cycl", r"health advice", r"healthy", r"diet", r"smok", r"gp\b", r"nhs",
    r"public transport", r"bus", r"keep an eye", r"kept an eye", r"keeping an eye",
    r"look\w* after", r"car(ed|ing) for", r"report\w*", r"pick\w* up litter",
    r"neighbours? (property|home)", r"check\w* on", r"vaccin", r"screening", r"waste",
)  # fmt: skip
_ACTIVITY = _rx(r"how often", r"have you", r"do you", r"did you", r"in the last \d+ months")
_STATE = _rx(r"are you", r"do you have", r"is your", r"were you", r"have you got")
"""Yes/no questions about who someone is, not what they did (carer, disability ...)."""
_FEELING = _rx(r"feel", r"worr", r"lonely", r"think", r"satisf", r"agree", r"trust")

_AREA_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("health", _rx(r"health", r"exercis", r"gp\b", r"nhs", r"sport", r"walking", r"fitness",
                   r"diet", r"smok", r"vaccin", r"screening", r"doctor", r"well ?being")),
    ("community_safety", _rx(r"secur", r"lock", r"alarm", r"crime", r"burglar", r"safe",
                             r"neighbourhood watch", r"anti ?social", r"police",
                             r"property", r"keep an eye", r"kept an eye")),
    ("local_environment", _rx(r"recycl", r"litter", r"energy", r"water", r"environment",
                              r"green", r"tidy", r"clean", r"improve the (local )?area",
                              r"park", r"waste", r"compost", r"tree", r"fly ?tip",
                              r"graffiti", r"street")),
)  # fmt: skip

_DRIVER_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "efficacy": (
        _rx(r"make a difference", r"makes? (a|any|no|little) difference", r"influence",
            r"people like me", r"have a say in", r"change things", r"power to",
            r"my (actions|views) (count|matter)"),
        "agreement",
    ),
    "consultation_satisfaction": (
        _rx(r"consult", r"involv\w* (residents|people|you|local)", r"have a say",
            r"listens?", r"opportunit\w* (to|the council)", r"ask\w* (for )?(your|residents)"),
        "satisfaction",
    ),
    "informed": (_rx(r"informed", r"keeps? (you|residents|people) (up to date|in the know)",
                     r"information about"), "informed"),
    "trust_council": (_rx(r"trust"), "amount"),
    "area_satisfaction": (
        _rx(r"place to live", r"satisf\w* (\w+ )?(with )?(your |the )?(local )?"
            r"(area|neighbourhood)", r"local area as a place"),
        "satisfaction",
    ),
}  # fmt: skip

_SINGLE_RULES: dict[str, re.Pattern[str]] = {
    "authority": re.compile(
        r"^(council|local authority|authority|la|lad|la name|lad name|council name|"
        r"district|borough|local council|authority name|lacode|la code|lad\d*nm|lad\d*cd)$"
    ),
    "weight": re.compile(
        r"^(weight|wt|wgt|weighting|weight factor|final weight|"
        r"\w* ?wt|wt ?\w*|\w* weight|weight \w*)$"
    ),
    "respondent_id": re.compile(
        r"^(respondent id|resp id|respid|id|serial|serial no|"
        r"case id|caseid|uniqueid|unique id|urn|record id|"
        r"respondent number|respondent no|participant id)$"
    ),
    "age": re.compile(
        r"^(age|age group|age band|agegroup|ageband|age years|age in years|"
        r"age \d+ bands|age_?group|how old are you|what is your age|"
        r"age last birthday|respondent age|qage|dv ?age\w*)$|"
        r"\bhow old\b|\bwhat (is|was) your age\b|\bage (group|band)\b"
    ),
    "gender": re.compile(
        r"^(gender|sex|gender identity)$|\bgender\b|\bare you male\b|"
        r"\bwhat is your sex\b|\bsex of respondent\b"
    ),
    "education": re.compile(r"\bqualification|\beducation|\bdegree\b|\bschooling\b"),
    "employment": re.compile(r"\bemploy|\bwork(ing)? status\b|\beconomic (activity|status)\b"),
    "ethnicity": re.compile(r"\bethnic"),
    "disability": re.compile(
        r"\bdisab|\blong ?term (illness|health|condition)|"
        r"\blimiting (long ?term )?illness"
    ),
    "tenure": re.compile(
        r"\btenure\b|\bown or rent\b|\bhousing (status|tenure)\b|"
        r"\bdo you (own|rent)\b|\brent or own\b|\bhome ownership\b"
    ),
}

_GENDER_ANSWERS = {"male", "female", "man", "woman", "m", "f"}


def _answers(tables: list[RawTable], col: str, limit: int = 60) -> list[Any]:
    """Distinct answers of a column over all files (labels instead of labelled codes)."""
    seen: list[Any] = []
    keys: set[str] = set()
    for t in tables:
        real = resolve_column(t, col)
        if real is None:
            continue
        s = t.frame[real].iloc[:_SAMPLE_ROWS]
        labels = t.value_labels.get(real) or {}
        for v in list(labels.values()) + list(pd.unique(s.dropna())[: limit * 2]):
            k = norm(v)
            if k and k not in keys:
                keys.add(k)
                seen.append(labels.get(v, v) if not isinstance(v, str) else v)
            if len(seen) >= limit:
                return seen
    return seen


def _numeric_share(tables: list[RawTable], col: str) -> tuple[float, float | None, float | None]:
    """Share of filled cells that are numbers, and their min/max."""
    vals: list[pd.Series] = []
    filled = 0
    for t in tables:
        real = resolve_column(t, col)
        if real is None or real in t.value_labels:
            continue
        s = t.frame[real].iloc[:_SAMPLE_ROWS].dropna()
        filled += len(s)
        vals.append(pd.to_numeric(s.astype(object), errors="coerce").dropna())
    if not filled:
        return 0.0, None, None
    num = pd.concat(vals) if vals else pd.Series(dtype=float)
    if num.empty:
        return 0.0, None, None
    return len(num) / filled, float(num.min()), float(num.max())


def service_area_of(question: str) -> str:
    """Service area of a co-production question from its words ("other" if unclear)."""
    text = norm(question)
    for area, rx in _AREA_WORDS:
        if rx.search(text):
            return area
    return "other"


def _looks_like_age_bands(answers: Iterable[Any]) -> bool:
    band = re.compile(r"^\d{2}\s*(-|to|–)\s*\d{2}$|^\d{2}\s*(\+|and over|or over|and older)$")
    texts = [str(a).strip().lower() for a in answers if isinstance(a, str)]
    return bool(texts) and sum(1 for a in texts if band.search(a)) >= max(2, len(texts) // 2)


def _column_suggestions(
    tables: list[RawTable], col: str, question: str, label: str | None = None
) -> list[Suggestion]:
    """Every plausible construct for one column, each with a confidence and a reason."""
    text = norm(question)
    name_key = norm(col)
    answers = _answers(tables, col)
    scale = detect_scale(answers)
    kind = BY_SCALE[scale].kind if scale else None
    out: list[Suggestion] = []

    def add(construct: str, conf: float, reason: str, area: str | None = None) -> None:
        out.append(Suggestion(construct, col, round(min(conf, 1.0), 2), reason, area))

    # Structure and demographics: names first, then the answers.
    for construct, rx in _SINGLE_RULES.items():
        hit_name = rx.search(name_key)
        label_key = norm(label) if label else ""
        hit_text = (rx.search(label_key) if label_key else None) or (
            rx.search(text) if text != name_key else None
        )
        if not (hit_name or hit_text):
            continue
        if kind in ("frequency", "agreement", "satisfaction") and construct not in ("age",):
            continue
        conf = 0.9 if hit_name else 0.75
        reason = f"the {'column name' if hit_name else 'question'} says {construct_word(construct)}"
        if construct == "weight":
            share, lo, _hi = _numeric_share(tables, col)
            if share < 0.95 or (lo is not None and lo < 0):
                continue
            reason += " and the answers are numbers"
        if construct == "age":
            share, lo, hi = _numeric_share(tables, col)
            if share > 0.8 and lo is not None and hi is not None and 10 <= hi <= 120:
                reason += " and the answers are ages"
                conf += 0.05
            elif _looks_like_age_bands(answers):
                reason += " and the answers are age bands"
                conf += 0.05
        if construct == "gender" and {norm(a) for a in answers} & _GENDER_ANSWERS:
            conf += 0.05
            reason += " and the answers are male/female"
        add(construct, conf, reason)

    # Co-production: behaviour questions answered on a frequency (or yes/ticked) scale.
    if kind == "frequency" or (kind == "binary" and not _STATE.search(text)):
        col_hit = _COLLECTIVE.search(text)
        ind_hit = _INDIVIDUAL.search(text)
        base = 0.9 if kind == "frequency" else 0.7
        scale_word = "how often" if kind == "frequency" else "yes/no"
        area = None
        if col_hit:
            area = service_area_of(question)
            add(
                "collective_coproduction",
                base,
                f"a {scale_word} question about acting with others ('{col_hit.group(0)}')",
                area,
            )
        elif ind_hit:
            area = service_area_of(question)
            add(
                "individual_coproduction",
                base - 0.05,
                f"a {scale_word} question about something residents do themselves "
                f"('{ind_hit.group(0)}')",
                area,
            )
        elif kind == "frequency" and _ACTIVITY.search(text) and not _FEELING.search(text):
            add(
                "individual_coproduction",
                0.4,
                "a how-often question about an activity, but the activity is not one the "
                "program recognises: please check",
                service_area_of(question),
            )

    # Drivers: attitude questions, with the expected scale as a bonus.
    for construct, (rx, want_kind) in _DRIVER_RULES.items():
        hit = rx.search(text)
        if not hit:
            continue
        if kind == "frequency":
            continue
        conf = 0.6 + (0.3 if kind == want_kind else 0.1 if kind else 0.0)
        if construct == "efficacy" and kind == "satisfaction":
            conf = 0.45
        if construct == "area_satisfaction" and _DRIVER_RULES["consultation_satisfaction"][
            0
        ].search(text):
            continue
        if construct == "consultation_satisfaction" and "satisf" not in text:
            conf -= 0.2
        reason = f"the question mentions '{hit.group(0)}'"
        if kind == want_kind:
            reason += f" and is answered on a{'n' if want_kind[0] in 'aeiou' else ''} "
            reason += f"{want_kind} scale"
        add(construct, conf, reason)
    return out


def construct_word(construct: str) -> str:
    """The construct's label in lower case, to sit inside a suggestion's reason."""
    return BY_NAME[construct].label.lower() if construct in BY_NAME else construct


def suggest_mapping(tables: list[RawTable]) -> tuple[Mapping, list[Suggestion]]:
    """Propose a mapping for these files, with every suggestion's confidence and reason.

    Each column goes to at most one construct (its most confident); single-column
    constructs (age, gender, authority ...) take their most confident column. Suggestions
    under :data:`MIN_CONFIDENCE` are returned for the officer to see but left out of the
    mapping. Reverse-worded driver items (see :func:`scales.looks_reverse_worded`) go in
    ``Mapping.reverse``; co-production items get a service area from their words.
    """
    columns: list[str] = []
    questions: dict[str, str] = {}
    for t in tables:
        for c in t.frame.columns:
            if c not in questions:
                columns.append(c)
                questions[c] = t.question_text(c)
    best: list[Suggestion] = []
    all_suggestions: list[Suggestion] = []
    for c in columns:
        q = questions[c]
        text = q if q == c else f"{q} {c}"
        sug = _column_suggestions(tables, c, text, q if q != c else None)
        sug.sort(key=lambda s: -s.confidence)
        all_suggestions.extend(sug)
        if sug:
            best.append(sug[0])

    mapping = Mapping()
    taken: set[str] = set()
    for s in sorted(best, key=lambda s: -s.confidence):
        if s.confidence < MIN_CONFIDENCE or s.column in taken:
            continue
        cons = BY_NAME[s.construct]
        if not cons.multi and mapping.has(s.construct):
            continue
        mapping.columns.setdefault(s.construct, []).append(s.column)
        taken.add(s.column)
        if s.service_area and s.construct in ("individual_coproduction", "collective_coproduction"):
            mapping.service_areas[s.column] = s.service_area
        if s.construct in DRIVERS and looks_reverse_worded(questions[s.column]):
            mapping.reverse.append(s.column)
            s.reason += "; worded against the construct, so it will be reversed"
    # Keep the file's column order within each construct.
    order = {c: i for i, c in enumerate(columns)}
    mapping.columns = {
        k: sorted(v, key=order.__getitem__)
        for k, v in sorted(mapping.columns.items(), key=lambda kv: _construct_order(kv[0]))
    }
    mapping.reverse.sort(key=order.__getitem__)
    all_suggestions.sort(key=lambda s: (_construct_order(s.construct), -s.confidence))
    return mapping, all_suggestions


def _construct_order(name: str) -> int:
    return list(BY_NAME).index(name) if name in BY_NAME else len(BY_NAME)
