"""Levels by group (council, age group, gender): the tables and what may be said of them.

Why apart: "highest" and "lowest" are said only when the gap between them is clear (a
Bonferroni correction over the pairs of groups), otherwise the groups are "similar"; and
every table hides small groups through :mod:`.suppression`.
"""

from __future__ import annotations

import math

import scipy.special

from ..core.results import AnalysisResult
from ..core.survey.constructs import FORMS
from .brief import Table, source_line
from .options import BriefOptions
from .suppression import HIDDEN, Protected, base_text, printed_groups, protected_by, status_note
from .wording import FORM_DO, join_words, percent

GROUPING_WORDS: dict[str, str] = {"authority": "council", "age_band": "age group", "gender": "gender"}


def group_table(
    result: AnalysisResult, grouping: str, options: BriefOptions, title: str
) -> tuple[Table | None, dict[str, dict[str, Protected]]]:
    """A levels table for one grouping, with small groups hidden."""
    by = {f: printed_groups(protected_by(result, grouping, f, options)) for f in FORMS}
    groups: list[str] = []
    for f in FORMS:
        groups.extend(g for g in by[f] if g not in groups)
    if not groups:
        return None, by
    first = GROUPING_WORDS.get(grouping, grouping.replace("_", " ")).capitalize()
    header = [first, "Do things for themselves", "Act with others", "Answers", "Note"]
    rows = []
    hidden_any = False
    order = ("suppressed", "secondary", "caution")
    for g in groups:
        cells, statuses, bases = [g], [], []
        for f in FORMS:
            p = by[f].get(g)
            if p is None:
                cells.append("–")
                continue
            statuses.append(p.status)
            bases.append(p)
            cells.append(percent(p.level.percent) if p.shown and p.level is not None else "not shown")
        worst = next((s for s in order if s in statuses), "shown")
        hidden_any = hidden_any or worst in HIDDEN
        smallest = min(bases, key=lambda p: p.base) if bases else None
        cells.append(base_text(smallest.base, worst, options) if smallest else "–")  # type: ignore[arg-type]
        cells.append(status_note(worst, options))  # type: ignore[arg-type]
        rows.append(cells)
    if not any(r[-1] for r in rows):
        header, rows = header[:-1], [r[:-1] for r in rows]
    notes = []
    if hidden_any:
        notes.append(
            f"Groups with fewer than {options.min_base} answers are not shown. Nor is the next "
            "smallest group, so the hidden figure cannot be worked out from the total."
        )
    total = result.levels.get("collective") or result.levels.get("individual")
    in_groups = sum(p.base for p in by[FORMS[-1]].values())
    if total is not None and grouping != "authority" and in_groups < 0.99 * total.base:
        notes.append(
            f"The total for all residents also counts those who gave no {first.lower()} "
            "or another answer, so it can differ from every group shown."
        )
    source = source_line(result, options, total.base if total is not None else None)
    return Table(title, header, rows, " ".join(notes), source), by


def _in_group(grouping: str, group: str) -> str:
    if grouping == "authority":
        return f"in {group}"
    if grouping == "age_band":
        return f"among those aged {group}"
    return f"among {group.lower()} residents" if grouping == "gender" else f"in the '{group}' group"


def _spread(by: dict[str, Protected]) -> tuple[str, str, bool] | None:
    """Highest and lowest group, and whether their gap is clear (Bonferroni over pairs)."""
    shown = {
        g: p.level
        for g, p in by.items()
        if p.shown and p.level is not None and p.level.percent is not None
    }
    if len(shown) < 2:
        return None
    hi = max(shown, key=lambda g: shown[g].percent)  # type: ignore[arg-type, return-value]
    lo = min(shown, key=lambda g: shown[g].percent)  # type: ignore[arg-type, return-value]
    a, b = shown[hi], shown[lo]
    if None in (a.ci_low, a.ci_high, b.ci_low, b.ci_high):
        return hi, lo, False
    se = math.hypot((a.ci_high - a.ci_low) / 3.92, (b.ci_high - b.ci_low) / 3.92)  # type: ignore[operator]
    pairs = len(shown) * (len(shown) - 1) / 2
    z = float(scipy.special.ndtri(1 - 0.025 / pairs))
    clear = se > 0 and (a.percent - b.percent) / se > z  # type: ignore[operator]
    return hi, lo, bool(clear)


def spread_sentence(by: dict[str, Protected], form: str, grouping: str) -> tuple[str, bool] | None:
    """'... is highest in X (30%) and lowest in Y (20%), a clear gap.' or 'similar'."""
    got = _spread(by)
    if got is None:
        return None
    hi, lo, clear = got
    h, lw = by[hi].level.percent, by[lo].level.percent  # type: ignore[union-attr]
    word = GROUPING_WORDS.get(grouping, "group")
    if clear:
        text = (
            f"The share who {FORM_DO[form]} is highest {_in_group(grouping, hi)} ({percent(h)}) "
            f"and lowest {_in_group(grouping, lo)} ({percent(lw)}). This gap is clear."
        )
    else:
        text = (
            f"The share who {FORM_DO[form]} is similar in every {word} ({percent(lw)} to "
            f"{percent(h)}). The gaps could be chance."
        )
    caution = [g for g in (hi, lo) if by[g].status == "caution"]
    if clear and caution:
        text += f" Few people answered {join_words([_in_group(grouping, g) for g in caution])}."
    return text, clear
