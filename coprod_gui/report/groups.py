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
from .wording import FORM_DO, join_words, percent, whole

GROUPING_WORDS: dict[str, str] = {"authority": "council", "age_band": "age group", "gender": "gender"}
PLURAL: dict[str, str] = {"council": "councils", "age group": "age groups", "gender": "genders"}


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
    row_bases: list[int] = []  # the Answers column, as numbers (a row's smaller base)
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
        row_bases.append(smallest.base if smallest else 0)
        cells.append(base_text(smallest.base, worst, options) if smallest else "–")  # type: ignore[arg-type]
        cells.append(status_note(worst, options))  # type: ignore[arg-type]
        rows.append(cells)
    everyone = [result.levels.get(f) for f in FORMS]
    if all(lv is not None and lv.percent is not None for lv in everyone):
        # the row a reader compares each group with; it is in the key messages already,
        # so it reveals nothing a hidden group could be worked out from
        rows.append(
            [
                "All residents",
                *(percent(lv.percent) for lv in everyone),  # type: ignore[union-attr]
                whole(min(lv.base for lv in everyone)),  # type: ignore[union-attr]
                "",
            ]
        )
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
    base = in_groups
    if rows and rows[-1][0] == "All residents":
        base = min(lv.base for lv in everyone)  # type: ignore[union-attr]
        # what a reader gets adding up the Answers column, so the note makes the sum work
        left_out = base - sum(row_bases)
        no_group = total.base - in_groups if total is not None else left_out
        word = first.lower()
        if left_out > 0 and left_out == no_group:
            notes.append(
                f"{whole(left_out)} residents gave no {word}: they are counted in 'All "
                "residents' only."
            )
        elif left_out > 0:
            notes.append(
                f"{whole(left_out)} residents are in no {word} row (they gave no {word}, or "
                "answered for only one form of taking part): they are counted in 'All "
                "residents' only."
            )
    elif total is not None and in_groups < total.base:
        notes.append(f"{whole(total.base - in_groups)} residents gave no {first.lower()}.")
    source = source_line(result, options, base if base else None)
    return Table(title, header, rows, " ".join(notes), source), by


def _in_group(grouping: str, group: str) -> str:
    if grouping == "authority":
        return f"in {group}"
    if grouping == "age_band":
        return f"among those aged {group}"
    return f"among {group.lower()} residents" if grouping == "gender" else f"in the '{group}' group"


def _pair_clear(a, b, pairs: float) -> bool:
    """Whether two groups' shares differ by more than chance (Bonferroni over the pairs)."""
    if None in (a.ci_low, a.ci_high, b.ci_low, b.ci_high):
        return False
    se = math.hypot((a.ci_high - a.ci_low) / 3.92, (b.ci_high - b.ci_low) / 3.92)
    z = float(scipy.special.ndtri(1 - 0.025 / pairs))
    return bool(se > 0 and abs(a.percent - b.percent) / se > z)


def _spread(by: dict[str, Protected]) -> tuple[list[str], list[str], bool, list[str]] | None:
    """The highest and lowest groups (tied groups share the place, as printed), whether
    their gap is unlikely to be chance, and which other groups the lowest clearly trails."""
    shown = {
        g: p.level
        for g, p in by.items()
        if p.shown and p.level is not None and p.level.percent is not None
    }
    if len(shown) < 2:
        return None
    printed = {g: round(lv.percent) for g, lv in shown.items()}  # type: ignore[arg-type]
    top, bottom = max(printed.values()), min(printed.values())
    his = [g for g in shown if printed[g] == top]
    los = [g for g in shown if printed[g] == bottom]
    if top == bottom:
        return his, los, False, []
    pairs = len(shown) * (len(shown) - 1) / 2
    lo = min(los, key=lambda g: shown[g].percent)  # type: ignore[arg-type, return-value]
    hi = max(his, key=lambda g: shown[g].percent)  # type: ignore[arg-type, return-value]
    clear = _pair_clear(shown[hi], shown[lo], pairs)
    beaten = [g for g in shown if g not in los and _pair_clear(shown[g], shown[lo], pairs)]
    return his, los, clear, beaten


