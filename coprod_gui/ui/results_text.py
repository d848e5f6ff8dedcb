"""The Results tab's words and cells: model notes, level cells, numbers as shown.

Why apart from :mod:`.results_tab`: these are pure functions of the result and the brief
options (no widgets), worded by the report layer (``report.suppression``,
``report.wording``) so the window says what the brief says.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

FORM_LABEL = {"individual": "Individual co-production", "collective": "Collective co-production"}

if TYPE_CHECKING:
    from ..core.results import AnalysisResult
    from ..report.options import BriefOptions


def diagnostics_html(result: AnalysisResult, options: BriefOptions) -> str:
    """Notes on each model (who was used, why others dropped, any problem), plainly;
    a note about a group too small to show does not name it (as in the brief)."""
    from ..report.suppression import diagnostic_message

    esc = html.escape
    parts = ["<h4>Notes on these results</h4>"]
    for group, models in (("Index model", result.models), ("Taking part", result.participation)):
        for form, model in models.items():
            title = f"{group}, {FORM_LABEL.get(form, form).lower()}"
            explained = any("left out" in d.message for d in model.diagnostics)
            lines = [] if explained else [f"{model.n:,} of {model.n_in_data:,} residents used."]
            if not explained:
                lines += [f"{n:,} left out: {esc(why)}." for why, n in model.dropped.items() if n]
            if not model.ok:
                lines.append("<b>This model could not be fitted.</b>")
            lines += [
                f"{'⚠ ' if d.severity != 'info' else ''}"
                f"{esc(diagnostic_message(d, result, options))}"
                for d in model.diagnostics
            ]
            parts.append(f"<p><b>{esc(title)}</b> ({esc(model.method)})<br>" + "<br>".join(lines))
    general = [esc(w) for w in result.warnings] + [
        esc(diagnostic_message(d, result, options)) for d in result.diagnostics
    ]
    if general:
        parts.append("<p><b>General</b><br>" + "<br>".join(general) + "</p>")
    return "\n".join(parts)


def num_text(value: float | None) -> str:
    """Two decimals, or a dash for a number the model could not give."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.2f}"


def plain_level(prot: Any, options: BriefOptions) -> str:
    """A group's level as the brief words it ("42% (about 2 in 5)"), or why not shown."""
    if prot is None:
        return "–"
    if prot.level is None or prot.level.percent is None:
        return "not shown"
    from ..report.wording import one_in, percent

    pct = prot.level.percent
    text = f"{percent(pct)} ({one_in(pct)})"
    return text + (" – caution" if prot.status == "caution" else "")


def base_words(prot: Any, options: BriefOptions) -> str:
    """How many residents a level rests on, with the small-group rule applied."""
    from ..report.suppression import base_text

    return base_text(prot.base, prot.status, options)


def level_cells(prot: Any, options: BriefOptions) -> list[str]:
    """The technical levels table's cells: percent, interval, base, effective base, note."""
    from ..report.suppression import base_text, effective_text, status_note
    from ..report.wording import percent

    if prot is None:
        return ["–", "–", "–", "–", ""]
    lv = prot.level
    if lv is None or lv.percent is None:
        pct, ci = "not shown", "not shown"
    else:
        pct = percent(lv.percent, decimals=1)
        ci = f"{num_text(lv.ci_low)} to {num_text(lv.ci_high)}"
    return [
        pct,
        ci,
        base_text(prot.base, prot.status, options),
        effective_text(prot.effective_base, prot.status),
        status_note(prot.status, options),
    ]
