"""Findings: the results turned into short, ranked, plain-English statements.

Why: the brief, the window and the exports must say the same thing about the same number.
Each :class:`Finding` carries its sentence, the number it rests on (as people say it), a
strength word from a published rule of thumb (:data:`~.wording.RULE_SET`) and the evidence
(which model, which term), so the technical appendix can show where every sentence came
from. Wording is associational only ("goes with", "residents who ... are more likely"),
never causal, and weak evidence is said as "no clear link".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..core.results import AnalysisResult, ModelResult, Term
from ..core.survey.constructs import BY_NAME, DRIVERS, FORMS
from .options import BriefOptions
from .suppression import protect_level, term_hidden
from .wording import (
    cohens_h,
    d_strength,
    people_share,
    percent,
    points,
    r_strength,
    sentence_case,
    strength_rank,
)

NO_CLEAR_LINK = "no clear link"
ALPHA = 0.05

# What each form means, in everyday words.
FORM_DO: dict[str, str] = {
    "individual": "do things for themselves",
    "collective": "act with others",
}
FORM_DO_LONG: dict[str, str] = {
    "individual": "do things for themselves",
    "collective": "act with others for their area",
}
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

AGE_STEP = 10  # the brief speaks of 10-year differences (architecture.md)


@dataclass
class Finding:
    """One statement of the brief and the evidence behind it."""

    key: str  # e.g. "level:individual", "driver:collective:efficacy", "compare:age"
    kind: str  # "level", "gap", "driver", "control", "compare"
    statement: str  # one plain-English sentence
    number: str  # the number as said ("18 percentage points", "24%")
    value: float | None  # the raw number behind ``number`` (same units)
    strength: str  # Cohen word, "no clear link", or "" for a plain level
    clear: bool
    evidence: str  # model and term, for the appendix
    model: str | None = None
    term: str | None = None
    form: str | None = None
    score: float = 0.0  # ranking key, higher first

    @property
    def driver(self) -> str | None:
        """The construct the finding is about ('efficacy', 'age', ...), if any."""
        return self.term.partition("=")[0] if self.term else None


def is_clear(term: Term) -> bool:
    """A link is clear when its 95% interval excludes zero and p < 0.05."""
    vals = (term.estimate, term.ci_low, term.ci_high, term.p_value)
    if not all(v is not None and math.isfinite(v) for v in vals):
        return False
    return term.p_value < ALPHA and (term.ci_low > 0 or term.ci_high < 0)


def _usable(model: ModelResult | None, options: BriefOptions) -> bool:
    return model is not None and model.ok and model.n >= options.min_base and bool(model.terms)


def _evidence(model_name: str, term_name: str, t: Term, unit: str) -> str:
    p = "p < 0.001" if t.p_value < 0.001 else f"p = {t.p_value:.3f}"
    return (
        f"model '{model_name}', term '{term_name}': estimate {t.estimate:.2f} {unit} "
        f"(95% CI {t.ci_low:.2f} to {t.ci_high:.2f}; {p})"
    )


def driver_phrase(name: str) -> str:
    """Short everyday name of a driver or control."""
    if name in DRIVER_WORDS:
        return DRIVER_WORDS[name][2]
    if name == "age":
        return "age"
    return BY_NAME[name].label.lower() if name in BY_NAME else name.replace("_", " ")


def _level_findings(result: AnalysisResult, options: BriefOptions) -> list[Finding]:
    out: list[Finding] = []
    shown: dict[str, float] = {}
    for i, form in enumerate(FORMS):
        prot = protect_level(result.levels.get(form), options)
        if prot is None or not prot.shown or prot.level is None or prot.level.percent is None:
            continue
        lv = prot.level
        shown[form] = lv.percent
        out.append(
            Finding(
                key=f"level:{form}",
                kind="level",
                statement=(
                    f"{sentence_case(people_share(lv.percent))} regularly {FORM_DO_LONG[form]}, "
                    f"{FORM_EXAMPLES[form]}."
                ),
                number=percent(lv.percent),
                value=lv.percent,
                strength="",
                clear=True,
                evidence=(
                    f"levels['{form}']: {lv.percent:.1f}% (95% interval {lv.ci_low:.1f} to "
                    f"{lv.ci_high:.1f}), base {lv.base}"
                    if lv.ci_low is not None and lv.ci_high is not None
                    else f"levels['{form}']: {lv.percent:.1f}%, base {lv.base}"
                ),
                form=form,
                score=100 - i,
            )
        )
    if len(shown) == 2:
        ind, col = shown["individual"], shown["collective"]
        gap = ind - col
        h = cohens_h(ind, col)
        li, lc = result.levels["individual"], result.levels["collective"]
        overlap = not (
            None not in (li.ci_low, li.ci_high, lc.ci_low, lc.ci_high)
            and (li.ci_low > lc.ci_high or lc.ci_low > li.ci_high)
        )
        clear = not overlap and abs(gap) >= 0.5
        if not clear:
            statement = (
                "About as many residents act with others as do things for themselves "
                f"(a gap of {points(gap)})."
            )
        elif gap > 0:
            statement = (
                "More residents do things for themselves than act with others: "
                f"a gap of {points(gap)}."
            )
        else:
            statement = (
                "More residents act with others than do things for themselves: "
                f"a gap of {points(gap)}."
            )
        out.append(
            Finding(
                key="gap:levels",
                kind="gap",
                statement=statement,
                number=points(gap),
                value=gap,
                strength=d_strength(h) if clear else NO_CLEAR_LINK,
                clear=clear,
                evidence=(
                    f"levels: individual {ind:.1f}% minus collective {col:.1f}% = {gap:.1f} "
                    f"percentage points; Cohen's h = {h:.2f}; 95% intervals "
                    + ("overlap" if overlap else "do not overlap")
                ),
                score=90,
            )
        )
    return out


def pp_h(level: float, gap: float) -> float:
    """Cohen's h of a percentage-point gap centred on the observed level (clipped to 0–100)."""
    lo = min(max(level - gap / 2, 0.0), 100.0)
    hi = min(max(level + gap / 2, 0.0), 100.0)
    return cohens_h(hi, lo)


