"""Charts: drawn on a given Figure, never pyplot; alt text says what they show."""

from __future__ import annotations

import matplotlib
from matplotlib.figure import Figure

from coprod_gui.report.charts import draw_drivers, draw_efficacy_curve, draw_levels, render_png
from coprod_gui.report.options import BriefOptions

from .conftest import CAUTION_COUNCIL, HIDDEN_TEXTS, SECONDARY_COUNCIL, SMALL_COUNCIL


def _texts(fig: Figure) -> str:
    out = []
    for ax in fig.axes:
        out += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels() + ax.texts]
        out.append(ax.get_xlabel())
        leg = ax.get_legend()
        if leg:
            out += [t.get_text() for t in leg.get_texts()]
    out += [t.get_text() for t in fig.texts]
    for leg in fig.legends:
        out += [t.get_text() for t in leg.get_texts()]
    return "\n".join(out)


def test_levels_chart_hides_small_councils(hand_result) -> None:
    fig = Figure(figsize=(6, 4))
    alt = draw_levels(fig, hand_result, BriefOptions())
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[-1] == "All residents"  # top row
    assert f"{CAUTION_COUNCIL} *" in labels
    assert SMALL_COUNCIL not in _texts(fig) and SECONDARY_COUNCIL not in _texts(fig)
    assert SMALL_COUNCIL not in alt and SECONDARY_COUNCIL not in alt
    for hidden in HIDDEN_TEXTS:
        assert hidden not in _texts(fig) and hidden not in alt
    assert "All residents: doing things for themselves 76%, acting with others 24%" in alt
    assert "2 councils are not shown to protect small groups" in alt


def test_drivers_chart(hand_result) -> None:
    fig = Figure(figsize=(6, 4))
    alt = draw_drivers(fig, hand_result, BriefOptions())
    labels = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    assert "Feeling able to make a difference" in labels
    assert "Age (70 against 30)" in labels
    # the same unit and numbers as the text: percentage points from the stacked comparison
    assert "acting with others 18 percentage points more" in alt
    assert "Feeling informed: doing things for themselves no clear gap" in alt
    assert "percentage points" in _texts(fig) and "0–100" not in _texts(fig)


def test_efficacy_curve_and_missing_predictions(hand_result) -> None:
    fig = Figure()
    alt = draw_efficacy_curve(fig, hand_result, BriefOptions())
    assert "acting with others rises from 15%" in alt and "to 33%" in alt
    assert len(fig.axes[0].lines) == 2
    object.__setattr__(hand_result, "predicted", {})
    fig2 = Figure()
    alt2 = draw_efficacy_curve(fig2, hand_result, BriefOptions())
    assert "not available" in alt2
    assert "needs the 'able to make a difference' questions" in _texts(fig2)


def test_charts_never_use_pyplot(hand_result) -> None:
    import sys

    before = "matplotlib.pyplot" in sys.modules
    for kind in ("levels", "drivers", "efficacy"):
        png, alt = render_png(kind, hand_result, BriefOptions())
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and alt
    if not before and "matplotlib.pyplot" in sys.modules:
        raise AssertionError("a chart imported pyplot")
    assert matplotlib.get_backend()  # unchanged backend, still usable
