"""Making survey text safe to write into Word and Excel.

Why: column names, question texts and council names come from the survey file, so they
can hold control characters (which make python-docx and openpyxl refuse the whole file),
text longer than Excel's 32,767-character cell limit, or a formula such as
``=HYPERLINK(...)`` that a spreadsheet would run (shared reliability.md §2).
"""

from __future__ import annotations

import re

EXCEL_CELL_LIMIT = 32_767
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Spreadsheet formula triggers (OWASP): = + - @ tab CR (and LF), also after leading
# spaces or non-breaking spaces, and at the start of any later line of the cell.
_RISKY = re.compile(r"(^|[\r\n])[\s\u00a0]*[=+\-@\t\r]")


def clean_text(text: object) -> str:
    """Text without control characters that XML cannot hold (tab and newlines kept)."""
    return _CONTROL.sub("", str(text))


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula or command."""
    return bool(_RISKY.search(text))


def excel_text(text: object) -> tuple[str, bool]:
    """Clean text for a cell and whether it had to be cut to Excel's cell limit."""
    s = clean_text(text)
    if len(s) <= EXCEL_CELL_LIMIT:
        return s, False
    note = f" [cut: the full text was {len(s):,} characters]"
    return s[: EXCEL_CELL_LIMIT - len(note)] + note, True