def _driver_statement(name: str, form: str, number: str, up: bool, pp: bool) -> str:
    act = FORM_DO[form]
    if name in DRIVER_WORDS:
        most, least, _ = DRIVER_WORDS[name]
        if pp:
            return (
                f"Residents who {most} are {number} {'more' if up else 'less'} likely to "
                f"{act} than those who {least}."
            )
        return (
            f"Residents who {most} score {number} {'higher' if up else 'lower'} on "
            f"{FORM_NOUN[form]} than those who {least}."
        )
    if name == "age":
        who = "Older" if up else "Younger"
        if pp:
            return f"{who} residents are more likely to {act}: {number} for every {AGE_STEP} years."
        return f"{who} residents score higher on {FORM_NOUN[form]}: {number} for every {AGE_STEP} years."
    return f"{sentence_case(driver_phrase(name))} goes with {'more' if up else 'less'} {FORM_NOUN[form]} ({number})."


def _group_words(construct: str, level: str) -> str:
    """'Female residents' for gender; "Residents in the 'Renting' group" otherwise."""
    if construct == "gender":
        return f"{level} residents"
    return f"Residents in the '{level}' {driver_phrase(construct)} group"


def _driver_findings(result: AnalysisResult, options: BriefOptions) -> list[Finding]:
    out: list[Finding] = []
    for form in FORMS:
        model = result.models.get(form)
        if not _usable(model, options):
            continue
        assert model is not None
        part = result.participation.get(form)
        part_ok = _usable(part, options)
        sd_y = (result.indices.get(form).sd if result.indices.get(form) else None) or None
        for name, t in model.terms.items():
            if (
                name == "const"
                or name.startswith("authority=")
                or term_hidden(name, result, options)
            ):
                continue
            base = name.partition("=")[0]
            categorical = "=" in name
            if not categorical and base not in DRIVERS and base != "age":
                continue
            clear = is_clear(t)
            scale = AGE_STEP if base == "age" else 1.0
            if categorical:
                std = t.estimate / sd_y if sd_y else None
                strength = d_strength(std)
            else:
                std = t.std_estimate
                strength = r_strength(std)
            # The number: percentage points from the participation model when it agrees.
            pt = part.terms.get(name) if part_ok and part is not None else None
            use_pp = (
                pt is not None
                and not categorical
                and is_clear(pt)
                and math.copysign(1, pt.estimate) == math.copysign(1, t.estimate)
            )
            if use_pp and pt is not None:
                value = pt.estimate * scale
                number = points(value)
                level = result.levels.get(form)
                if level is not None and level.percent is not None:
                    # Cohen's h between the shares expected at either end, centred on the level.
                    std = pp_h(level.percent, value)
                    strength = d_strength(std)
            else:
                value = t.estimate * scale
                number = points(value, "points")
            up = t.estimate > 0
            if categorical:
                ref = model.reference_levels.get(base, "the reference group")
                level = name.partition("=")[2]
                statement = (
                    f"{_group_words(base, level)} score {number} "
                    f"{'higher' if up else 'lower'} on {FORM_NOUN[form]} than "
                    f"{f'{ref} residents' if base == 'gender' else f'those in the {ref!r} group'}."
                    if clear
                    else f"There is no clear link between {driver_phrase(base)} ('{level}' "
                    f"against '{ref}') and {FORM_NOUN[form]}."
                )
            elif clear:
                statement = _driver_statement(base, form, number, up, use_pp)
            else:
                statement = (
                    f"There is no clear link between {driver_phrase(base)} and {FORM_NOUN[form]}."
                )
            evidence = _evidence(form, name, t, "index points")
            if use_pp and pt is not None:
                evidence += "; " + _evidence(f"participation:{form}", name, pt, "percentage points")
            std_abs = abs(std) if std is not None and math.isfinite(std) else 0.0
            out.append(
                Finding(
                    key=f"{'control' if categorical else 'driver'}:{form}:{name}",
                    kind="control" if categorical else "driver",
                    statement=statement,
                    number=number,
                    value=value,
                    strength=strength if clear else NO_CLEAR_LINK,
                    clear=clear,
                    evidence=evidence,
                    model=form,
                    term=name,
                    form=form,
                    score=(
                        (10 * strength_rank(strength) + std_abs + (5 if not categorical else 0))
                        if clear
                        else std_abs / 10
                    ),
                )
            )
    return out


