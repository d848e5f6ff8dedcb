"""Findings: the right numbers, strength words, no causal wording, ranked."""

from __future__ import annotations

import re

from coprod_gui.report.findings import build_findings
from coprod_gui.report.options import BriefOptions

CAUSAL = re.compile(r"\b(causes?|caused|because of|leads? to|results? in|drives?|due to)\b", re.I)


def _by_key(findings):
    return {f.key: f for f in findings}


def test_levels_and_gap(hand_result) -> None:
    f = _by_key(build_findings(hand_result))
    ind, col = f["level:individual"], f["level:collective"]
    assert ind.statement.startswith("About 3 in 4 residents (76%) regularly do things")
    assert col.statement.startswith("About 1 in 4 residents (24%) regularly act with others")
    gap = f["gap:levels"]
    assert gap.value == 76.3 - 23.8
    assert gap.number == "52 percentage points" and gap.strength == "large"


def test_driver_numbers_come_from_the_models(hand_result) -> None:
    f = _by_key(build_findings(hand_result))
    eff = f["driver:collective:efficacy"]
    # 18.3 percentage points (the participation AME), said as "18 percentage points".
    assert eff.value == 18.3 and eff.number == "18 percentage points"
    assert "feel most able to make a difference are 18 percentage points more likely" in (
        eff.statement
    )
    assert eff.model == "collective" and eff.term == "efficacy"
    assert "participation:collective" in eff.evidence
    assert eff.clear and eff.strength in ("small", "moderate", "large")
    # Age per year -> per 10 years, with the sign the data give for each form.
    age_c, age_i = f["driver:collective:age"], f["driver:individual:age"]
    assert age_c.value == 0.29 * 10 and age_c.statement.startswith("Older residents")
    assert age_i.value == -0.31 * 10 and age_i.statement.startswith("Younger residents")


def test_weak_evidence_is_no_clear_link(hand_result) -> None:
    f = _by_key(build_findings(hand_result))
    inf = f["driver:individual:informed"]
    assert not inf.clear and inf.strength == "no clear link"
    assert "no clear link" in inf.statement
    comp = f["compare:consultation_satisfaction"]
    assert not comp.clear and "no clear difference" in comp.statement
    assert f["compare:efficacy"].clear and f["compare:efficacy"].number == "7 points"
    assert "a difference of 7 points on the 0 to 100 scores" in f["compare:efficacy"].statement


def test_ranking_and_wording(hand_result) -> None:
    findings = build_findings(hand_result)
    kinds = [f.kind for f in findings]
    assert kinds[:3] == ["level", "level", "gap"]
    clear_after = [f.clear for f in findings[3:]]
    # Clear links come before every "no clear link".
    assert clear_after == sorted(clear_after, reverse=True)
    assert findings[3].key == "driver:collective:efficacy"  # the strongest link
    for f in findings:
        assert not CAUSAL.search(f.statement), f.statement


def test_hidden_council_effects_give_no_findings(hand_result) -> None:
    keys = [f.key for f in build_findings(hand_result)]
    assert not any("authority" in k for k in keys)


def test_refused_model_gives_no_driver_findings(hand_result) -> None:
    hand_result.models["collective"].ok = False
    keys = [f.key for f in build_findings(hand_result, BriefOptions())]
    assert not any(k.startswith("driver:collective") for k in keys)
    assert not any(k.startswith("compare:") for k in keys)
    assert "driver:individual:efficacy" in keys
