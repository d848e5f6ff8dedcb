"""Residents' own words never become a group label in anything exported.

Why: a category column (gender, ethnicity, qualification, the council ...) sometimes holds
what a resident typed ("In another way: Jo Bloggs, call 07700 900123"). The group's
figures were withheld as a small group, but its *label* was printed in the brief, the
workbook and results.json (issue 12, item 1). Two rules, applied once each:

- a value that looks like personal data (an e-mail address, a phone number, a UK
  postcode, a web address, or long free text) is replaced by :data:`ANOTHER_ANSWER` where
  categories are made (``core.survey.prepare``), so it is merged with the other such
  answers and never reaches a model term, a note or a chart;
- a group too small to be shown is printed as :data:`ANOTHER_ANSWER` too
  (``report.suppression``), whatever its label says.

The checks are deliberately broad: wrongly hiding an unusual label costs a little detail,
wrongly printing a resident's phone number is a data breach.
"""

from __future__ import annotations

import re

ANOTHER_ANSWER = "Another answer"
"""What a hidden or personal-looking category is called in every output."""

LONG_TEXT_CHARS = 120
LONG_TEXT_WORDS = 20
"""Longer than this reads as free text, not an answer option (the longest ONS answer
options in our surveys are well under it)."""

_EMAIL = re.compile(r"[\w.+'-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\s*\.\s*[\w-]+)+", re.I)
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.|\b[\w-]+\.(?:com|org|net|uk|info|io|me|biz|gov|ac)\b)",
    re.I,
)
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.I)
_PHONE_RUN = re.compile(r"(?:\+|\b00)?\d[\d\s().\-/]{6,}\d")
_PHONE_DIGITS = (9, 15)
"""UK numbers have 10 or 11 digits (9 without the leading 0); E.164 at most 15."""


def _looks_like_phone(text: str) -> bool:
    for m in _PHONE_RUN.finditer(text):
        run = m.group(0)
        digits = re.sub(r"\D", "", run)
        low, high = _PHONE_DIGITS
        if not low <= len(digits) <= high:
            continue
        if run.startswith(("+", "00")) or digits.startswith("0"):
            return True  # international or UK trunk prefix: 07700 900123, +44 20 ...
        if len(digits) >= 10 and not re.search(r"\d\s*[-–]\s*\d", run):
            return True  # a long digit string that is not a range of numbers
    return False


def looks_personal(text: object) -> bool:
    """True if ``text`` looks like personal data rather than an answer option."""
    if not isinstance(text, str):
        text = str(text)
    s = " ".join(text.split())
    if not s:
        return False
    if len(s) > LONG_TEXT_CHARS or len(s.split()) > LONG_TEXT_WORDS:
        return True
    return bool(
        _EMAIL.search(s) or _URL.search(s) or _UK_POSTCODE.search(s) or _looks_like_phone(s)
    )


def safe_label(text: str) -> str:
    """``text``, or :data:`ANOTHER_ANSWER` if it looks like personal data."""
    return ANOTHER_ANSWER if looks_personal(text) else text
