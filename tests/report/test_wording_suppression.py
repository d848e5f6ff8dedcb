"""Numbers as people say them, strength words, and small-group protection."""

from __future__ import annotations

import math

import pytest

from coprod_gui.core.results import Level
from coprod_gui.report import suppression as sup
from coprod_gui.report import wording as w
from coprod_gui.report.options import BriefOptions

from .conftest import CAUTION_COUNCIL, SECONDARY_COUNCIL, SMALL_COUNCIL


@pytest.mark.parametrize(
    ("pct", "text"),
    [
        (24.0, "about 1 in 4 residents (24%)"),
        (76.3, "about 3 in 4 residents (76%)"),
        (49.6, "about half of residents (50%)"),
        (33.0, "about 1 in 3 residents (33%)"),
        (9.8, "about 1 in 10 residents (10%)"),
        (98.2, "nearly all residents (98%)"),
        (1.4, "very few residents (1%)"),
        # the old brief said "about 1 in 10" for 5% and "about 9 in 10" for 95% and 97%
        (5.0, "about 1 in 20 residents (5%)"),
        (95.0, "about 19 in 20 residents (95%)"),
        (97.0, "nearly all residents (97%)"),
        # 19 in 20 is 95%: 93% is "more than 9 in 10" (ONS style); 37% is not "about 2 in 5"
        (92.7, "more than 9 in 10 residents (93%)"),
        (89.0, "about 9 in 10 residents (89%)"),
        (31.6, "about 1 in 3 residents (32%)"),
        (37.0, "more than 1 in 3 residents (37%)"),
        (44.0, "more than 2 in 5 residents (44%)"),
        (48.0, "nearly half of residents (48%)"),
        (12.0, "more than 1 in 10 residents (12%)"),
        (60.0, "about 3 in 5 residents (60%)"),
    ],
)
def test_people_share_says_numbers_as_people_do(pct: float, text: str) -> None:
    assert w.people_share(pct) == text


def test_points_and_percent() -> None:
    assert w.points(-5.4) == "5 percentage points"
    assert w.points(1.0) == "1 percentage point"
    assert w.points(0.6, "points") == "0.6 points"
    assert w.percent(41.7) == "42%"
    assert w.percent(None) == "not available"


def test_strength_words_follow_cohen_cut_offs() -> None:
    assert [w.r_strength(v) for v in (0.05, 0.10, 0.29, 0.30, -0.5)] == [
        "very small",
        "small",
        "small",
        "moderate",
        "large",
    ]
    assert [w.d_strength(v) for v in (0.19, 0.2, 0.5, 0.8)] == [
        "very small",
        "small",
        "moderate",
        "large",
    ]
    # Cohen's h for 50% against 25%: 2·asin(√.5) − 2·asin(√.25) = π/2 − π/3.
    assert w.cohens_h(50, 25) == pytest.approx(math.pi / 6)
    # the index models left the brief (workbook only), so the brief's rule names one unit
    assert "Cohen" not in w.RULE_SET and "percentage points" in w.RULE_SET


def test_base_rules() -> None:
    o = BriefOptions()
    assert sup.status_of(7, None, o) == "suppressed"
    assert sup.status_of(10, None, o) == "caution"
    assert sup.status_of(49, None, o) == "caution"
    assert sup.status_of(400, 45.0, o) == "caution"  # effective base under 50
    assert sup.status_of(50, None, o) == "shown"
    assert sup.status_of(7, None, BriefOptions(min_base=5)) == "caution"


def test_secondary_suppression_hides_next_smallest_group() -> None:
    o = BriefOptions()
    status = sup.protect_counts({"A": 500, "B": 300, "C": 60, "D": 3}, o)
    assert status == {"A": "shown", "B": "shown", "C": "secondary", "D": "suppressed"}
    # Two tiny groups together still under 10: keep hiding until they reach 10.
    status = sup.protect_counts({"A": 500, "B": 4, "C": 3, "D": 60}, o)
    assert status["B"] == status["C"] == "suppressed"
    assert status["D"] == "secondary"
    assert sup.protect_counts({"A": 500, "B": 300}, o) == {"A": "shown", "B": "shown"}


def test_hand_result_councils(hand_result) -> None:
    o = BriefOptions()
    status = sup.council_status(hand_result, o)
    assert status[SMALL_COUNCIL] == "suppressed"
    assert status[SECONDARY_COUNCIL] == "secondary"
    assert status[CAUTION_COUNCIL] == "caution"
    assert status["Northbury"] == "shown"
    by = sup.protected_by(hand_result, "authority", "collective", o)
    assert by[SMALL_COUNCIL].level is None and by[SECONDARY_COUNCIL].level is None
    assert by[CAUTION_COUNCIL].level is not None
    assert sup.term_hidden(f"authority={SMALL_COUNCIL}", hand_result, o)
    assert not sup.term_hidden("authority=Eastfield", hand_result, o)
    assert sup.base_text(7, "suppressed", o) == "fewer than 10"


def test_forced_council_status_applies_to_every_table() -> None:
    o = BriefOptions()
    groups = {"A": Level(50, 45, 55, 400), "B": Level(40, 30, 50, 80), "C": Level(30, 20, 40, 60)}
    prot = sup.protect_groups(groups, o, forced={"C": "suppressed"})
    assert prot["C"].level is None
    assert prot["B"].status == "secondary"  # else C = total − A − B
    assert prot["A"].shown


def test_small_categories_and_files_are_hidden(hand_result) -> None:
    o = BriefOptions()
    for form in ("individual", "collective"):
        hand_result.levels_by["gender"][form]["In another way"] = Level(50.0, 20.0, 80.0, 6)
    assert sup.term_hidden("gender=In another way", hand_result, o)
    assert not sup.term_hidden("gender=Female", hand_result, o)
    hand_result.quality.rows_per_file = {
        "north.csv": 420,
        "east.csv": 300,
        "small.csv": 7,
        "west.csv": 83,
    }
    shown = sup.protect_file_rows(hand_result, o)
    assert shown == {
        "north.csv": "420",
        "east.csv": "300",
        "small.csv": "fewer than 10",
        "west.csv": "not shown",
    }