def _names(grouping: str, groups: list[str]) -> str:
    """'in X and Y', 'among those aged 16-24 and 25-34'."""
    if len(groups) == 1:
        return _in_group(grouping, groups[0])
    if grouping == "authority":
        return "in " + join_words(groups)
    if grouping == "age_band":
        return "among those aged " + join_words(groups)
    if grouping == "gender":
        return "among " + join_words([g.lower() for g in groups]) + " residents"
    return "in the " + join_words([f"'{g}'" for g in groups]) + " groups"


def _plain(grouping: str, groups: list[str]) -> str:
    """'Southdale and Westmoor', 'those aged 16-24', 'male residents'."""
    if grouping == "age_band":
        return "those aged " + join_words(groups)
    if grouping == "gender":
        return join_words([g.lower() for g in groups]) + " residents"
    return join_words(groups)


def lowest_title(by: dict[str, dict[str, Protected]], grouping: str) -> str | None:
    """'Acting with others is lowest in Wendleford': a table title with its message, when
    one form's lowest group trails every other group by more than chance."""
    for form in ("collective", "individual"):
        got = _spread(by.get(form, {}))
        if got is None:
            continue
        _, los, clear, beaten = got
        shown = [g for g, p in by[form].items() if p.shown and p.level is not None]
        if clear and len(los) == 1 and len(beaten) == len(shown) - 1:
            what = "Acting with others" if form == "collective" else "Doing things for themselves"
            return f"{what} is lowest {_in_group(grouping, los[0])}"
    return None


def spread_sentence(by: dict[str, Protected], form: str, grouping: str) -> tuple[str, bool] | None:
    """'... is highest in X (30%) and lowest in Y (20%). Y is lower than every other
    council, gaps unlikely to be chance.' or '... is similar in every council'."""
    got = _spread(by)
    if got is None:
        return None
    his, los, clear, beaten = got
    h, lw = by[his[0]].level.percent, by[los[0]].level.percent  # type: ignore[union-attr]
    word = GROUPING_WORDS.get(grouping, "group")
    if not clear:
        text = (
            # 'similar' beside 25% and 31% read as a contradiction; say the range and why
            # it is not a finding
            f"The share who {FORM_DO[form]} ranges from {percent(lw)} to {percent(h)} across "
            f"{PLURAL.get(word, word + 's')}, but the gaps could be chance."
            if round(lw) != round(h)
            else f"The share who {FORM_DO[form]} is {percent(h)} in every {word}."
        )
        return text, False
    text = (
        f"The share who {FORM_DO[form]} is highest {_names(grouping, his)} ({percent(h)}) "
        f"and lowest {_names(grouping, los)} ({percent(lw)})."
    )
    others = [g for g in by if g not in los and by[g].shown and by[g].level is not None]
    low = _names(grouping, los)
    rest = [g for g in others if g not in beaten]
    if not rest and len(others) == 1:  # two groups: name the other, one gap
        text += (
            f" It is lower {low} than {_names(grouping, others)}, and the gap is unlikely "
            "to be chance."
        )
    elif not rest:
        text += (
            f" It is lower {low} than in every other {word}, and these gaps are unlikely "
            "to be chance."
        )
    elif beaten:
        gaps = "a gap" if len(beaten) == 1 else "gaps"
        text += (
            f" It is lower {low} than {_names(grouping, beaten)}, {gaps} unlikely to be "
            f"chance; the gap to {_plain(grouping, rest)} could be chance."
        )
    else:
        text += (
            " The gap between the highest and the lowest is unlikely to be chance, but the "
            f"lowest may not differ from {_names(grouping, rest)}."
        )
    caution = [g for g in (*his, *los) if by[g].status == "caution"]
    if caution:
        text += f" Few people answered {join_words([_in_group(grouping, g) for g in caution])}."
    return text, True
