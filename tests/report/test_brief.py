"""The brief: structure, key messages, plain English, and no small-group figures."""

from __future__ import annotations

import re

import pytest

from coprod_gui.report.brief import Bullets, Table, brief_to_html, build_brief
from coprod_gui.report.options import BriefOptions

from .conftest import HIDDEN_TEXTS, PAYLOAD, SECONDARY_COUNCIL, SMALL_COUNCIL

BANNED = (
    "p-value",
    "p value",
    "coefficient",
    "regression",
    "significant",
    "significance",
    "heteroskedastic",
    "heteroscedastic",
    "standard error",
    "confidence interval",
    "logit",
    "OLS",
    "causes",
    "caused",
    "because of",
    "leads to",
    "led to",
    "beta",
    "statistically",
    "variance",
    "odds ratio",
    "marginal effect",
    "HC3",
    "R-squared",
)
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:%| percentage points?| points?)")


def _banned_in(text: str) -> list[str]:
    found = []
    for word in BANNED:
        pattern = r"\b" + re.escape(word) + r"\b"
        flags = 0 if word.isupper() else re.I
        if re.search(pattern, text, flags):
            found.append(word)
    return found


def test_sections_in_order(hand_result, brief_options) -> None:
    brief = build_brief(hand_result, brief_options)
    headings = [s.heading for s in brief.sections if s.level == 1]
    assert headings == [
        "How common is co-production?",
        "What goes with more co-production?",
        "How the two forms differ",
        "What this means for the council",
        "Caveats",
        "Technical appendix",
    ]
    details = dict(brief.details)
    assert details["Council"] == "Test Borough Council"
    assert details["Survey"] == "Residents' Survey 2026"
    assert details["Date"] == "29 November 2026"
    assert details["Base"] == "810 residents answered the survey"


def test_key_messages_one_sentence_one_number(hand_result) -> None:
    brief = build_brief(hand_result)
    msgs = brief.key_messages
    assert 3 <= len(msgs) <= 5
    assert msgs[0].number == "76%" and "(76%)" in msgs[0].text
    assert msgs[1].number == "24%" and "(24%)" in msgs[1].text
    assert msgs[2].text.startswith(
        "Residents who feel most able to make a difference are 18 percentage points more likely"
    )
    for m in msgs:
        assert m.number in m.text
        assert len(NUMBER.findall(m.text)) == 1, m.text
        assert m.text.count(". ") == 0 and m.text.endswith(".")


def test_recommendations_tied_to_findings(hand_result) -> None:
    brief = build_brief(hand_result)
    sec = next(s for s in brief.sections if s.heading == "What this means for the council")
    items = next(b for b in sec.blocks if isinstance(b, Bullets)).items
    statements = {f.statement for f in brief.findings}
    assert items[0].startswith("Show residents what changed after they took part")
    for item in items:
        why = item.split("Why: ", 1)[1]
        assert why in statements, item


def test_body_is_plain_english(hand_result, offline_textstat) -> None:
    brief = build_brief(hand_result)
    prose = brief.prose()
    ease = offline_textstat.flesch_reading_ease(prose)
    words_per_sentence = offline_textstat.lexicon_count(prose) / offline_textstat.sentence_count(
        prose
    )
    assert ease >= 60, ease
    assert words_per_sentence <= 20, words_per_sentence
    assert _banned_in(brief.body_text()) == []
    # The appendix may use the technical words, and does.
    assert "standard error" in brief.all_text()


def test_small_groups_never_shown(hand_result) -> None:
    brief = build_brief(hand_result)
    text = brief.all_text()
    html = brief_to_html(brief)
    for hidden in HIDDEN_TEXTS:
        assert hidden not in text, hidden
        assert hidden not in html, hidden
    council_table = next(
        b for s in brief.sections for b in s.blocks if isinstance(b, Table) and "council" in b.title
    )
    # Hidden councils are one unnamed row: a small group's label is never printed (issue 12).
    assert not any(r[0] in (SMALL_COUNCIL, SECONDARY_COUNCIL) for r in council_table.rows)
    small = next(r for r in council_table.rows if r[0] == "Another answer")
    assert small[1:4] == ["not shown", "not shown", "not shown"]
    assert "Treat with caution" in " ".join(" ".join(r) for r in council_table.rows)
    assert "Council: Smallham" not in text  # its fixed effect is left out of the model tables


def test_html_is_escaped_and_has_headings(hand_result) -> None:
    hand_result.sources = [PAYLOAD + "<script>"]
    html = brief_to_html(build_brief(hand_result))
    assert "<h2>Key messages</h2>" in html
    assert "<h2>Technical appendix</h2>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_no_appendix_option(hand_result) -> None:
    brief = build_brief(hand_result, BriefOptions(include_appendix=False))
    assert not any(s.appendix for s in brief.sections)


def test_brief_on_demo_result(demo_result, offline_textstat) -> None:
    brief = build_brief(demo_result)
    doc = demo_result.to_dict()  # what results.json holds
    for i, form in enumerate(("individual", "collective")):
        pct = doc["levels"][form]["percent"]
        assert brief.key_messages[i].number == f"{pct:.0f}%"
    # The efficacy message's number is the participation model's AME, rounded.
    eff = next(m for m in brief.key_messages if "able to make a difference" in m.text)
    form = "collective" if "act with others" in eff.text else "individual"
    ame = doc["participation"][form]["terms"]["efficacy"]["estimate"]
    assert eff.number == f"{abs(ame):.0f} percentage points"
    prose = brief.prose()
    assert offline_textstat.flesch_reading_ease(prose) >= 60
    assert offline_textstat.lexicon_count(prose) / offline_textstat.sentence_count(prose) <= 20
    assert _banned_in(brief.body_text()) == []


@pytest.mark.parametrize("bad", ["=1+1", "@SUM(A1)", "+44 1234"])
def test_survey_text_in_brief_is_plain_text(hand_result, bad: str) -> None:
    hand_result.item_levels[0].question = bad
    brief = build_brief(hand_result)
    assert isinstance(brief.all_text(), str)
