"""How-often answers written as rates ("more than once a week", "2-3 times a month").

Why: real surveys invent their own frequency ladders ("more than once a week / once a
week / once a month / a few times a year / not at all in the past year", "SEV TIMES A
MNTH", "NRLY EVERY WEEK"). No table can list them all, but each answer says how often in
words a program can read. When *every* answer of a question reads as a rate, the answers
are put in order of that rate and scored 0..k-1, equally spaced, exactly like a scale
from the table. When even one answer does not read, nothing is scored from this module:
the question is held back for the officer (see :mod:`definitions`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .words import norm

PER_YEAR = {"day": 365.0, "week": 52.0, "month": 12.0, "year": 1.0}
_ABBREV = {
    "wk": "week", "wks": "week", "weeks": "week", "weekly": "once a week",
    "mnth": "month", "mth": "month", "mo": "month", "months": "month",
    "monthly": "once a month", "yr": "year", "yrs": "year", "years": "year",
    "yearly": "once a year", "annually": "once a year", "days": "day",
    "daily": "once a day", "everyday": "every day", "sev": "several", "sevrl": "several",
    "lt": "less than", "thn": "than", "nrly": "nearly", "x": "times", "per": "a",
    "2": "two", "3": "three", "4": "four", "twice": "two times", "fortnight": "two week",
    "12": "twelve",
}  # fmt: skip
_UNIT = r"(day|week|month|year)"
_MANY = r"(several|a few|few|two|three|four|two three|two or three|two to three|a couple of)"
_RULES: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"^(never|not at all|none|not in the (last|past) (year|twelve month)|"
                r"not at all in the (last|past) (year|twelve month)|not at all in the "
                r"(last|past) (year|twelve month)s?|have not|not done it)$"), 0.0),
    (re.compile(rf"^(more than|over) (once )?(a|an|every|each) {_UNIT}$"), lambda u: 1.5 * u),
    (re.compile(rf"^(more than|over) once {_UNIT}$"), lambda u: 1.5 * u),
    (re.compile(rf"^(at least |about )?{_MANY} times? (a|in a|in the|in the last|in the past) "
                rf"{_UNIT}$"),
     lambda u: 2.5 * u),
    (re.compile(rf"^(four|4) (or more )?times a {_UNIT}$"), lambda u: 4.0 * u),
    (re.compile(rf"^(almost|nearly) (once )?(a|an|every|each) {_UNIT}$"), lambda u: 0.9 * u),
    (re.compile(rf"^(at least )?(about |roughly )?(once )?(a|an|every|each) {_UNIT}$"),
     lambda u: u),
    (re.compile(rf"^(almost |nearly )once (a|an|in a) {_UNIT}$"), lambda u: 0.9 * u),
    (re.compile(rf"^(at least |about )?once (a|an|in a|in the|in the last|in the past) "
                rf"{_UNIT}$"), lambda u: u),
    (re.compile(rf"^(about )?once or two times (a|in a|in the|in the last|in the past) "
                rf"{_UNIT}$"), lambda u: 1.5 * u),
    (re.compile(r"^once or two times$"), 1.5),
    (re.compile(rf"^(less than|less often than|under) once (a |an |every |each |in a )?{_UNIT}$"),
     lambda u: 0.5 * u),
)  # fmt: skip


def _tidy(text: str) -> str:
    words = re.sub(r"(\d)([a-z])", r"\1 \2", norm(text)).split()
    out: list[str] = []
    for w in words:
        out.extend(_ABBREV.get(w, w).split())
    s = " ".join(out)
    s = re.sub(r"\btwelve months?\b", "twelve month", s)
    s = re.sub(r"\b(in|during) (the )?(last|past) twelve month$", "in the past year", s)
    if not s.startswith(("not", "never")) and s.endswith(("in the past year", "in the last year")):
        s = s.rsplit(" in the ", 1)[0]
        if not re.search(_UNIT + "$", s):
            s += " a year"
    s = re.sub(r"\b(a|each|every) (day|week|month|year)s?\b", r"\1 \2", s)
    return s.replace("a week or more", "a week").replace("or more often", "").strip()


def rate_per_year(answer: Any) -> float | None:
    """Times a year an answer says ("once a month" -> 12), or None if it is not a rate."""
    if not isinstance(answer, str):
        return None
    s = _tidy(answer)
    if not s:
        return None
    for rx, value in _RULES:
        m = rx.match(s)
        if m:
            if callable(value):
                unit = next(g for g in m.groups()[::-1] if g in PER_YEAR)
                return float(value(PER_YEAR[unit]))
            return float(value)
    return None


def rank_frequencies(answers: Sequence[Any]) -> dict[str, int] | None:
    """Scores by rate for a whole set of answers, lowest rate 0; None unless all read.

    Keys are :func:`norm` of the answers. Needs three or more different rates (two are a
    yes/no in disguise, for the scale table to decide), all distinct.
    """
    rates: dict[str, float] = {}
    for a in answers:
        r = rate_per_year(a)
        if r is None:
            return None
        rates[norm(a)] = r
    values = sorted(set(rates.values()))
    if len(values) < 3 or len(values) != len(rates):
        return None
    return {k: values.index(r) for k, r in rates.items()}


def ranked_labels(answers: Sequence[Any]) -> list[str]:
    """The answers in order of their rate, lowest first (for a definition's labels)."""
    keyed = {norm(a): a for a in answers}
    ranks = rank_frequencies(list(keyed.values())) or {}
    return [str(keyed[k]) for k in sorted(ranks, key=ranks.__getitem__)]


def rate_threshold(rates: Sequence[float], threshold: str) -> int | None:
    """Position of the lowest rate that counts as "regularly" for a named threshold.

    "rarely"/"less often": more than never; "sometimes"/"at least monthly": at least
    monthly; "often"/"at least weekly": at least weekly. ``rates`` are in score order.
    """
    t = norm(threshold)
    floor = {"rarely": 1e-9, "less often": 1e-9, "sometimes": 12.0, "at least monthly": 12.0,
             "often": 52.0, "at least weekly": 52.0}.get(t)  # fmt: skip
    if floor is None:
        return None
    for i, r in enumerate(rates):
        if r >= floor:
            return i
    return None
