"""Numbers as people say them, and the strength words of the brief.

Why: councillors read "about 1 in 4 residents (24%)" and "5 percentage points" faster
than "0.24" or "β = 0.31". Every number in the brief's body goes through this module, so
the same value is always written the same way in the text, the tables and the charts.

Strength words follow one rule on one unit, named in the brief's appendix
(:data:`RULE_SET`): the gap in percentage points as printed.
"""

from __future__ import annotations

import math

# Simple fractions people use, as (numerator, denominator): "about 1 in 20", "about 19 in 20".
_FRACTIONS: tuple[tuple[int, int], ...] = (
    (1, 20),
    (1, 10),
    (1, 5),
    (1, 4),
    (3, 10),
    (1, 3),
    (2, 5),
    (1, 2),
    (3, 5),
    (2, 3),
    (7, 10),
    (3, 4),
    (4, 5),
    (9, 10),
    (19, 20),
)
ABOUT_WITHIN = 1.5
"""'about 1 in 4' only when the printed percent is within 1.5 points of the fraction."""
MORE_THAN_WITHIN = 4.0
"""Otherwise 'more than 9 in 10' when a fraction sits at most 4 points below, else 'nearly'."""

# Strength words, one rule on one unit: the size of a gap in percentage points, read from
# the rounded number the brief prints (so neighbouring values always get the same word).
STRENGTH_CUTS: tuple[tuple[int, str], ...] = ((20, "large"), (10, "moderate"), (5, "small"))
STRENGTH_WORDS: tuple[str, ...] = ("very small", "small", "moderate", "large")

# Cohen (1988): the cut-offs of the technical view (standardised index-model slopes).
R_SMALL, R_MEDIUM, R_LARGE = 0.10, 0.30, 0.50
D_SMALL, D_MEDIUM, D_LARGE = 0.20, 0.50, 0.80

RULE_SET = (
    "Every link in the body is a gap in percentage points between the predicted shares "
    "taking part at the two ends of one question (for age, the youngest and the oldest age "
    "band, or 30 against 70 years when age was asked in years; for a background group, "
    "against the largest group), from the participation models with everything else as "
    "observed. A gap is 'unlikely to be chance' when its 95% range excludes zero (for "
    "background questions after a Holm correction for the number tested); only such gaps of "
    "at least the brief's minimum (5 points unless set otherwise) enter the body. Strength "
    "words are read from the rounded gap: under 5 points 'very small', 5 to 9 'small', 10 "
    "to 19 'moderate', 20 or more 'large'."
)


def percent(value: float | None, *, decimals: int = 0) -> str:
    """'24%' (no space, as the brief and the self-test expect)."""
    if value is None or not math.isfinite(value):
        return "not available"
    return f"{value:.{decimals}f}%"


def printed_gap(high: float, low: float) -> float:
    """The gap between two shares as the brief prints them ('96%' and '90%' give 6), so a
    reader checking with a pencil gets the gap printed beside them."""
    return float(percent(high)[:-1]) - float(percent(low)[:-1])


def whole(n: float | int) -> str:
    """A count with thousands separators: 1,234."""
    return f"{round(n):,}"


def one_in(value: float) -> str:
    """A share as people say it, read from the percent as printed (ONS style).

    The rule, once: 'nearly all' from 97% and 'very few' under 3%; 'about N in M' when a
    simple fraction is within 1.5 points (5% 'about 1 in 20', 95% 'about 19 in 20');
    otherwise 'more than N in M' for a fraction at most 4 points below (93% 'more than 9 in
    10', 37% 'more than 1 in 3'), else 'nearly' the fraction above (48% 'nearly half').
    """
    v = round(value)
    if v >= 97:
        return "nearly all"
    if v < 3:
        return "very few"

    def say(f: tuple[int, int], lead: str) -> str:
        return f"{lead} half of" if f == (1, 2) else f"{lead} {f[0]} in {f[1]}"

    share = {f: 100 * f[0] / f[1] for f in _FRACTIONS}
    near = min(_FRACTIONS, key=lambda f: (abs(share[f] - v), f[1]))
    if abs(share[near] - v) <= ABOUT_WITHIN:
        return say(near, "about")
    below = [f for f in _FRACTIONS if share[f] < v]
    if below and v - share[below[-1]] <= MORE_THAN_WITHIN:
        return say(below[-1], "more than")
    above = [f for f in _FRACTIONS if share[f] > v]
    return say(above[0], "nearly") if above else say(near, "about")


