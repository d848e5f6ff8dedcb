"""Answer words: the matching key of an answer, and the "don't know" family.

Why one module: every step that compares answers (the scale table, question definitions,
the codebook, the suggester) must agree on when two spellings are the same answer, and on
which answers mean "no answer" ("don't know", "not asked", "IAP", "-9 = Refused" ...).
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

import numpy as np

# ---------------------------------------------------------------------------------------
# normalisation


_APOSTROPHES = re.compile(r"[’‘`´']")
_NON_WORD = re.compile(r"[^0-9a-z+]+")
_NUMBER_TEXT = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
_LEADING_CODE = re.compile(r"^\s*\(?-?\d{1,3}\)?\s*[-.:)=]\s*(?=\D)")


def norm(value: Any) -> str:
    """The matching key of an answer: lower case, no punctuation, single spaces.

    Numbers become their plain text ("9", "2.5") so that a workbook's 9 and a CSV's "9"
    are the same answer.
    """
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        f = float(value)
        if math.isnan(f):
            return ""
        return str(int(f)) if f.is_integer() else repr(f)
    return _norm_text(str(value))


@functools.lru_cache(maxsize=65536)
def _norm_text(value: str) -> str:
    raw = value.strip()
    if _NUMBER_TEXT.fullmatch(raw):
        return norm(float(raw))
    text = _APOSTROPHES.sub("", raw.lower().replace("&", " and "))
    return " ".join(_NON_WORD.sub(" ", text).split())


def _strip_code(value: Any) -> str:
    """``norm`` of a label with a leading answer code removed ("4 - Often" -> "often")."""
    if not isinstance(value, str):
        return ""
    return _strip_code_text(value)


@functools.lru_cache(maxsize=65536)
def _strip_code_text(value: str) -> str:
    return norm(_LEADING_CODE.sub("", value))


def _is_number_key(key: str) -> bool:
    try:
        float(key)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------
# the "don't know" family


MISSING_FAMILY: dict[str, str] = {}
"""Normalised answer -> missing reason shown to users."""

for _reason, _spellings in {
    "don't know": (
        "dont know", "do not know", "dk", "dont know not sure", "not sure", "unsure",
        "cant say", "cannot say", "cant remember", "dont remember", "no opinion",
        "dont know cant say", "dont know no opinion", "dont know refused", "dk na",
        "dk refused", "dont know not applicable",
    ),
    "prefer not to say": (
        "prefer not to say", "prefer not to answer", "rather not say", "id rather not say",
        "would rather not say", "prefer not to disclose", "not disclosed",
    ),
    "refused": ("refused", "refusal", "declined", "declined to answer"),
    "not applicable": (
        "not applicable", "n a", "na", "not relevant", "does not apply", "doesnt apply",
        "not applicable to me", "inapplicable", "iap", "not asked", "item not asked",
        "question not asked", "not asked in this wave", "not asked this wave",
        "not asked in this version", "not available", "uncodeable", "uncodable",
        "legitimate skip", "valid skip", "skip", "routed out", "filtered out",
        "not in sample", "not eligible", "not applicable not asked", "no applicable",
        "uncodeable and iap", "not relevant to me", "na not applicable", "n a not applicable",
    ),
    "no answer": (
        "no answer", "not answered", "no response", "no reply", "missing", "not stated",
        "skipped", "did not answer", "no data", "sysmis", "not answered missing",
        "missing not answered", "system missing", "non response", "nonresponse",
        "item nonresponse", "na no answer", "no answer refused", "dont know no answer",
    ),
}.items():  # fmt: skip
    for _s in _spellings:
        MISSING_FAMILY[_s] = _reason


def missing_reason(value: Any) -> str | None:
    """The reason an answer counts as missing ("don't know" ...), or None."""
    key = norm(value)
    return MISSING_FAMILY.get(key) or MISSING_FAMILY.get(_strip_code(value))


BLANK = "blank"
DECLARED = "declared missing code"
