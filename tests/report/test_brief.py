"""The brief: structure, key messages, plain English, and no small-group figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from coprod_gui.core.results import Comparison, Level
from coprod_gui.core.survey.constructs import DRIVERS
from coprod_gui.report.brief import Bullets, Chart, Table, brief_to_html, build_brief
from coprod_gui.report.options import BriefOptions

from .conftest import HIDDEN_TEXTS, PAYLOAD, SECONDARY_COUNCIL, SMALL_COUNCIL, _sd

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
    "effective base",
    "weighted base",
    "regularly",
    "index points",
    "0 to 100",
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
        "About the survey",  # who, when, how many and the yardsticks, near the front
        "How common is co-production?",
        "What goes with taking part?",
        "How the two forms differ",
        "What the council could try",
        "Caveats",
        "Technical appendix",
    ]
    # breakdowns are headings of their own
    subs = [s.heading for s in brief.body_sections() if s.level == 2]
    assert subs == ["By council", "By age group", "By gender"]


def test_context_from_options_never_a_file_name(hand_result) -> None:
    options = BriefOptions(
        council_name="Test Borough Council",
        survey_name="Residents' Survey 2026",
        fieldwork="September to October 2026",
        contact="Policy team, policy@test.gov.uk",
        date=dt.date(2026, 11, 29),
    )
    brief = build_brief(hand_result, options)
    details = dict(brief.details)
    assert details["Survey"] == "Residents' Survey 2026"
    assert details["Fieldwork"] == "September to October 2026"
    assert details["Council"] == "Test Borough Council"
    assert details["Contact"] == "Policy team, policy@test.gov.uk"
    assert details["Published"] == "29 November 2026"
    body = brief.body_text()
    assert "survey.xlsx" not in body and "[Data]" not in body and "5 councils" not in body
    charts = [b for s in brief.body_sections() for b in s.blocks if isinstance(b, Chart)]
    assert charts and all(
        c.source.startswith("Source: Residents' Survey 2026, September to October 2026; base: ")
        for c in charts
    )


def test_key_messages_one_sentence_one_number(hand_result) -> None:
    brief = build_brief(hand_result)
    msgs = brief.key_messages
    assert 3 <= len(msgs) <= 6
    assert msgs[0].number == "76%" and "(76%)" in msgs[0].text
    assert msgs[1].number == "24%" and "(24%)" in msgs[1].text
    for m in msgs:
        assert m.number in m.text
        assert len(NUMBER.findall(m.text)) == 1, m.text
        assert m.text.count(". ") == 0 and m.text.endswith(".")
    eff = next(m for m in msgs if m.terms == ["efficacy"])
    assert eff.number == "18 percentage points"  # the collective link: its verdict's form
    # the efficacy curve comes right after the key messages
    assert [c.kind for c in brief.lead] == ["efficacy"]
    assert brief.lead[0].caption == "Figure 1: Taking part rises with feeling able to make a difference"


FORMS_WORDS = {"acting with others": "collective", "doing things for themselves": "individual"}
OLD_CLAIM = re.compile(
    r"(?P<driver>[A-Z][\w ]+?) goes with (?P<form>acting with others|doing things for "
    r"themselves) more than with"
)
NEW_CLAIM = re.compile(
    r"Matters more for (?P<form>acting with others|doing things for themselves): (?P<list>[^.]+)\."
)
SAME_CLAIM = re.compile(r"We cannot tell which form it matters more for: (?P<list>[^.]+)\.")


def _claims(text: str) -> list[tuple[str, str]]:
    """(driver words, form it is said to go with more) for every such sentence."""
    out = [(m["driver"].lower(), FORMS_WORDS[m["form"]]) for m in OLD_CLAIM.finditer(text)]
    for m in NEW_CLAIM.finditer(text):
        for d in re.split(r", | and ", m["list"]):
            out.append((d.lower(), FORMS_WORDS[m["form"]]))
    for m in SAME_CLAIM.finditer(text):
        for d in re.split(r", | and ", m["list"]):
            out.append((d.lower(), "similar"))
    return out


def test_no_two_statements_point_different_ways(hand_result) -> None:
    """Page 1 of the old brief: consultation '19 percentage points' for acting with others
    against 7 for doing things for themselves, then 'goes with doing things for themselves
    more than with acting with others' (from the floor-squashed index comparison). Every
    claim about which form a driver goes with more must agree with the points beside it
    and with the comparison's verdict."""
    from coprod_gui.report.findings import driver_phrase, links

    brief = build_brief(hand_result)
    body = brief.body_text()
    claims = _claims(body)
    assert claims, "the brief says nothing about which form each driver goes with"
    per_term = links(hand_result, brief.options)
    by_words = {driver_phrase(t): t for t in per_term}
    for words, form in claims:
        term = by_words[words]
        verdict = hand_result.comparison[term].verdict
        assert form == verdict, (words, form, verdict)
        if form in ("individual", "collective"):
            other = "collective" if form == "individual" else "individual"
            assert abs(per_term[term][form].value) > abs(per_term[term][other].value), words
    # consultation: bigger in points for collective, not on the odds scale -> similar, and
    # the body says why the two numbers differ instead of calling it stronger
    assert ("satisfaction with how the council consults", "similar") in claims
    assert "stronger for doing things for themselves" not in body.lower()
    # the driver chart speaks the same unit as the text: the same numbers
    from coprod_gui.report.charts import driver_rows

    for term, _label, cells in driver_rows(hand_result, brief.options):
        for form, cell in cells.items():
            if cell is not None:
                assert cell[0] == per_term[term][form].value


