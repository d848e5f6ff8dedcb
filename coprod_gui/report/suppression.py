"""Small-group protection: which figures may be shown, which carry a caution.

Why: a percentage resting on 7 people can identify them (UK secure research settings use a
threshold of 10, shared reliability.md §3). Every output (text, tables, charts, Excel)
asks this module before printing a figure about a group, so the rule is applied once.

- A group whose unweighted base is under ``min_base`` is *suppressed*: none of its
  figures are shown, and its base is given only as "fewer than 10".
- Secondary suppression: when the overall figure and the other groups' figures are
  shown, one hidden group could be worked out by subtraction. So within a grouping the
  next smallest groups are hidden too, until at least two groups are hidden and together
  they hold at least ``min_base`` respondents.
- A base (unweighted or effective) under ``caution_base`` carries a caution.
- A model term about a category (a council, a control's answer) that fewer than
  ``min_base`` respondents gave is left out of every table (``term_hidden``); the sizes
  come from ``levels_by`` and from each model's ``level_counts``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from ..core.privacy import ANOTHER_ANSWER
from ..core.results import AnalysisResult, Diagnostic, Level
from ..core.survey.constructs import label
from .options import BriefOptions
from .wording import whole

Status = Literal["shown", "caution", "suppressed", "secondary"]

HIDDEN: frozenset[str] = frozenset({"suppressed", "secondary"})


@dataclass
class Protected:
    """A group's level after protection; ``level`` is None when it must not be shown."""

    name: str
    status: Status
    level: Level | None
    base: int
    effective_base: float | None

    @property
    def shown(self) -> bool:
        return self.status not in HIDDEN


def status_of(base: int, effective_base: float | None, options: BriefOptions) -> Status:
    """Primary rule for one figure: suppressed, caution or shown."""
    if base < options.min_base:
        return "suppressed"
    eff = effective_base if effective_base is not None and math.isfinite(effective_base) else base
    if base < options.caution_base or eff < options.caution_base:
        return "caution"
    return "shown"


def protect_counts(
    bases: dict[str, int], options: BriefOptions, effective: dict[str, float | None] | None = None
) -> dict[str, Status]:
    """Primary and secondary suppression over the groups of one grouping."""
    effective = effective or {}
    status: dict[str, Status] = {
        g: status_of(b, effective.get(g), options) for g, b in bases.items()
    }
    return _add_secondary(bases, status, options)


def _add_secondary(
    bases: dict[str, int], status: dict[str, Status], options: BriefOptions
) -> dict[str, Status]:
    """Hide the next smallest groups until the hidden ones cannot be worked out."""
    hidden = [g for g, s in status.items() if s in HIDDEN]
    if not hidden:
        return status
    while len(hidden) < 2 or sum(bases[g] for g in hidden) < options.min_base:
        remaining = sorted((b, g) for g, b in bases.items() if g not in hidden)
        if not remaining:
            break
        _, smallest = remaining[0]
        status[smallest] = "secondary"
        hidden.append(smallest)
    return status


def council_status(result: AnalysisResult, options: BriefOptions) -> dict[str, Status]:
    """Which councils may be named with figures, from their respondent counts."""
    return protect_counts(dict(result.authorities), options)


def protect_groups(
    groups: dict[str, Level],
    options: BriefOptions,
    forced: dict[str, Status] | None = None,
) -> dict[str, Protected]:
    """Protect the levels of one grouping (e.g. councils for one form).

    ``forced`` carries statuses decided elsewhere (the councils hidden from their
    respondent counts) so a council hidden in one table is hidden in all of them.
    """
    bases = {g: int(lv.base) for g, lv in groups.items()}
    eff = {g: lv.effective_base for g, lv in groups.items()}
    status = protect_counts(bases, options, eff)
    for g, s in (forced or {}).items():
        if g in status and s in HIDDEN and status[g] not in HIDDEN:
            status[g] = s
    status = _add_secondary(bases, status, options)
    return {
        g: Protected(
            g,
            status[g],
            None if status[g] in HIDDEN else lv,
            int(lv.base),
            lv.effective_base,
        )
        for g, lv in groups.items()
    }


def hidden_name(taken: object) -> str:
    """The printed name of the hidden groups of a grouping (or of a hidden category):
    "Another answer", unless a shown group is already called that (a merged group of
    personal-looking answers, core.privacy)."""
    return ANOTHER_ANSWER if ANOTHER_ANSWER not in taken else f"{ANOTHER_ANSWER} (not shown)"  # type: ignore[operator]


def printed_groups(by: dict[str, Protected]) -> dict[str, Protected]:
    """Groups as an export prints them: the shown ones by name, the hidden ones as one
    "Another answer" row, because a small group's label can be a resident's own words
    (issue 12: a name typed under gender) and naming it says a few people gave it."""
    shown = {g: p for g, p in by.items() if p.shown}
    hidden = [p for p in by.values() if not p.shown]
    if not hidden:
        return shown
    name = hidden_name(shown)
    status: Status = hidden[0].status if len(hidden) == 1 else "secondary"
    shown[name] = Protected(name, status, None, sum(p.base for p in hidden), None)
    return shown


