"""Which columns measure which topic: honest suggestions (DESIGN.md §3a, issue 9).

Why: an officer should not have to tell the program that "In the last 12 months, how
often have you volunteered for a local group?" is collective co-production, but a
confident guess that "afraid to walk at night" is co-production is worse than no guess.
So a column is *selected* only when both its words and its answers fit the topic:

- co-production: a how-often or yes/no question, every answer on a known scale, about the
  respondent doing something (recycling, volunteering, signing a petition ...), not about
  a feeling, a belief, knowledge, or what someone else (business leaders, government)
  does;
- efficacy: an agreement (or how-much-influence) question about "people like me" / "I" /
  "you personally" making a difference or having influence;
- other drivers name the council (or local services), and answer on a fitting scale;
- background questions are about the respondent, and their answers look the part
  (ages, male/female, groups); a weight must be positive numbers that vary.

Everything else that looks related is offered, unticked, "to check", with a reason.
Selected suggestions have a confidence of at least :data:`MIN_CONFIDENCE`; to-check ones
are below it. The answers are sampled from the first file that has the column (answers
repeat across waves), so the cost grows with the number of columns, not columns × files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..types import Mapping, RawTable, Suggestion
from .columns import resolve_column
from .constructs import BY_NAME, DRIVERS
from .definitions import RARE_SHARE
from .frequency import rank_frequencies
from .scales import BY_SCALE, _key_score, detect_scale, missing_reason
from .wording import (
    ACTIVITY,
    AREA_WORDS,
    COLLECTIVE,
    COUNCIL,
    DRIVER_WORDS,
    EFFICACY_ACT,
    EFFICACY_AGAINST,
    EFFICACY_SUBJECT,
    INDIVIDUAL,
    NOT_DOING,
    OTHERS_ACT,
    SINGLE_RULES,
    SOMEONE_ELSE,
    STATE,
    YOU,
)  # fmt: skip
from .words import _is_number_key, norm

MIN_CONFIDENCE = 0.5
"""Suggestions at or above this are selected (put in the draft mapping); below, "to check"."""
SAMPLE_ROWS = 5_000
"""Rows of a file looked at per column: answers repeat, so this is plenty."""
_GENDER = {"male", "female", "man", "woman", "m", "f", "men", "women"}
_KIND = {"frequency": "frequency", "agreement": "agreement", "satisfaction": "satisfaction",
         "binary": "yes-no"}  # fmt: skip


@dataclass
class Answers:
    """What a column's answers look like (from a sample)."""

    texts: list[str] = field(default_factory=list)  # distinct answer labels (not missing ones)
    numbers: list[float] = field(default_factory=list)  # distinct unlabelled numbers
    filled: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # text answer -> people (sample)
    kind: str = "empty"  # frequency, agreement, satisfaction, yes-no, scale, categories, number
    scale: str | None = None
    full: bool = False  # every answer is on the scale (or a readable how-often ladder)


def sample_answers(tables: list[RawTable], col: str) -> Answers:
    """Distinct answers of ``col`` in the first file holding it (labels for labelled codes)."""
    out = Answers()
    seen: set[str] = set()
    for t in tables:
        real = resolve_column(t, col)
        if real is None:
            continue
        labels = {norm(k): v for k, v in (t.value_labels.get(real) or {}).items() if isinstance(v, str)}
        s = t.frame[real].iloc[:SAMPLE_ROWS].dropna()
        out.filled += len(s)
        vc = pd.Series(s.to_numpy(dtype=object)).value_counts()
        n_of = {norm(v): int(c) for v, c in vc.iloc[:400].items()}
        for v in list(vc.index[:400]) + list(labels.values()):
            key = norm(v)
            lab = labels.get(key)
            text = lab if lab is not None else v
            k = norm(text)
            if not k or k in seen:
                continue
            seen.add(k)
            if missing_reason(text) is not None:
                continue
            if _is_number_key(k):
                if lab is None and float(k) >= 0:
                    out.numbers.append(float(k))
            else:
                out.texts.append(str(text))
                out.counts[str(text)] = n_of.get(key, 0) + (n_of.get(k, 0) if k != key else 0)
        if out.filled >= 50 or labels:
            break
    _fit(out)
    return out


