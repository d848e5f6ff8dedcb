"""The three charts of the brief, drawn on a given matplotlib ``Figure`` (never pyplot).

Why one module for the window and the exports: the Report tab hands in the Figure of its
FigureCanvasQTAgg, the Word writer a plain Figure it saves as a 200 dpi PNG; both get the
same picture and the same alt text (each ``draw_*`` returns the text describing it).

Colours are from the Okabe–Ito palette (safe for the common colour-vision deficiencies)
and each form also has its own marker, so the charts read in grey print too. Small groups
are left out by :mod:`.suppression`, and the alt text says so without naming figures.
"""

from __future__ import annotations

import functools
import io
import math
import textwrap
from collections.abc import Callable
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from ..core.results import AnalysisResult, Level
from ..core.survey.constructs import FORMS
from .findings import FORM_NOUN, age_label, driver_phrase, how_often, links, strong
from .options import BriefOptions
from .suppression import protect_level, protected_by
from .wording import percent, sentence_case

PALETTE: dict[str, str] = {"individual": "#0072B2", "collective": "#D55E00"}  # Okabe–Ito
MARKERS: dict[str, str] = {"individual": "o", "collective": "s"}
FORM_LABEL: dict[str, str] = {
    "individual": "Doing things for themselves",
    "collective": "Acting with others",
}
FONT_SIZE = 10
PNG_DPI = 200

DrawFn = Callable[[Figure, AnalysisResult, BriefOptions | None], str]


def _plain_text(draw: Callable[..., str]) -> Callable[..., str]:
    """Draw with mathtext off: every text on a chart (a council name with a ``$`` in it)
    is shown as written, never parsed as a formula (which raised ValueError)."""

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        with matplotlib.rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return wrapper


def _style(ax: Any) -> None:
    ax.tick_params(labelsize=FONT_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)


def _message(fig: Figure, text: str) -> None:
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=FONT_SIZE + 1, wrap=True)


# --------------------------------------------------------------------------- levels


def levels_rows(
    result: AnalysisResult,
    options: BriefOptions,
    grouping: str = "authority",
    only: str | None = None,
) -> tuple[list[str], dict[str, list[Level | None]], list[str]]:
    """Rows of the levels chart: all residents, then each group of ``grouping`` that may be
    shown (councils by default; the window's "Break down by" passes age band or gender),
    or just the group ``only`` when one is chosen."""
    labels = ["All residents"]
    values: dict[str, list[Level | None]] = {}
    for form in FORMS:
        prot = protect_level(result.levels.get(form), options)
        values[form] = [prot.level if prot is not None else None]
    notes: list[str] = []
    by_grouping = result.levels_by.get(grouping, {})
    groups: list[str] = []
    for form in FORMS:
        groups += [g for g in by_grouping.get(form, {}) if g not in groups]
    if only is not None:
        groups = [g for g in groups if g == only]
    several = len(result.authorities) > 1 if grouping == "authority" else bool(groups)
    if several and groups:
        by = {form: protected_by(result, grouping, form, options) for form in FORMS}
        hidden = 0
        for group in groups:
            shown = [by[f].get(group) for f in FORMS]
            if not any(p is not None and p.shown for p in shown):
                hidden += 1
                continue
            caution = any(p is not None and p.status == "caution" for p in shown)
            labels.append(str(group) + (" *" if caution else ""))
            for f, p in zip(FORMS, shown, strict=True):
                values[f].append(p.level if p is not None and p.shown else None)
        if hidden:
            noun = "council" if grouping == "authority" else "group"
            notes.append(
                f"{hidden} {noun}{'s are' if hidden > 1 else ' is'} not shown to protect "
                "small groups."
            )
        if any(lab.endswith(" *") for lab in labels):
            notes.append(f"* fewer than {options.caution_base} answers: treat with caution.")
    return labels, values, notes