def test_a_tie_is_not_ranked(hand_result) -> None:
    """A one-point gap between councils whose ranges overlap is 'similar', never
    'highest' and 'lowest'."""
    by = hand_result.levels_by["authority"]["collective"]
    by["Northbury"] = Level(25.0, 21.0, 29.4, 413)
    by["Eastfield"] = Level(24.0, 19.5, 29.1, 297)
    by["Southdale"] = Level(24.4, 13.6, 39.6, 45)
    body = build_brief(hand_result).body_text()
    council = body.split("By council", 1)[1].split("By age group", 1)[0]
    assert "act with others is highest" not in council
    assert "act with others ranges from 24% to 25% across councils, but the gaps could be chance" in council


def test_clear_gap_is_ranked_and_said_to_be_unlikely_chance(hand_result) -> None:
    """'This gap is clear' never said what clear meant, and compared the lowest council with
    the highest only: the brief now says whether the lowest differs from each other one."""
    by = hand_result.levels_by["authority"]["collective"]
    by["Northbury"] = Level(35.0, 30.6, 39.7, 413)
    by["Eastfield"] = Level(15.0, 11.4, 19.5, 297)
    body = build_brief(hand_result).body_text()
    council = body.split("By council", 1)[1].split("By age group", 1)[0]
    assert "act with others is highest in Northbury (35%) and lowest in Eastfield (15%)" in council
    assert "This gap is clear." not in body
    # Southdale (22%, 11 to 33) overlaps Eastfield: only Northbury is beaten
    assert (
        "It is lower in Eastfield than in Northbury, a gap unlikely to be chance; the gap to "
        "Southdale could be chance."
    ) in council
    assert "'unlikely to be chance' when" in body  # defined once, in About the survey


def test_lowest_below_every_other_council(hand_result) -> None:
    by = hand_result.levels_by["authority"]["collective"]
    by["Northbury"] = Level(35.0, 32.0, 38.0, 413)
    by["Eastfield"] = Level(34.0, 31.0, 37.0, 297)
    by["Southdale"] = Level(12.0, 9.0, 15.0, 300)
    council = build_brief(hand_result).body_text().split("By council", 1)[1]
    assert (
        "It is lower in Southdale than in every other council, and these gaps are unlikely to "
        "be chance."
    ) in council
    assert "Table 1: Acting with others is lowest in Southdale" in council  # the message