def _compare_findings(result: AnalysisResult, options: BriefOptions) -> list[Finding]:
    out: list[Finding] = []
    models_ok = all(_usable(result.models.get(f), options) for f in FORMS)
    if not models_ok:
        return out
    sds = [result.indices[f].sd for f in FORMS if f in result.indices]
    pooled = (
        math.sqrt(sum(s * s for s in sds) / len(sds))
        if len(sds) == 2 and all(s is not None and s > 0 for s in sds)
        else None
    )
    for name, c in result.comparison.items():
        base = name.partition("=")[0]
        if "=" in name or (base not in DRIVERS and base != "age"):
            continue
        scale = AGE_STEP if base == "age" else 1.0
        diff = c.difference * scale
        finite = all(math.isfinite(v) for v in (c.difference, c.p_value, c.ci_low, c.ci_high))
        clear = finite and c.p_value < ALPHA and (c.ci_low > 0 or c.ci_high < 0)
        d = c.difference / pooled if pooled else None
        phrase = driver_phrase(base)
        if clear:
            stronger, weaker = (
                ("acting with others", "doing things for themselves")
                if diff > 0
                else ("doing things for themselves", "acting with others")
            )
            if base == "age":
                statement = (
                    f"Age goes with {stronger} more than with {weaker}: a difference of "
                    f"{points(diff, 'points')} on the 0 to 100 scores for every {AGE_STEP} years."
                )
            else:
                statement = (
                    f"{sentence_case(phrase)} goes with {stronger} more than with {weaker}: "
                    f"a difference of {points(diff, 'points')} on the 0 to 100 scores."
                )
        else:
            statement = (
                f"{sentence_case(phrase)} goes with both forms to a similar degree "
                "(no clear difference)."
            )
        p = "p < 0.001" if c.p_value < 0.001 else f"p = {c.p_value:.3f}"
        out.append(
            Finding(
                key=f"compare:{name}",
                kind="compare",
                statement=statement,
                number=points(diff, "points"),
                value=diff,
                strength=d_strength(d) if clear else NO_CLEAR_LINK,
                clear=clear,
                evidence=(
                    f"comparison['{name}']: collective {c.collective:.2f} minus individual "
                    f"{c.individual:.2f} = {c.difference:.2f} index points (95% CI "
                    f"{c.ci_low:.2f} to {c.ci_high:.2f}; {p})"
                ),
                model="comparison",
                term=name,
                score=(10 * strength_rank(d_strength(d)) + abs(d or 0)) if clear else 0.0,
            )
        )
    return out


def build_findings(result: AnalysisResult, options: BriefOptions | None = None) -> list[Finding]:
    """All findings, ranked: levels first, then clear links by strength, then the rest."""
    options = options or BriefOptions()
    found = [
        *_level_findings(result, options),
        *_driver_findings(result, options),
        *_compare_findings(result, options),
    ]
    return sorted(found, key=lambda f: (-f.score, f.key))