def _form_errorbar(
    ax: Any,
    form: str,
    xs: list[float],
    ys: list[float],
    lo: list[float],
    hi: list[float],
) -> None:
    """One form's points with 95% ranges, in that form's colour and marker (every chart)."""
    lo = [max(v, 0.0) for v in lo]  # rounding can put a point a hair outside its range
    hi = [max(v, 0.0) for v in hi]
    ax.errorbar(
        xs,
        ys,
        xerr=[lo, hi],
        fmt=MARKERS[form],
        color=PALETTE[form],
        ecolor=PALETTE[form],
        elinewidth=1.5,
        capsize=3,
        markersize=7,
        label=FORM_LABEL[form],
    )


FORM_OFFSET: dict[str, float] = {"individual": 0.17, "collective": -0.17}
"""Vertical shift of each form's marker within a row, shared by the row charts."""


@_plain_text
def draw_levels(
    fig: Figure,
    result: AnalysisResult,
    options: BriefOptions | None = None,
    grouping: str = "authority",
    only: str | None = None,
) -> str:
    """Share doing at least one activity regularly, by form and council (or the
    ``grouping`` given), with 95% intervals."""
    options = options or BriefOptions()
    fig.clear()
    labels, values, notes = levels_rows(result, options, grouping, only)
    if all(v is None for f in FORMS for v in values[f]):
        _message(fig, "No levels can be shown for this survey.")
        return "Chart of co-production levels: no figures can be shown for this survey."
    ax = fig.add_subplot()
    _style(ax)
    n = len(labels)
    offsets = FORM_OFFSET
    for form in FORMS:
        ys, xs, lo, hi = [], [], [], []
        for i, lv in enumerate(values[form]):
            if lv is None or lv.percent is None:
                continue
            ys.append(n - 1 - i + offsets[form])
            xs.append(lv.percent)
            lo.append(lv.percent - (lv.ci_low if lv.ci_low is not None else lv.percent))
            hi.append((lv.ci_high if lv.ci_high is not None else lv.percent) - lv.percent)
        _form_errorbar(ax, form, xs, ys, lo, hi)
        for x, y, h in zip(xs, ys, hi, strict=True):
            ax.annotate(
                percent(x),
                (x + h, y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=FONT_SIZE - 1,
                color="#333333",
            )
    ax.set_yticks(range(n), list(reversed(labels)), fontsize=FONT_SIZE)
    ax.set_xlim(0, 105)
    ax.set_ylim(-0.7, n - 0.3)
    xlabel = f"% taking part {how_often(result.threshold)} (line: 95% range)"
    ax.set_xlabel("\n".join([xlabel, *notes]), fontsize=FONT_SIZE)
    fig.legend(loc="outside upper center", ncol=2, frameon=False, fontsize=FONT_SIZE)
    fig.set_layout_engine("constrained")
    return levels_alt(result, options, grouping, only)


def levels_alt(
    result: AnalysisResult,
    options: BriefOptions,
    grouping: str = "authority",
    only: str | None = None,
) -> str:
    labels, values, notes = levels_rows(result, options, grouping, only)
    parts = []
    for i, lab in enumerate(labels):
        bits = [
            f"{FORM_LABEL[f].lower()} {percent(values[f][i].percent)}"  # type: ignore[union-attr]
            for f in FORMS
            if values[f][i] is not None and values[f][i].percent is not None  # type: ignore[union-attr]
        ]
        if bits:
            parts.append(f"{lab.rstrip(' *')}: {', '.join(bits)}")
    text = (
        "Dot chart of the share of residents who take part in at least one activity, "
        "for each form of co-production, with 95% ranges. " + "; ".join(parts) + "."
    )
    return text + (" " + " ".join(notes) if notes else "")


# --------------------------------------------------------------------------- drivers


def driver_rows(
    result: AnalysisResult, options: BriefOptions
) -> list[tuple[str, str, dict[str, tuple[float, float, float, bool] | None]]]:
    """(term, label, form -> (points, low, high, clear and meaningful)) for drivers and age:
    the same percentage-point gaps the text states (findings.links)."""
    per_term = links(result, options)
    rows = []
    for name in [*result.drivers, "age"]:
        per = per_term.get(name)
        if not per:
            continue
        label = age_label(result) if name == "age" else sentence_case(driver_phrase(name))
        cells: dict[str, tuple[float, float, float, bool] | None] = {}
        for form in FORMS:
            lk = per.get(form)
            cells[form] = None if lk is None else (lk.value, lk.low, lk.high, strong(lk))
        rows.append((name, label, cells))
    return rows


@_plain_text
def draw_drivers(fig: Figure, result: AnalysisResult, options: BriefOptions | None = None) -> str:
    """What goes with more of each form: index points from least to most favourable answer."""
    options = options or BriefOptions()
    fig.clear()
    rows = driver_rows(result, options)
    if not rows:
        _message(fig, "No links could be estimated for this survey.")
        return "Chart of what goes with co-production: no links could be estimated."
    ax = fig.add_subplot()
    _style(ax)
    n = len(rows)
    offsets = FORM_OFFSET
    for form in FORMS:
        pts = [(n - 1 - i + offsets[form], r[2][form]) for i, r in enumerate(rows)]
        pts = [(y, v) for y, v in pts if v is not None]
        if not pts:
            continue
        ys = [y for y, _ in pts]
        xs = [v[0] for _, v in pts]
        lo = [v[0] - v[1] for _, v in pts]
        hi = [v[2] - v[0] for _, v in pts]
        _form_errorbar(ax, form, xs, ys, lo, hi)
        # Hollow marker where the link is not clear.
        for y, v in pts:
            if not v[3]:
                ax.plot([v[0]], [y], MARKERS[form], color="white", markersize=4, zorder=5)
    ax.axvline(0, color="#555555", linewidth=1)
    ax.set_yticks(range(n), [textwrap.fill(r[1], 24) for r in reversed(rows)], fontsize=FONT_SIZE)
    ax.set_ylim(-0.7, n - 0.3)
    fig.supxlabel(
        "Gap in % taking part (percentage points), least to most favourable answer\n"
        "Line: 95% range. Hollow marker: under 5 points, or could be chance.",
        fontsize=FONT_SIZE,
    )
    fig.legend(loc="outside upper center", ncol=2, frameon=False, fontsize=FONT_SIZE)
    fig.set_layout_engine("constrained")
    return drivers_alt(result, options)


def drivers_alt(result: AnalysisResult, options: BriefOptions) -> str:
    parts = []
    for _name, label, per in driver_rows(result, options):
        bits = []
        for form in FORMS:
            v = per[form]
            if v is None:
                continue
            more = "more" if v[0] > 0 else "less"
            words = f"{abs(v[0]):.0f} percentage points {more}" if v[3] else "no clear gap"
            bits.append(f"{FORM_NOUN[form]} {words}")
        if bits:
            parts.append(f"{label}: {', '.join(bits)}")
    return (
        "Chart of the gap in the share taking part in each form, in percentage points, "
        "between the least and the most favourable answer, with 95% ranges. " + "; ".join(parts) + "."
    )


# --------------------------------------------------------------------------- efficacy curve


def efficacy_points(result: AnalysisResult, options: BriefOptions) -> dict[str, list[dict]]:
    """The ``predicted`` curves that may be shown (model big enough, points complete)."""
    predicted = getattr(result, "predicted", None) or {}
    out: dict[str, list[dict]] = {}
    for form in FORMS:
        pts = predicted.get(form) or []
        m = result.participation.get(form)
        if m is not None and (not m.ok or m.n < options.min_base):
            continue
        good = [
            p
            for p in pts
            if all(
                isinstance(p.get(k), int | float) and math.isfinite(p[k]) for k in ("x", "percent")
            )
        ]
        if len(good) >= 2:
            out[form] = sorted(good, key=lambda p: p["x"])
    return out


@_plain_text
def draw_efficacy_curve(
    fig: Figure, result: AnalysisResult, options: BriefOptions | None = None
) -> str:
    """Predicted share doing each form across the 'able to make a difference' scale."""
    options = options or BriefOptions()
    fig.clear()
    curves = efficacy_points(result, options)
    if not curves:
        _message(fig, "This chart needs the 'able to make a difference' questions.")
        return (
            "Chart of participation across the 'able to make a difference' scale: not "
            "available for this survey."
        )
    ax = fig.add_subplot()
    ax.tick_params(labelsize=FONT_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    for form, pts in curves.items():
        xs = [p["x"] for p in pts]
        ys = [p["percent"] for p in pts]
        ax.plot(
            xs,
            ys,
            color=PALETTE[form],
            linewidth=2,
            linestyle="-" if form == "individual" else "--",
            marker=MARKERS[form],
            markevery=max(len(xs) // 5, 1),
            label=FORM_LABEL[form],
        )
        if all(_num(p.get("ci_low")) and _num(p.get("ci_high")) for p in pts):
            ax.fill_between(
                xs,
                [p["ci_low"] for p in pts],
                [p["ci_high"] for p in pts],
                color=PALETTE[form],
                alpha=0.18,
                linewidth=0,
            )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 100)
    ax.set_xticks([0, 0.5, 1], ["Least able", "In between", "Most able"], fontsize=FONT_SIZE)
    ax.set_xlabel("Feeling able to make a difference", fontsize=FONT_SIZE)
    ax.set_ylabel("% expected to take part", fontsize=FONT_SIZE)
    fig.legend(loc="outside upper center", ncol=2, frameon=False, fontsize=FONT_SIZE)
    fig.set_layout_engine("constrained")
    return efficacy_alt(result, options)


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and math.isfinite(v)


def efficacy_alt(result: AnalysisResult, options: BriefOptions) -> str:
    curves = efficacy_points(result, options)
    if not curves:
        return (
            "Chart of participation across the 'able to make a difference' scale: not "
            "available for this survey."
        )
    bits = [
        f"{FORM_NOUN[form]} rises from {percent(pts[0]['percent'])} among residents who feel "
        f"least able to {percent(pts[-1]['percent'])} among those who feel most able"
        if pts[-1]["percent"] >= pts[0]["percent"]
        else f"{FORM_NOUN[form]} falls from {percent(pts[0]['percent'])} among residents who "
        f"feel least able to {percent(pts[-1]['percent'])} among those who feel most able"
        for form, pts in curves.items()
    ]
    return (
        "Line chart of the expected share taking part across the 'able to make a "
        "difference' scale, with shaded 95% ranges: " + "; ".join(bits) + "."
    )


# --------------------------------------------------------------------------- export helper

CHARTS: dict[str, tuple[DrawFn, tuple[float, float]]] = {
    "levels": (draw_levels, (6.5, 3.6)),
    "drivers": (draw_drivers, (6.5, 3.4)),
    "efficacy": (draw_efficacy_curve, (6.0, 2.9)),
}


def chart_height(
    kind: str, result: AnalysisResult, options: BriefOptions, grouping: str = "authority"
) -> float:
    """Grow the dot charts with their number of rows so labels never overlap."""
    base = CHARTS[kind][1][1]
    if kind == "levels":
        return max(base, 1.4 + 0.45 * len(levels_rows(result, options, grouping)[0]))
    if kind == "drivers":
        return max(base, 1.4 + 0.5 * len(driver_rows(result, options)))
    return base


def render_png(kind: str, result: AnalysisResult, options: BriefOptions) -> tuple[bytes, str]:
    """A chart as PNG bytes (200 dpi) and its alt text, for the Word and Excel writers."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    draw, (w, _h) = CHARTS[kind]
    fig = Figure(figsize=(w, chart_height(kind, result, options)), dpi=100)
    FigureCanvasAgg(fig)
    alt = draw(fig, result, options)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI, facecolor="white")
    return buf.getvalue(), alt


__all__ = [
    "CHARTS",
    "draw_drivers",
    "draw_efficacy_curve",
    "draw_levels",
    "render_png",
]