def _fit(a: Answers) -> None:
    if a.texts:
        sc = detect_scale(a.texts)
        # Rare unrecognised answers (a typo, a stray comment) do not spoil the fit; the
        # question definition reports them. More than that and the scale is not known.
        odd = [x for x in a.texts if sc is None or _key_score(sc, x) is None]
        rare = sum(a.counts.get(x, 0) for x in odd) <= RARE_SHARE * max(a.filled, 1)
        full = sc is not None and (not odd or (rare and len(odd) < len(a.texts) / 2))
        if full and not a.numbers:
            a.kind, a.scale, a.full = _KIND.get(BY_SCALE[sc].kind, "scale"), sc, True
            return
        if not a.numbers and rank_frequencies(a.texts) is not None:
            a.kind, a.scale, a.full = "frequency", "ranked rates", True
            return
        if sc is not None and sum(_key_score(sc, x) is not None for x in a.texts) >= 2:
            a.kind, a.scale = _KIND.get(BY_SCALE[sc].kind, "scale"), sc
            return
        a.kind, a.full = "categories", True
    elif a.numbers:
        a.kind, a.full = "number", True


def service_area_of(question: str) -> str:
    """Service area of a co-production question from its words ("other" if unclear)."""
    text = norm(question)
    for area, rx in AREA_WORDS:
        if rx.search(text):
            return area
    return "other"


def construct_word(construct: str) -> str:
    """The construct's label in lower case, to sit inside a suggestion's reason."""
    return BY_NAME[construct].label.lower() if construct in BY_NAME else construct


