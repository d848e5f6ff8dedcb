"""The draft mapping of a run without ``--mapping``: what was chosen, how sure, and whether
the program is sure enough to write a brief at all.

Why: a brief on guessed questions looks exactly as confident as one on checked
questions. So the command line always writes the draft ``mapping.json``, prints per
topic what it chose and how sure it is, and stops (exit 2) when a form of co-production
or the efficacy driver rests on questions it could only offer "to check".
"""

from __future__ import annotations

from ..types import Mapping, Suggestion
from .constructs import BY_NAME, KEY_DRIVERS, OUTCOMES

UNSURE_TOPICS = (*OUTCOMES, KEY_DRIVERS[0])
"""Topics a brief cannot do without: the two forms and feeling able to make a difference."""


def draft_report(
    mapping: Mapping, suggestions: list[Suggestion], files: str = "these files"
) -> tuple[list[str], list[str]]:
    """(lines to print, reasons the draft needs checking before a brief is written)."""
    lines: list[str] = []
    unsure: list[str] = []
    chosen = {s.column for s in suggestions if s.selected}
    for topic, cons in BY_NAME.items():
        picked = [s for s in suggestions if s.selected and s.construct == topic]
        check = [s for s in suggestions if s.construct == topic and not s.selected and s.column not in chosen]
        label = cons.label
        if picked:
            low = min(s.confidence for s in picked)
            names = ", ".join(s.column for s in picked[:8]) + (" ..." if len(picked) > 8 else "")
            sure = f"{low:.0%} sure" + (" or more" if len(picked) > 1 else "")
            lines.append(f"  {label}: {names} ({sure})")
        if check:
            names = ", ".join(s.column for s in check[:5]) + (" ..." if len(check) > 5 else "")
            what = "other candidates" if picked and not cons.multi else "to check, not used"
            lines.append(f"  {label}: {what}: {names} (at most {check[0].confidence:.0%} sure)")
        if topic in UNSURE_TOPICS and not picked:
            if check:
                unsure.append(f"no question was sure for {label.lower()} ({len(check)} to check)")
            elif topic != KEY_DRIVERS[0]:
                lines.append(f"  {label}: no question found")
    if not any(mapping.has(o) for o in OUTCOMES) and not any("co-production" in u for u in unsure):
        unsure.append(f"there are no co-production questions for {files} that it recognises")
    return lines, unsure
