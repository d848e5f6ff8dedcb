"""Answer scales: labels to scores, the don't-know family, previews, thresholds."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.survey.scales import (
    BLANK,
    DECLARED,
    NUMERIC,
    UNKNOWN,
    detect_scale,
    looks_reverse_worded,
    missing_reason,
    norm,
    recode,
    recode_preview,
    threshold_position,
)


def scores(rec) -> list[float | None]:
    return [None if math.isnan(v) else v for v in rec.scores.tolist()]


@pytest.mark.parametrize(
    "answer", ["Don't know", "Dont know", "don't  know", "DON'T KNOW", "Don’t know ", "DK"]
)
def test_dont_know_spellings_are_one_answer(answer: str) -> None:
    assert missing_reason(answer) == "don't know"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("Prefer not to say", "prefer not to say"),
        ("Refused", "refused"),
        ("Not applicable", "not applicable"),
        ("N/A", "not applicable"),
        ("n/a", "not applicable"),
        ("No answer", "no answer"),
    ],
)
def test_missing_family(answer: str, reason: str) -> None:
    assert missing_reason(answer) == reason


def test_none_is_not_missing_unless_mapped() -> None:
    # "None" can be a real answer (e.g. "None of these"); it is never silently dropped.
    assert missing_reason("None") is None


def test_numbers_and_number_text_match() -> None:
    assert norm(9) == norm(9.0) == norm("9") == norm(" 9 ") == "9"
    assert norm(2.5) == norm("2.5")


def test_frequency_text_scores_and_counts() -> None:
    s = pd.Series(["Often", "sometimes", "NEVER", "Don't know", None, "Rarely", "Hardly"])
    rec = recode(s)
    assert rec.scale == "frequency_4"
    assert rec.labels == ["Never", "Rarely", "Sometimes", "Often"]
    assert scores(rec) == [3.0, 2.0, 0.0, None, None, 1.0, None]
    assert rec.missing_counts == {"don't know": 1, BLANK: 1}
    assert rec.unknown == {"Hardly": 1}  # reported, never guessed
    assert rec.numeric_unlabelled is False


def test_scores_keep_the_input_index() -> None:
    s = pd.Series(["Often", "Never"], index=[10, 20])
    rec = recode(s)
    assert rec.scores.index.tolist() == [10, 20]
    assert rec.scores.loc[10] == 3.0


def test_monthly_frequency_scale() -> None:
    s = pd.Series(
        [
            "At least once a week",
            "Less than once a week but at least once a month",
            "Less often",
            "Not at all",
        ]
    )
    rec = recode(s)
    assert rec.scale == "frequency_monthly"
    assert scores(rec) == [3.0, 2.0, 1.0, 0.0]


def test_agreement_four_and_five_point() -> None:
    four = recode(pd.Series(["Strongly agree", "Tend to agree", "Tend to disagree"]))
    assert four.scale == "agreement_4"
    assert scores(four) == [3.0, 2.0, 1.0]
    five = recode(pd.Series(["Strongly agree", "Neither agree nor disagree", "Strongly disagree"]))
    assert five.scale == "agreement_5"
    assert scores(five) == [4.0, 2.0, 0.0]


def test_satisfaction_amount_informed_yes_no() -> None:
    sat = recode(
        pd.Series(["Very satisfied", "Fairly dissatisfied", "Neither satisfied nor dissatisfied"])
    )
    assert (sat.scale, scores(sat)) == ("satisfaction_5", [4.0, 1.0, 2.0])
    amt = recode(pd.Series(["A great deal", "Not very much", "Not at all"]))
    assert (amt.scale, scores(amt)) == ("amount_4", [3.0, 1.0, 0.0])
    inf = recode(pd.Series(["Very well informed", "Not well informed at all"]))
    assert (inf.scale, scores(inf)) == ("informed_4", [3.0, 0.0])
    yn = recode(pd.Series(["Yes", "no", "Prefer not to say"]))
    assert (yn.scale, scores(yn)) == ("yes_no", [1.0, 0.0, None])


def test_ticked_blank_means_not_ticked() -> None:
    rec = recode(pd.Series(["Ticked", None, "Ticked", None]))
    assert rec.scale == "ticked"
    assert scores(rec) == [1.0, 0.0, 1.0, 0.0]
    assert BLANK not in rec.missing_counts


def test_leading_codes_in_labels_are_ignored() -> None:
    rec = recode(pd.Series(["4 - Often", "1 - Never", "2. Rarely"]))
    assert rec.scale == "frequency_4"
    assert scores(rec) == [3.0, 0.0, 1.0]


def test_value_labels_turn_codes_into_answers() -> None:
    labels = {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 9: "Don't know"}
    rec = recode(pd.Series([1, 4, 9, 3, np.nan]), value_labels=labels)
    assert rec.scale == "frequency_4"
    assert scores(rec) == [0.0, 3.0, None, 2.0, None]
    assert rec.missing_counts == {"don't know": 1, BLANK: 1}
    assert rec.numeric_unlabelled is False


def test_reversed_coding_order_in_labels_is_irrelevant() -> None:
    # SPSS files often code 1 = the TOP answer: the label text decides, not the code.
    labels = {
        1: "Definitely agree",
        2: "Tend to agree",
        3: "Tend to disagree",
        4: "Definitely disagree",
    }
    rec = recode(pd.Series([1, 4, 2]), value_labels=labels)
    assert scores(rec) == [3.0, 0.0, 2.0]


def test_declared_missing_codes() -> None:
    rec = recode(pd.Series([1, 2, 9, 4, 9]), extra_missing=[9])
    assert rec.scale == NUMERIC
    assert rec.numeric_unlabelled is True
    assert rec.labels == ["1", "2", "3", "4"]
    assert scores(rec) == [0.0, 1.0, None, 3.0, None]
    assert rec.missing_counts == {DECLARED: 2}


def test_declared_missing_text_answer() -> None:
    rec = recode(pd.Series(["Often", "Not available", "Never"]), extra_missing=["Not available"])
    assert scores(rec) == [3.0, None, 0.0]
    assert rec.missing_counts == {DECLARED: 1}
    assert rec.unknown == {}


def test_workbook_numbers_and_csv_text_give_the_same_scores() -> None:
    # A workbook can give numbers mixed with text; the same CSV gives text only.
    labels = {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often"}
    workbook = recode(pd.Series([1, 2, "Don't know", 4], dtype=object), value_labels=labels)
    csv = recode(pd.Series(["1", "2", "Don't know", "4"]), value_labels=labels)
    assert scores(workbook) == scores(csv) == [0.0, 1.0, None, 3.0]


def test_numbers_among_text_labels_are_unknown_not_guessed() -> None:
    rec = recode(pd.Series(["Often", 3, "Never"], dtype=object))
    assert scores(rec) == [3.0, None, 0.0]
    assert rec.unknown == {"3": 1}


def test_unrecognised_scale() -> None:
    rec = recode(pd.Series(["Blue", "Green"]))
    assert rec.scale == UNKNOWN
    assert rec.unknown == {"Blue": 1, "Green": 1}
    assert rec.scores.isna().all()


def test_reverse() -> None:
    rec = recode(pd.Series(["Definitely agree", "Tend to disagree"]), reverse=True)
    assert rec.reversed is True
    assert scores(rec) == [0.0, 2.0]
    assert rec.rescaled().tolist() == pytest.approx([0.0, 2 / 3])


def test_preview_explains_each_answer() -> None:
    s = pd.Series(["Often", "Often", "Never", "Don't know", None, "Weird"])
    p = recode_preview(s)
    assert list(p.columns) == ["answer", "count", "score", "what happens"]
    assert p["answer"].tolist()[:2] == ["Never", "Often"]
    row = p.set_index("answer")
    assert row.loc["Often", "count"] == 2
    assert row.loc["Often", "score"] == 3.0
    assert "missing" in row.loc["Don't know", "what happens"]
    assert "not a recognised answer" in row.loc["Weird", "what happens"]
    assert math.isnan(row.loc["(blank)", "score"])


def test_detect_scale_prefers_the_shorter_scale_on_a_tie() -> None:
    assert detect_scale(["Never", "Sometimes", "Often"]) == "frequency_4"
    # Three answers and nothing between them: the equally spaced 3-point scale, not three
    # points of the 5-point one (which would score them 0, 2, 4 of 4 and leave gaps).
    assert detect_scale(["Never", "Sometimes", "Always"]) == "frequency_3"
    assert detect_scale(["Always", "Often", "Sometimes", "Never"]) == "frequency_always_4"
    assert detect_scale(["Don't know", 3]) is None


@pytest.mark.parametrize(
    ("scale", "threshold", "position"),
    [
        ("frequency_4", "sometimes", 2),
        ("frequency_monthly", "sometimes", 2),  # = "at least monthly"
        ("frequency_monthly", "often", 3),  # = "at least weekly"
        ("frequency_4", "at least monthly", 2),
        ("frequency_4", "often", 3),
        ("frequency_5", "sometimes", 2),
        ("yes_no", "sometimes", 1),
        ("ticked", "sometimes", 1),
        ("frequency_4", "weekly-ish", None),
        ("unknown scale", "sometimes", None),
    ],
)
def test_threshold_position(scale: str, threshold: str, position: int | None) -> None:
    assert threshold_position(scale, threshold) == position


def test_reverse_wording_detection() -> None:
    assert looks_reverse_worded(
        "To what extent do you agree or disagree that it is too difficult for someone like "
        "me to make a difference to the local area?"
    )
    assert looks_reverse_worded("People like me have no say in what the council does")
    assert looks_reverse_worded("I can't make a difference to my area")
    assert not looks_reverse_worded(
        "To what extent do you agree that people in this area can make a difference by "
        "working together?"
    )
    assert not looks_reverse_worded("You can influence decisions affecting your local area")


def test_fifty_thousand_rows_are_fast() -> None:
    import time

    rng = np.random.default_rng(1)
    answers = np.array(["Never", "Rarely", "Sometimes", "Often", "Don't know", None], dtype=object)
    s = pd.Series(answers[rng.integers(0, 6, 50_000)])
    t0 = time.perf_counter()
    rec = recode(s)
    elapsed = time.perf_counter() - t0
    assert rec.scale == "frequency_4"
    assert rec.scores.notna().sum() + sum(rec.missing_counts.values()) == 50_000
    assert elapsed < 0.25


def test_threshold_spelled_as_another_frequency_answer() -> None:
    assert threshold_position("frequency_4", "At least once a month") == 2
    assert threshold_position("frequency_monthly", "at least once a week") == 3
    assert threshold_position("frequency_monthly", "Sometimes") == 2


def test_preview_of_labelled_codes_shows_code_and_label() -> None:
    labels = {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 9: "Don't know"}
    p = recode_preview(pd.Series([4, 4, 1, 9]), value_labels=labels)
    assert p["answer"].tolist() == ["1 = Never", "4 = Often", "9 = Don't know"]
    assert p["count"].tolist() == [1, 2, 1]
    assert p["what happens"].tolist()[1] == "score 3 of 0–3"


def test_only_the_ends_of_a_scale_labelled() -> None:
    # 1 = "Strongly agree" ... 7 = "Strongly disagree", 2-6 bare: codes are the order,
    # the labels say agreeing is the top, so the codes are turned round.
    labels = {1: "Strongly agree", 7: "Strongly disagree", 9: "Don't know"}
    rec = recode(pd.Series([1, 2, 7, 5, 9]), value_labels=labels)
    assert scores(rec) == [6.0, 5.0, 0.0, 2.0, None]
    assert rec.labels[0] == "7 = Strongly disagree"
    assert rec.labels[-1] == "1 = Strongly agree"
    assert rec.numeric_unlabelled is True
    assert rec.unknown == {}
    assert rec.missing_counts == {"don't know": 1}