def _rename_hidden_terms(entries: dict[str, Any], hidden: Any, value: Any = None) -> dict[str, Any]:
    """``entries`` keyed by term, with each hidden term's key printed as
    ``<construct>=Another answer`` (its entry replaced by ``value(entry)``)."""
    out: dict[str, Any] = {}
    renamed: dict[str, Any] = {}
    for term, entry in entries.items():
        if hidden(term):
            var, _, _ = term.partition("=")
            renamed.setdefault(var, value(entry) if value else None)
        else:
            out[term] = entry
    for var, entry in renamed.items():
        shown_levels = {t.partition("=")[2] for t in out if t.startswith(f"{var}=")}
        out[f"{var}={hidden_name(shown_levels)}"] = entry
    return out


def protected_by(
    result: AnalysisResult, grouping: str, form: str, options: BriefOptions
) -> dict[str, Protected]:
    """Levels of ``form`` by ``grouping`` ('authority', 'age_band', 'gender', ...), protected."""
    groups = result.levels_by.get(grouping, {}).get(form, {})
    forced = council_status(result, options) if grouping == "authority" else None
    return protect_groups(groups, options, forced)


def protect_level(level: Level | None, options: BriefOptions) -> Protected | None:
    """An overall level (all residents, or one item)."""
    if level is None:
        return None
    s = status_of(int(level.base), level.effective_base, options)
    return Protected("", s, None if s in HIDDEN else level, int(level.base), level.effective_base)


def hidden_councils(result: AnalysisResult, options: BriefOptions) -> set[str]:
    """Councils whose figures (levels, council effects, counts) are never shown."""
    return {g for g, s in council_status(result, options).items() if s in HIDDEN}


def term_hidden(term: str, result: AnalysisResult, options: BriefOptions) -> bool:
    """A model term resting on a small group: a hidden council's effect, or a category
    (e.g. a gender answer) that fewer than ``min_base`` respondents gave.

    Category sizes come from ``levels_by`` (the groupings the levels are reported by)
    and from the models' ``level_counts`` (every control level in the respondents each
    model used). A term small in any model is hidden in every table, so one table cannot
    show what another hides. Results without ``level_counts`` (older ones) rely on
    ``levels_by`` alone. Hiding the term itself is enough: a model estimate is a
    comparison with the reference group and cannot be worked out from the other terms.
    """
    construct, _, level = term.partition("=")
    if not level:
        return False
    if construct == "authority" and level in hidden_councils(result, options):
        return True
    if construct != "authority":
        for groups in result.levels_by.get(construct, {}).values():
            lv = groups.get(level)
            if lv is not None and int(lv.base) < options.min_base:
                return True
    return any(n < options.min_base for n in _model_counts(term, result))


def _model_counts(term: str, result: AnalysisResult) -> list[int]:
    """Respondents with the level ``term`` in each model that recorded it."""
    counts = []
    for key in ("models", "participation", "robustness"):
        for model in getattr(result, key).values():
            n = (getattr(model, "level_counts", None) or {}).get(term)
            if n is not None:
                counts.append(int(n))
    return counts


def hidden_terms_note(terms: list[str], options: BriefOptions) -> str:
    """The note under a model table for the terms it leaves out, e.g. "2 council effects
    and 1 category estimate not shown (fewer than 10 respondents, or to protect a smaller
    council)." The terms are not named: naming a category would say that a handful of
    people gave that answer."""
    councils = sum(t.startswith("authority=") for t in terms)
    categories = len(terms) - councils
    parts = []
    if councils:
        parts.append(f"{councils} council effect{'s' if councils > 1 else ''}")
    if categories:
        parts.append(f"{categories} category estimate{'s' if categories > 1 else ''}")
    why = f"fewer than {options.min_base} respondents"
    if councils:
        why += ", or to protect a smaller council"
    return f"{' and '.join(parts)} not shown ({why})."


def _protected_level_counts(counts: dict[str, int], options: BriefOptions) -> dict[str, int | None]:
    """A model's level counts as published: small levels (and, by the usual secondary rule,
    enough others that they cannot be found by subtracting from the model's total) null."""
    by_var: dict[str, dict[str, int]] = {}
    for term, n in counts.items():
        var, _, level = term.partition("=")
        by_var.setdefault(var, {})[level] = int(n)
    out: dict[str, int | None] = {}
    for var, levels in by_var.items():
        status = protect_counts(levels, options)
        for level, n in levels.items():
            out[f"{var}={level}"] = None if status[level] in HIDDEN else n
    return out


def diagnostic_hidden(d: Diagnostic, result: AnalysisResult, options: BriefOptions) -> bool:
    """A note about one group (a council, a category) of fewer than ``min_base`` people."""
    small = d.count is not None and d.count < options.min_base
    return bool(d.term and "=" in d.term and (small or term_hidden(d.term, result, options)))


def diagnostic_message(d: Diagnostic, result: AnalysisResult, options: BriefOptions) -> str:
    """A model note as printed: one about a hidden group (e.g. "No one in <a council of 3>
    does ...") would give away that group's figure, so it says only that a small group
    was left out."""
    if diagnostic_hidden(d, result, options):
        return (
            f"One small {label(d.term.partition('=')[0]).lower()} group (fewer than "
            f"{options.min_base} respondents) could not be estimated, so it was left out of "
            "this model."
        )
    return d.message


