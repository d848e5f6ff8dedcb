"""What an independent reader of the demo brief stumbled on, one test each.

The reader, with only the PDF, could not say whether consultation matters more for doing
things yourself or acting with others: each driver had two sizes (a raw split, then a
modelled gap between the scale's ends), the verdict 'similar' had three phrasings and the
index-model table pointed the other way. These tests read the demo brief (the planted
survey, through the real pipeline) and its Word file.
"""

from __future__ import annotations

import re

import pytest

from coprod_gui.report.brief import build_brief
from coprod_gui.report.docx_writer import build_document
from coprod_gui.report.options import BriefOptions

OPTIONS = BriefOptions(
    survey_name="Resident Survey 2024",
    fieldwork="September to October 2024",
    contact="Policy team, policy@example.gov.uk",
)


@pytest.fixture(scope="module")
def demo_brief(demo_result):
    return build_brief(demo_result, OPTIONS)


def test_driver_finding_is_one_contrast_said_as_levels(demo_brief, demo_result) -> None:
    """One contrast per driver: the predicted levels at the scale's two ends, and their gap
    (no raw 'feel they can / do not' split beside a modelled gap between other groups)."""
    body = demo_brief.body_text()
    assert "among those who do not" not in body
    ends = demo_result.ends["efficacy"]["collective"]
    hi, lo = round(ends["high"]), round(ends["low"])
    gap = demo_result.comparison["efficacy"].points.collective
    assert round(hi - lo) == round(gap)  # the levels and the gap are one contrast
    assert (
        f"({hi}%) of residents who feel most able to make a difference act with others, "
        f"against more than 1 in 10 ({lo}%) of those who feel least able, among otherwise "
        f"similar residents: a gap of {round(gap)} percentage points."
    ) in body
    # and how many residents sit at each end
    share_hi = round(demo_result.ends["efficacy"]["share_high"])
    assert f"Of all residents, {share_hi}% give the most favourable answers" in body
    # key messages: one number each, and 'links, not proof of cause' said once near them
    eff = next(m for m in demo_brief.key_messages if m.terms == ["efficacy"])
    assert eff.text.startswith("About 3 in 5 residents who feel most able")
    assert eff.number == f"{round(gap)} percentage points"
    assert "not proof of cause" in demo_brief.key_note
    assert body.count("not proof of cause") == 1


def test_age_is_one_comparison_in_the_surveys_bands(demo_brief, demo_result) -> None:
    """Age came in bands: the body compares the youngest and oldest band everywhere, never
    'aged 70 against 30' (ages the survey never asked)."""
    body = demo_brief.all_text()
    assert "aged 70" not in body and "70 against 30" not in body
    assert demo_result.ends["age"]["low_label"] == "16-24"
    assert "of residents aged 75+ act with others, against" in body
    assert "Age (75+ against 16-24)" in body  # the appendix table names the same contrast


def test_similar_has_one_phrase_and_never_claims_equality(demo_brief) -> None:
    body = demo_brief.body_text()
    for old in ("no stronger", "No clear difference", "cannot say it is stronger", "much the same"):
        assert old not in body, old
    assert "We cannot tell which form it matters more for: satisfaction with how" in body
    # why a bigger gap for the rarer form is not on its own evidence, said once
    assert body.count("is not on its own evidence") == 1
    # a link clear for one form only, in plain words
    assert "The link is clear for acting with others but not for doing things for" in body
    assert "The link shows for acting with others only" not in body  # read as 'it matters more'
    assert (
        "A form most residents already do has less room to rise. Allowing for that, we cannot "
        "tell which form it matters more for."
    ) in body
    # Figure 3's note says the verdict beside the markers
    chart = next(
        b for s in demo_brief.body_sections() for b in s.blocks if getattr(b, "kind", "") == "drivers"
    )
    assert chart.note.startswith("Which form it matters more for: ")
    assert "we cannot tell for satisfaction with how the council consults" in chart.note
    assert "acting with others for feeling able to make a difference" in chart.note


def test_no_index_table_and_no_code_names_in_the_brief(demo_brief) -> None:
    text = demo_brief.all_text()
    assert "Index models:" not in text and "Std." not in text
    for code in ("trust_council", "consultation_satisfaction", "levels.individual", "efficacy,"):
        assert code not in text, code
    assert not re.search(r"\b(Individual|Collective)\b", text)
    assert "Acting with others" in text and "Doing things for themselves" in text


def test_about_the_survey_near_the_front(demo_brief) -> None:
    about = demo_brief.sections[0]
    assert about.heading == "About the survey"
    text = "\n".join(demo_brief.body_text().split("About the survey", 1)[1].split("How common", 1)[:1])
    assert "Resident Survey 2024, carried out September to October 2024" in text
    assert "5,000 residents answered" in text
    assert "The links use 3,994 of those 5,000: about 1 in 5 residents (20%) are left out" in text
    assert "Contact: Policy team, policy@example.gov.uk." in text
    assert "workbook results.xlsx" in text
    # the demo's weight varies, but what it matches is the officer's to say, not ours
    assert "weighted with the survey's own weights" in text
    assert "local population" not in text
    assert "A share for all residents is likely to be within 1 percentage point of the true" in text