def _looks_like_age_bands(texts: list[str]) -> bool:
    import re

    band = re.compile(r"^\d{2} ?(-|to|–) ?\d{2}$|^\d{2} ?(\+|and over|or over|and older|or older)$")
    hits = sum(1 for t in texts if band.search(" ".join(str(t).lower().split())))
    return hits >= max(2, len(texts) // 2)


def _background(col: str, label: str, text: str, a: Answers) -> list[tuple[str, float, str]]:
    out: list[tuple[str, float, str]] = []
    name_key, label_key = norm(col), norm(label)
    for construct, rx in SINGLE_RULES.items():
        hit_name = bool(rx.search(name_key))
        hit_label = bool(label_key and rx.search(label_key))
        if not (hit_name or hit_label):
            continue
        where = "the column name and question" if hit_name and hit_label else (
            "the column name" if hit_name else "the question")  # fmt: skip
        why = f"{where} {'say' if ' and ' in where else 'says'} {construct_word(construct)}"
        conf = 0.95 if hit_name and hit_label else 0.85 if hit_label else 0.75
        if construct == "weight":
            nums = a.numbers
            if not nums or a.texts or min(nums) < 0:
                continue
            if len({x for x in nums if x > 0}) < 2:
                continue  # the same for everyone: never a weight worth suggesting
            out.append((construct, conf, why + " and the answers are numbers (0 or more) that vary"))
        elif construct == "age":
            ages = sum(1 for x in a.numbers if 10 <= x <= 120)
            if a.numbers and ages >= 0.8 * len(a.numbers) and ages >= 3:
                out.append((construct, conf, why + " and the answers are ages"))
            elif a.numbers and min(a.numbers) >= 1890 and max(a.numbers) <= 2030:
                out.append((construct, conf, why + " and the answers are years of birth"))
            elif _looks_like_age_bands(a.texts):
                out.append((construct, conf, why + " and the answers are age bands"))
        elif construct == "gender":
            if {norm(x) for x in a.texts} & _GENDER:
                out.append((construct, max(conf, 0.9), why + " and the answers are male/female"))
            else:
                out.append((construct, 0.4, why + ", but the answers are not male/female: please check"))
        elif construct in ("authority", "respondent_id"):
            out.append((construct, conf, why))
        else:
            if a.kind in ("frequency", "agreement", "satisfaction"):
                continue
            if SOMEONE_ELSE.search(label_key or name_key):
                out.append((construct, 0.3, why + ", but it seems to be about someone or "
                            "something else: please check"))  # fmt: skip
                continue
            if construct == "disability" and not (YOU.search(label_key) or len(label_key.split()) <= 4):
                out.append((construct, 0.35, why + ", but not about the respondent: please check"))
                continue
            if len(a.texts) < 2 and construct != "disability":
                continue
            out.append((construct, conf - 0.05, why + " and the answers are groups"))
    return out


def _coproduction(text: str, question: str, a: Answers) -> list[tuple[str, float, str, str | None]]:
    if a.kind not in ("frequency", "yes-no") or (a.kind == "yes-no" and STATE.search(text)):
        return []
    if NOT_DOING.search(text) or OTHERS_ACT.search(text):
        return []
    col_hit, ind_hit = COLLECTIVE.search(text), INDIVIDUAL.search(text)
    scale_word = "how-often" if a.kind == "frequency" else "yes/no"
    area = service_area_of(question)
    hit = col_hit or ind_hit
    construct = "collective_coproduction" if col_hit else "individual_coproduction"
    if hit and a.full:
        base = 0.9 if a.kind == "frequency" else 0.8
        what = "acting with others" if col_hit else "something residents do themselves"
        return [(construct, base - (0.0 if col_hit else 0.05),
                 f"a {scale_word} question about {what} ('{hit.group(0)}')", area)]  # fmt: skip
    if hit:
        return [(construct, 0.45, f"a {scale_word} question about '{hit.group(0)}', but some of "
                 "its answers are not recognised: please check", area)]  # fmt: skip
    if a.kind == "frequency" and a.full and ACTIVITY.search(text):
        return [("individual_coproduction", 0.4, "a how-often question about an activity, but "
                 "the activity is not one the program recognises: please check", area)]  # fmt: skip
    return []


def _efficacy(text: str, a: Answers) -> list[tuple[str, float, str]]:
    if OTHERS_ACT.search(text) or a.kind in ("frequency", "yes-no", "number", "empty"):
        return []
    subject, act, against = EFFICACY_SUBJECT.search(text), EFFICACY_ACT.search(text), EFFICACY_AGAINST.search(text)
    if not (act or against):
        return []
    fits = a.kind in ("agreement", "scale") and a.full
    if subject and (act or against):
        what = f"'{subject.group(0)}' and '{(act or against).group(0)}'"  # type: ignore[union-attr]
        if fits:
            scale = "an agreement" if a.kind == "agreement" else "an ordered"
            return [("efficacy", 0.85, f"the question is about {what}, answered on {scale} scale")]
        return [("efficacy", 0.45, f"the question is about {what}, but its answers are not an "
                 "agreement scale the program recognises: please check")]  # fmt: skip
    if against and fits:
        return [("efficacy", 0.45, f"worded like feeling able to make a difference "
                 f"('{against.group(0)}'), but it does not say who (\"people like me\", "
                 "\"I\"): please check")]  # fmt: skip
    if act and a.kind == "agreement":
        return [("efficacy", 0.3, f"mentions '{act.group(0)}' but not who has it: please check")]
    return []


def _drivers(text: str, a: Answers) -> list[tuple[str, float, str]]:
    out = []
    for construct, (rx, want) in DRIVER_WORDS.items():
        hit = rx.search(text)
        if not hit or a.kind in ("frequency", "yes-no", "number", "empty"):
            continue
        if construct == "area_satisfaction" and DRIVER_WORDS["consultation_satisfaction"][0].search(text):
            continue
        council = construct == "area_satisfaction" or COUNCIL.search(text)
        fits = a.full and (a.kind == want or (want == "scale" and a.kind in ("scale", "agreement")))
        if council and fits:
            scale = "an ordered" if a.kind == "scale" else f"a{'n' if a.kind[0] == 'a' else ''} {a.kind}"
            out.append((construct, 0.8, f"the question mentions '{hit.group(0)}' and is answered "
                        f"on {scale} scale"))  # fmt: skip
        elif council:
            out.append((construct, 0.4, f"the question mentions '{hit.group(0)}', but its "
                        "answers do not fit: please check"))  # fmt: skip
    return out


def column_suggestions(tables: list[RawTable], col: str, question: str) -> list[Suggestion]:
    """Every plausible topic for one column, each with a confidence and a reason."""
    label = question if question != col else ""
    text = norm(f"{question} {col}" if label else col)
    a = sample_answers(tables, col)
    out = [Suggestion(c, col, round(min(conf, 1.0), 2), why) for c, conf, why in _background(col, label, text, a)]
    out += [Suggestion(c, col, round(conf, 2), why, area) for c, conf, why, area in _coproduction(text, question, a)]
    out += [Suggestion(c, col, round(conf, 2), why) for c, conf, why in _efficacy(text, a)]
    out += [Suggestion(c, col, round(conf, 2), why) for c, conf, why in _drivers(text, a)]
    return out


def suggest_mapping(tables: list[RawTable]) -> tuple[Mapping, list[Suggestion]]:
    """Propose a mapping for these files, with every suggestion's confidence and reason.

    Each column goes to at most one topic (its most confident); single-column topics
    (age, gender, council ...) take their most confident column. Only selected
    suggestions (wording and answers fit, confidence >= :data:`MIN_CONFIDENCE`) are put
    in the mapping; the rest are returned "to check". Reverse-worded driver items go in
    ``Mapping.reverse``; co-production items get a service area from their words.
    """
    from .scales import looks_reverse_worded

    columns: list[str] = []
    questions: dict[str, str] = {}
    for t in tables:
        for c in t.frame.columns:
            if c not in questions:
                columns.append(c)
                questions[c] = t.question_text(c)
    best: list[Suggestion] = []
    everything: list[Suggestion] = []
    for c in columns:
        sug = sorted(column_suggestions(tables, c, questions[c]), key=lambda s: -s.confidence)
        everything.extend(sug)
        if sug:
            best.append(sug[0])
    mapping = Mapping()
    taken: set[str] = set()
    for s in sorted(best, key=lambda s: -s.confidence):
        if s.confidence < MIN_CONFIDENCE or s.column in taken:
            continue
        if not BY_NAME[s.construct].multi and mapping.has(s.construct):
            continue
        s.selected = True
        mapping.columns.setdefault(s.construct, []).append(s.column)
        taken.add(s.column)
        if s.service_area and s.construct in ("individual_coproduction", "collective_coproduction"):
            mapping.service_areas[s.column] = s.service_area
        if s.construct in DRIVERS and looks_reverse_worded(questions[s.column]):
            mapping.reverse.append(s.column)
            s.reason += "; worded against the topic, so it will be reversed"
    order = {c: i for i, c in enumerate(columns)}
    mapping.columns = {
        k: sorted(v, key=order.__getitem__)
        for k, v in sorted(mapping.columns.items(), key=lambda kv: _construct_order(kv[0]))
    }
    mapping.reverse.sort(key=order.__getitem__)
    everything.sort(key=lambda s: (_construct_order(s.construct), -s.confidence))
    return mapping, everything


def to_check(suggestions: list[Suggestion]) -> dict[str, list[dict[str, Any]]]:
    """The unselected suggestions by topic, for the draft mapping file's "to_check"."""
    out: dict[str, list[dict[str, Any]]] = {}
    chosen = {s.column for s in suggestions if s.selected}
    for s in suggestions:
        if s.selected or s.column in chosen:
            continue
        out.setdefault(s.construct, []).append(
            {"column": s.column, "confidence": s.confidence, "why": s.reason}
        )
    return out


def _construct_order(name: str) -> int:
    return list(BY_NAME).index(name) if name in BY_NAME else len(BY_NAME)