def test_tied_groups_share_the_place(hand_result) -> None:
    """The demo said 'highest in Stanmere (94%)' while Brackenholt was also 94%."""
    by = hand_result.levels_by["authority"]["individual"]
    by["Northbury"] = Level(94.2, 92.0, 96.0, 415)
    by["Eastfield"] = Level(93.8, 91.5, 95.8, 298)
    by["Southdale"] = Level(70.0, 62.0, 78.0, 300)
    council = build_brief(hand_result).body_text().split("By council", 1)[1]
    assert "highest in Northbury and Eastfield (94%)" in council
    assert "highest in Northbury (94%)" not in council


def _recs(brief) -> list[str]:
    sec = next(s for s in brief.sections if s.heading == "What the council could try")
    return [i for b in sec.blocks if isinstance(b, Bullets) for i in b.items]


def test_recommendations_ranked_and_tied_to_their_finding(hand_result) -> None:
    brief = build_brief(hand_result)
    recs = brief.recommendations
    assert [r.terms for r in recs] == [["consultation_satisfaction"], ["efficacy"]]
    statements = {f.statement for f in brief.findings if f.kind == "link"}
    for text in _recs(brief):
        assert text.startswith("Try: ")
        assert "Measure against today" in text  # an option to try and measure, from a baseline
        assert "Why:" not in text
        why = text.split("The finding behind this: ", 1)[1].split(" Measure against today", 1)[0]
        assert why in statements, text
    # ranked by how far the evidence stays from zero (the low end of the 95% range)
    f = {x.key: x for x in brief.findings}
    assert f["link:collective:consultation_satisfaction"].score > f["link:collective:efficacy"].score


def test_no_recommendation_from_a_zero_or_weak_effect(hand_result) -> None:
    """The old brief recommended 'Build trust' on a link that is zero in the generator.
    A link that is clear and 9 points but could be 4 (95% range 3.7 to 14.8) supports a
    key finding, not an action; a zero link supports neither."""
    hand_result.drivers.append("trust_council")
    hand_result.drivers_not_mapped.remove("trust_council")
    for m in (*hand_result.models.values(), *hand_result.participation.values()):
        m.terms["trust_council"] = m.terms["efficacy"]  # clear in the technical view
    hand_result.comparison["trust_council"] = Comparison(
        "trust_council", 9.0, 16.0, 7.0, 2.0, 0.001, 3.0, 11.0, "similar",
        _sd(0.4, 3.0, 9.2, 2.83, 4.0), _sd(0.05, 0.3, 0.5, 0.3, 0.4),
    )  # fmt: skip
    hand_result.comparison["informed"].points = _sd(0.0, 3.0, 0.0, 3.0, 4.0)
    brief = build_brief(hand_result)
    terms = [t for r in brief.recommendations for t in r.terms]
    assert "trust_council" not in terms and "informed" not in terms
    assert not any("Be open about decisions" in r for r in _recs(brief))
    assert not any("Tell residents about simple ways" in r for r in _recs(brief))


def test_nothing_matters_then_no_driver_message_or_recommendation(hand_result) -> None:
    for c in hand_result.comparison.values():
        c.points = _sd(0.4, 3.0, -0.6, 3.0, 4.0, holm="=" in c.term or c.term == "age")
        c.verdict = "similar"
    brief = build_brief(hand_result)
    for m in brief.key_messages:
        assert not any(t in DRIVERS or t == "age" for t in m.terms), m.text
    assert 3 <= len(brief.key_messages) <= 6
    assert brief.recommendations == []
    text = brief.body_text()
    assert "so we make no recommendation from it" in text
    assert "Next time, consider asking" in text
    assert "how much residents trust the council" in text  # not asked this time