def people_share(value: float | None, who: str = "residents") -> str:
    """'about 1 in 4 residents (24%)', the form DESIGN.md §5 asks for."""
    if value is None or not math.isfinite(value):
        return f"an unknown share of {who}"
    return f"{one_in(value)} {who} ({percent(value)})"


def points(value: float, unit: str = "percentage points") -> str:
    """'5 percentage points' (absolute, rounded; '1 percentage point' singular)."""
    v = abs(value)
    text = f"{v:.0f}" if v >= 1.5 or v == 0 else f"{v:.1f}".rstrip("0").rstrip(".")
    if text == "1":
        unit = unit.replace("points", "point")
    return f"{text} {unit}"


def r_strength(std_effect: float | None) -> str:
    """Strength word for a standardised slope (Cohen's r cut-offs)."""
    if std_effect is None or not math.isfinite(std_effect):
        return "unknown"
    v = abs(std_effect)
    if v >= R_LARGE:
        return "large"
    if v >= R_MEDIUM:
        return "moderate"
    if v >= R_SMALL:
        return "small"
    return "very small"


def d_strength(d: float | None) -> str:
    """Strength word for Cohen's d or h."""
    if d is None or not math.isfinite(d):
        return "unknown"
    v = abs(d)
    if v >= D_LARGE:
        return "large"
    if v >= D_MEDIUM:
        return "moderate"
    if v >= D_SMALL:
        return "small"
    return "very small"


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's h between two percentages (0–100): the arcsine difference."""
    a = min(max(p1 / 100, 0.0), 1.0)
    b = min(max(p2 / 100, 0.0), 1.0)
    return 2 * math.asin(math.sqrt(a)) - 2 * math.asin(math.sqrt(b))


def points_strength(value: float | None) -> str:
    """Strength word for a gap in percentage points, from the number as printed."""
    if value is None or not math.isfinite(value):
        return "unknown"
    shown = abs(round(value))
    return next((word for cut, word in STRENGTH_CUTS if shown >= cut), "very small")


def strength_rank(word: str) -> int:
    """0 for 'no clear link' or unknown, up to 4 for 'large' (for ranking findings)."""
    return STRENGTH_WORDS.index(word) + 1 if word in STRENGTH_WORDS else 0


def join_words(words: list[str]) -> str:
    """'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def sentence_case(text: str) -> str:
    """Capitalise only the first letter (``str.capitalize`` would lower council names)."""
    return text[:1].upper() + text[1:] if text else text


# --------------------------------------------------------------------------- words

FORM_DO: dict[str, str] = {"individual": "do things for themselves", "collective": "act with others"}
FORM_NOUN: dict[str, str] = {
    "individual": "doing things for themselves",
    "collective": "acting with others",
}
FORM_EXAMPLES: dict[str, str] = {
    "individual": "such as recycling, saving energy or keeping healthy",
    "collective": "such as volunteering or joining a residents' group",
}

# (most favourable, least favourable, short name) for each driver.
DRIVER_WORDS: dict[str, tuple[str, str, str]] = {
    "efficacy": (
        "feel most able to make a difference",
        "feel least able",
        "feeling able to make a difference",
    ),
    "consultation_satisfaction": (
        "are most satisfied with how the council consults them",
        "are least satisfied",
        "satisfaction with how the council consults",
    ),
    "informed": ("feel best informed", "feel least informed", "feeling informed"),
    "trust_council": ("trust the council most", "trust it least", "trust in the council"),
    "area_satisfaction": (
        "are most satisfied with their area",
        "are least satisfied",
        "satisfaction with the area",
    ),
}
# The two plain groups of a driver's answers (above / below the middle of the scale).
BAND_WORDS: dict[str, tuple[str, str]] = {
    "efficacy": ("feel they can make a difference", "do not"),
    "consultation_satisfaction": ("are satisfied with how the council consults them", "are not"),
    "informed": ("feel well informed", "do not"),
    "trust_council": ("trust the council", "do not"),
    "area_satisfaction": ("are satisfied with their area", "are not"),
}
