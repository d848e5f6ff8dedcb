"""Findings: one unit (percentage points), only clear and meaningful links, one word rule."""

from __future__ import annotations

import re

from coprod_gui.report.findings import build_findings, links, plain_view
from coprod_gui.report.options import BriefOptions
from coprod_gui.report.wording import points_strength

CAUSAL = re.compile(r"\b(causes?|caused|because of|leads? to|results? in|drives?|due to)\b", re.I)


def _by_key(findings):
    return {f.key: f for f in findings}


def test_levels_and_gap(hand_result) -> None:
    f = _by_key(build_findings(hand_result))
    ind, col = f["level:individual"], f["level:collective"]
    assert ind.statement.startswith(
        "About 3 in 4 residents (76%) do things for themselves at least sometimes"
    )
    assert col.statement.startswith("About 1 in 4 residents (24%) act with others at least sometimes")
    assert "regularly" not in ind.statement + col.statement
    gap = f["gap:levels"]
    assert gap.number == "52 percentage points" and gap.strength == "large"


def test_links_are_percentage_points_from_the_stacked_comparison(hand_result) -> None:
    f = _by_key(build_findings(hand_result))
    eff = f["link:collective:efficacy"]
    assert eff.value == 18.3 and eff.number == "18 percentage points"
    assert eff.model == "comparison" and eff.terms == ["efficacy"]
    assert eff.statement == (
        "Residents who feel most able to make a difference are 18 percentage points more "
        "likely to act with others than those who feel least able."
    )
    # Age: 70 against 30 from the per-year effect, with each form's own sign.
    age_c, age_i = f["link:collective:age"], f["link:individual:age"]
    assert age_c.value == 0.29 * 40 and "aged 70 are 12 percentage points more likely" in (
        age_c.statement
    )
    assert age_i.value == -0.31 * 40 and "less likely to do things for themselves" in age_i.statement


def test_weak_evidence_is_no_clear_link(hand_result) -> None:
    f = _by_key(build_findings(hand_result))
    inf = f["link:individual:informed"]
    assert not inf.clear and inf.strength == "no clear link"
    assert "story:informed" not in f  # nothing about it enters the body's list of links


def test_background_terms_are_holm_corrected(hand_result) -> None:
    pts = hand_result.comparison["gender=Female"].points
    pts.individual, pts.individual_se = 6.5, 3.0  # raw p = 0.03: "clear" without a correction
    pts.individual_p = 0.03
    pts.individual_p_holm = 0.15
    lk = links(hand_result, BriefOptions())["gender=Female"]["individual"]
    assert not lk.clear and lk.p == 0.15
    pts.individual_p_holm = 0.03
    assert links(hand_result, BriefOptions())["gender=Female"]["individual"].clear


def test_meaningful_needs_the_minimum_gap(hand_result) -> None:
    pts = hand_result.comparison["efficacy"].points
    pts.collective, pts.collective_se = 4.4, 1.0  # clear but under 5 points
    f = _by_key(build_findings(hand_result))["link:collective:efficacy"]
    assert f.clear and not f.meaningful
    f = _by_key(build_findings(hand_result, BriefOptions(min_points=4)))["link:collective:efficacy"]
    assert f.meaningful


def test_one_strength_rule_on_the_printed_number() -> None:
    # neighbouring values, the same printed number: the same word (never "moderate" and
    # "small" for two 9-point links)
    assert {points_strength(v) for v in (8.6, 9.0, 9.4, -9.2)} == {"small"}
    assert points_strength(19.4) == "moderate" and points_strength(19.6) == "large"
    assert points_strength(4.4) == "very small" and points_strength(4.6) == "small"


def test_ranking_and_wording(hand_result) -> None:
    findings = build_findings(hand_result)
    assert [f.kind for f in findings[:3]] == ["level", "level", "gap"]
    for f in findings:
        assert not CAUSAL.search(f.statement), f.statement


def test_hidden_council_effects_give_no_findings(hand_result) -> None:
    keys = [f.key for f in build_findings(hand_result)]
    assert not any("authority" in k for k in keys)


def test_refused_model_gives_no_link_for_that_form(hand_result) -> None:
    hand_result.participation["collective"].ok = False
    keys = [f.key for f in build_findings(hand_result, BriefOptions())]
    assert not any(k.startswith("link:collective") for k in keys)
    assert "link:individual:efficacy" in keys


def test_plain_view_shows_the_brief_numbers(hand_result) -> None:
    view = plain_view(hand_result)
    rows = {r[0]: r for r in view["rows"]}
    assert rows["Feeling able to make a difference"][1:] == [
        "12 percentage points more",
        "18 percentage points more",
        "more with acting with others",
    ]
    # one phrase for 'similar' everywhere (never "no clear difference", which claims equality)
    assert rows["Satisfaction with how the council consults"][3] == (
        "we cannot tell which form it matters more for"
    )
    assert rows["Age (70 against 30)"][3] == "opposite ways"
    assert rows["Feeling informed"][1] == "no clear link"
    assert rows["Trust in the council"][1] == "not in this survey"