def test_constant_weight_is_not_called_weighting(hand_result) -> None:
    hand_result.weighted = True
    for lv in hand_result.levels.values():
        lv.effective_base = float(lv.base)  # every weight the same
    assert "weighted to match" not in build_brief(hand_result).body_text()
    hand_result.levels["individual"].effective_base = 640.0
    # the brief never guesses what the weights match: it says so only when told
    assert "weighted with the survey's own weights" in build_brief(hand_result).body_text()
    told = BriefOptions(weighting="the age and sex of residents (ONS estimates)")
    body = build_brief(hand_result, told).body_text()
    assert "The figures are weighted to match the age and sex of residents (ONS estimates)." in body


def test_the_sample_is_said_when_given_and_its_absence_is_a_caveat(hand_result) -> None:
    """'Who was asked' on the title page and in About the survey when the officer says it;
    without it, the caveats say the margins assume a random sample."""
    assumed = "The margins of error assume residents were chosen at random."
    plain = build_brief(hand_result)
    assert assumed in plain.all_text()
    given = build_brief(hand_result, BriefOptions(sampling="a random sample of 8,000 addresses"))
    text = given.all_text()
    # said even so: 'members of a residents' panel' is not a random sample, and the brief
    # cannot tell from the officer's words which it was (the councillor's reading)
    assert assumed in text
    assert "Who was asked: a random sample of 8,000 addresses." in text
    assert ("Who was asked", "a random sample of 8,000 addresses") in given.details


def test_caveats_state_what_a_reader_must_know(hand_result) -> None:
    text = build_brief(hand_result).body_text()
    assert "The links use 770 of those 800: about 1 in 20 residents (4%) are left out" in text
    assert "What residents do is as they told us." in text
    assert re.search(r"We tested \d+ links\.", text)


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
        b for s in brief.sections for b in s.blocks if isinstance(b, Table) and b.header[0] == "Council"
    )
    # Hidden councils are one unnamed row: a small group's label is never printed (issue 12).
    assert not any(r[0] in (SMALL_COUNCIL, SECONDARY_COUNCIL) for r in council_table.rows)
    small = next(r for r in council_table.rows if r[0] == "Another answer")
    assert small[1:4] == ["not shown", "not shown", "not shown"]
    assert "Treat with caution" in " ".join(" ".join(r) for r in council_table.rows)
    assert "Council: Smallham" not in text  # its fixed effect is left out of the model tables


def test_html_is_escaped_and_has_headings(hand_result) -> None:
    html = brief_to_html(build_brief(hand_result, BriefOptions(survey_name=PAYLOAD + "<script>")))
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
    # The efficacy message's number is results.json's comparison (points scale), rounded,
    # for the form the verdict names; the brief and results.json trace the same terms.
    eff = next(m for m in brief.key_messages if m.terms == ["efficacy"])
    verdict = doc["comparison"]["efficacy"]["verdict"]
    assert verdict == "collective" and "act with others" in eff.text
    assert eff.number == f"{abs(doc['comparison']['efficacy']['points']['collective']):.0f} percentage points"
    items = brief.items()
    assert [m["text"] for m in items["key_messages"]] == [m.text for m in brief.key_messages]
    assert all(r["terms"] for r in items["recommendations"])
    assert "trust_council" not in [t for r in items["recommendations"] for t in r["terms"]]
    prose = brief.prose()
    assert offline_textstat.flesch_reading_ease(prose) >= 60
    assert offline_textstat.lexicon_count(prose) / offline_textstat.sentence_count(prose) <= 20
    assert _banned_in(brief.body_text()) == []


@pytest.mark.parametrize("bad", ["=1+1", "@SUM(A1)", "+44 1234"])
def test_survey_text_in_brief_is_plain_text(hand_result, bad: str) -> None:
    hand_result.item_levels[0].question = bad
    brief = build_brief(hand_result)
    assert isinstance(brief.all_text(), str)