def protect_file_rows(result: AnalysisResult, options: BriefOptions) -> dict[str, str]:
    """Rows read per file, as printed: a file is often one council, so small ones hide."""
    rows = dict(result.quality.rows_per_file)
    status = (
        protect_counts(rows, options)
        if len(rows) > 1
        else {f: ("suppressed" if n < options.min_base else "shown") for f, n in rows.items()}
    )
    return {f: base_text(n, status[f], options) for f, n in rows.items()}


def base_text(base: int, status: Status, options: BriefOptions) -> str:
    """The base as printed: '420', or 'fewer than 10' / 'not shown' for hidden groups."""
    if status == "suppressed":
        return f"fewer than {options.min_base}"
    if status == "secondary":
        return "not shown"
    return whole(base)


def effective_text(effective_base: float | None, status: Status, base: int | None = None) -> str:
    """The effective base as printed; without weights it equals the unweighted base."""
    if status in HIDDEN:
        return "not shown"
    if effective_base is None or not math.isfinite(effective_base):
        return whole(base) if base is not None else "–"
    return whole(effective_base)


def status_note(status: Status, options: BriefOptions) -> str:
    """Plain words for a status, short enough for a table cell."""
    if status == "suppressed":
        return f"Not shown: under {options.min_base} answers"
    if status == "secondary":
        return "Not shown: protects a smaller group"
    if status == "caution":
        return f"Treat with caution: under {options.caution_base} answers"
    return ""


def _withheld(entry: dict[str, Any]) -> dict[str, Any]:
    """A figure's entry with every number replaced by null, marked as withheld."""
    return {**{k: None for k in entry}, "suppressed": True}


def protected_results(result: AnalysisResult, options: BriefOptions) -> dict[str, Any]:
    """The ``coprod-results/1`` document with every figure the brief hides set to null.

    results.json is written beside the brief and shared like it, so the same rule holds:
    a small (or secondarily hidden) group keeps its name but its figures and base become
    null with ``"suppressed": true``; hidden councils' counts and effects, small model
    categories (and their respondent counts) and small files' row counts likewise.
    ``AnalysisResult.to_dict`` stays the unprotected document for in-memory use.
    """
    doc = result.to_dict()
    hidden = hidden_councils(result, options)
    doc["authorities"] = {a: n for a, n in doc["authorities"].items() if a not in hidden}
    if hidden:
        doc["authorities"][hidden_name(doc["authorities"])] = None
    for form, level in result.levels.items():
        protected = protect_level(level, options)
        if protected is not None and not protected.shown:
            doc["levels"][form] = _withheld(doc["levels"][form])
            if form in doc["indices"]:  # the brief hides the index with its level
                doc["indices"][form] = _withheld(doc["indices"][form])
    for i, item in enumerate(result.item_levels):
        protected = protect_level(item, options)
        if protected is not None and not protected.shown:
            entry = doc["item_levels"][i]
            kept = {k: entry[k] for k in ("column", "question", "form", "area")}
            doc["item_levels"][i] = {**_withheld(entry), **kept}
    for grouping, forms in result.levels_by.items():
        for form in forms:
            entries = doc["levels_by"][grouping][form]
            by = printed_groups(protected_by(result, grouping, form, options))
            doc["levels_by"][grouping][form] = {
                g: entries[g] if p.shown else _withheld(next(iter(entries.values())))
                for g, p in by.items()
            }

    def hidden_term(term: str) -> bool:
        return term_hidden(term, result, options)

    for key in ("models", "participation", "robustness"):
        for name, model in doc[key].items():
            model["terms"] = _rename_hidden_terms(model["terms"], hidden_term, _withheld)
            counts = getattr(getattr(result, key)[name], "level_counts", None) or {}
            if counts:
                protected = _protected_level_counts(counts, options)
                model["level_counts"] = _rename_hidden_terms(protected, hidden_term)
    doc["comparison"] = _rename_hidden_terms(doc["comparison"], hidden_term, _withheld)
    if "units" in doc:  # a hidden level's name is not printed in the units either
        doc["units"]["terms"] = _rename_hidden_terms(
            doc["units"]["terms"], hidden_term, lambda _e: "a group too small to show"
        )
    notes = [(d, doc["diagnostics"][i]) for i, d in enumerate(result.diagnostics)]
    for key in ("models", "participation", "robustness"):
        for name, model in getattr(result, key).items():
            notes += [
                (d, doc[key][name]["diagnostics"][i]) for i, d in enumerate(model.diagnostics)
            ]
    for d, entry in notes:
        if diagnostic_hidden(d, result, options):
            entry.update(message=diagnostic_message(d, result, options), term=None, count=None)
    rows = doc["quality"]["rows_per_file"]
    for name, text in protect_file_rows(result, options).items():
        if text != whole(rows[name]):
            rows[name] = None
    doc["min_base"] = options.min_base
    return doc
