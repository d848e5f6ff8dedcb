"""Numbers as people say them, and the strength words of the brief.

Why: councillors read "about 1 in 4 residents (24%)" and "5 percentage points" faster
than "0.24" or "β = 0.31". Every number in the brief's body goes through this module, so
the same value is always written the same way in the text, the tables and the charts.

Strength words follow published rules of thumb, named in the brief's appendix
(:data:`RULE_SET`): Cohen (1988) for standardised effects.
"""

from __future__ import annotations

import math

# Simple fractions people use, as (numerator, denominator).
_FRACTIONS: tuple[tuple[int, int], ...] = (
    (1, 10),
    (1, 8),
    (1, 6),
    (1, 5),
    (1, 4),
    (1, 3),
    (2, 5),
    (1, 2),
    (3, 5),
    (2, 3),
    (3, 4),
    (4, 5),
    (9, 10),
)

# Cohen (1988): correlation-type effects (standardised slopes) small .10, medium .30, large .50.
R_SMALL, R_MEDIUM, R_LARGE = 0.10, 0.30, 0.50
# Cohen (1988): standardised mean differences d small .2, medium .5, large .8;
# the same cut-offs for h, the difference between two proportions (arcsine scale).
D_SMALL, D_MEDIUM, D_LARGE = 0.20, 0.50, 0.80

STRENGTH_WORDS: tuple[str, ...] = ("very small", "small", "moderate", "large")

RULE_SET = (
    "Strength words follow Cohen (1988), Statistical Power Analysis for the Behavioral "
    "Sciences. For a driver, the standardised slope from the index model is read like a "
    "correlation: under 0.10 'very small', 0.10 to 0.29 'small', 0.30 to 0.49 'moderate', "
    "0.50 or more 'large'. For a difference between groups or between the two forms, the "
    "difference in index points is divided by the spread (standard deviation) of the index "
    "(Cohen's d), and a gap between two percentages is converted to Cohen's h; both use "
    "0.20 'small', 0.50 'moderate' and 0.80 'large', and 'very small' below 0.20. When a "
    "link is stated in percentage points (from the participation model), its strength is "
    "Cohen's h between the shares expected at the least and the most favourable answer, "
    "centred on the observed share. A link is "
    "called clear only when its 95% confidence interval excludes zero (p < 0.05); otherwise "
    "the brief says there is 'no clear link'."
)


def percent(value: float | None, *, decimals: int = 0) -> str:
    """'24%' (no space, as the brief and the self-test expect)."""
    if value is None or not math.isfinite(value):
        return "not available"
    return f"{value:.{decimals}f}%"


def whole(n: float | int) -> str:
    """A count with thousands separators: 1,234."""
    return f"{round(n):,}"


def one_in(value: float) -> str:
    """'about 1 in 4' for 24%; 'almost all' / 'very few' at the extremes."""
    if value >= 97:
        return "almost all"
    if value < 3:
        return "very few"
    share = value / 100
    num, den = min(_FRACTIONS, key=lambda f: (abs(f[0] / f[1] - share), f[1]))
    if (num, den) == (1, 2):
        return "about half of"
    return f"about {num} in {den}"


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