def test_group_table_base_is_its_own(demo_brief) -> None:
    """Table 2's groups added to 4,931, not the 5,000 its source line said. Now each group
    table ends with 'All residents' (the row a reader compares with): the source line gives
    that row's base, and the groups plus those who gave no group add up to it."""
    tables = {t.title: t for s in demo_brief.body_sections() for t in s.blocks if hasattr(t, "rows")}
    group_tables = [t for t in tables.values() if t.rows and t.rows[-1][0] == "All residents"]
    assert len(group_tables) >= 2  # council and age group
    for t in group_tables:
        def n(cell: str) -> int:
            return int(cell.replace(",", ""))

        everyone = n(t.rows[-1][3])
        counted = sum(n(r[3]) for r in t.rows[:-1] if r[3].replace(",", "").isdigit())
        left_out = re.search(r"([\d,]+) residents (?:gave no|are in no)", t.note)
        assert counted + (n(left_out.group(1)) if left_out else 0) == everyone, t.title
        assert t.source.endswith(f"base: {everyone:,} residents"), (t.title, t.source)
    age = next(t for t in group_tables if t.header[0] == "Age group")
    assert "69 residents gave no age group: they are counted in 'All residents' only." in age.note
    assert age.rows[-1][1:3] == ["93%", "32%"]  # the key messages' figures


def test_options_are_distinct_and_measured_from_a_baseline(demo_brief) -> None:
    recs = [r.text for r in demo_brief.recommendations]
    assert len(recs) == 2
    actions = [r.split(" The finding behind this:", 1)[0] for r in recs]
    assert not any("report back" in a for a in actions[1:]) or "report back" not in actions[0]
    words = [set(re.findall(r"[a-z']{5,}", a.lower())) for a in actions]
    assert len(words[0] & words[1]) <= 2, words[0] & words[1]  # no two say the same thing
    for r in recs:
        assert re.search(r"Measure against today: \d+% of residents", r), r


def test_word_layout_keeps_headings_and_minus_signs(demo_brief, demo_result) -> None:
    doc = build_document(demo_brief, demo_result, OPTIONS)
    for p in doc.paragraphs:
        if p.style.name.startswith("Heading") or p.style.name == "Caption":
            assert p.paragraph_format.keep_with_next, p.text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert not [c for c in cells if re.search(r"(^|[\s(])-\d", c)], "a hyphen as a minus sign"
    assert any("\u2212" in c for c in cells)  # negative ranges use the minus sign


def test_a_background_group_reads_like_every_other_bullet(demo_brief, demo_result) -> None:
    """A category (education) bullet says who is more or less likely to do what, then the
    gap, as the driver and age bullets do; never 'the chance of taking part is 9 percentage
    points less ... and no clear gap of 5 percentage points'."""
    body = demo_brief.body_text()
    assert "the chance of taking part is" not in body
    link = demo_result.comparison["education=Other qualifications"].points.collective
    assert link < 0
    assert (
        "Residents in the 'Other qualifications' education group are less likely to act "
        "with others than those in the 'Degree or higher' group, among otherwise similar "
        f"residents: a gap of {round(abs(link))} percentage points."
    ) in body


def test_p_values_never_print_as_certainty() -> None:
    """A Holm-corrected p of 1 printed '1.000' in Table A2; like '0.000', it reads as
    certainty."""
    from coprod_gui.report.appendix import p_text

    assert [p_text(v) for v in (0.0004, 0.0123, 0.9994, 0.9996, 1.0)] == [
        "<0.001", "0.012", "0.999", ">0.999", ">0.999",
    ]


def test_the_methods_say_how_many_years_the_age_gap_spans(demo_brief, demo_result) -> None:
    """The methods read 'times the years between 75+ against 16-24'; they now give the span."""
    text = demo_brief.all_text()
    assert "years between" not in text
    young, old = demo_result.ends["age"]["low"], demo_result.ends["age"]["high"]
    assert f"times the {old - young:g} years from the 16-24 band's midpoint to the 75+ band's" in text


GAP = re.compile(
    r"\((\d+)%\)(?:(?!\(\d+%\)).)*?against (?:(?!\(\d+%\)).)*?\((\d+)%\)[^:.]*: a gap of "
    r"(\d+) percentage points?"
)


def test_every_printed_gap_is_the_difference_of_the_printed_shares(demo_brief) -> None:
    """The councillor's pencil check: '96% against 90%: a gap of 7' (the gap came from the
    unrounded shares). Every 'X% ... against Y%: a gap of N' in the brief has N = X - Y, and
    the key messages' gap between the forms equals the difference of their two shares."""
    text = demo_brief.all_text()
    found = GAP.findall(text)
    assert len(found) >= 4
    for high, low, gap in found:
        assert abs(int(high) - int(low)) == int(gap), (high, low, gap)
    msgs = [m.text for m in demo_brief.key_messages]
    shares = [int(re.search(r"\((\d+)%\)", m).group(1)) for m in msgs[:2]]
    gap = int(re.search(r"a gap of (\d+) percentage points", msgs[2]).group(1))
    assert shares[0] - shares[1] == gap
