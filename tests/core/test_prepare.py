"""Preparing real files: stacked, recoded, checked; asserting on the prepared values."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.errors import Cancelled, InputError
from coprod_gui.core.io.reading import read_survey
from coprod_gui.core.survey.example import example_survey_paths
from coprod_gui.core.survey.mapping import mapping_from_dict, suggest_mapping
from coprod_gui.core.survey.prepare import prepare, tidy_name
from coprod_gui.core.survey.synthetic import generate_survey
from coprod_gui.core.types import Mapping, RawTable, SurveyFrame
from tests.file_builders import write_csv, write_dta, write_ods, write_sav, write_xlsx

RECYCLE = "How often have you recycled household waste?"
VOLUNTEER = "How often have you volunteered for a local group?"
INFLUENCE = "Do you agree that you can influence decisions affecting your local area?"
CONSULT = "How satisfied are you with the way the council consults residents?"


def small_frame() -> pd.DataFrame:
    """Six respondents whose prepared values are worked out by hand in the tests."""
    return pd.DataFrame(
        {
            "Respondent ID": ["001", "002", "003", "004", "005", "006"],
            "Council": ["Northshire"] * 3 + ["Southvale"] * 3,
            RECYCLE: ["Often", "Sometimes", "Never", "Don't know", "Rarely", None],
            VOLUNTEER: ["Never", "Never", "Sometimes", "Often", "Never", "never"],
            INFLUENCE: [
                "Definitely agree",
                "Tend to agree",
                "Tend to disagree",
                "Definitely disagree",
                "Don't know",
                "Tend to agree",
            ],
            CONSULT: [
                "Very satisfied",
                "Fairly satisfied",
                "Neither satisfied nor dissatisfied",
                "Fairly dissatisfied",
                "Very dissatisfied",
                "Dont know",
            ],
            "Age": [25, 34, 47, 70, 130, None],
            "Gender": ["Female", "Male", "Female", "Prefer not to say", "Male", "female"],
            "Weight": [1.0, 0.5, 1.5, 0.0, 2.0, None],
        }
    )


def values(s: pd.Series) -> list:
    return [None if (isinstance(v, float) and math.isnan(v)) or v is None else v for v in s]


def messages(survey: SurveyFrame) -> str:
    return "\n".join(i.message for i in survey.quality.issues)


def check_small_survey(survey: SurveyFrame) -> None:
    """The hand-worked values of :func:`small_frame`, whatever the file format."""
    d = survey.data
    assert len(d) == 6
    assert values(d["authority"].astype(object)) == ["Northshire"] * 3 + ["Southvale"] * 3
    assert isinstance(d["authority"].dtype, pd.CategoricalDtype)
    assert values(d["individual_1"]) == [3.0, 2.0, 0.0, None, 1.0, None]
    assert values(d["collective_1"]) == [0.0, 0.0, 2.0, 3.0, 0.0, 0.0]
    assert d["efficacy"].tolist()[:4] == pytest.approx([1.0, 2 / 3, 1 / 3, 0.0])
    assert math.isnan(d["efficacy"][4])
    assert d["consultation_satisfaction"].tolist()[:5] == pytest.approx([1, 0.75, 0.5, 0.25, 0])
    assert values(d["age"]) == [25.0, 34.0, 47.0, 70.0, None, None]
    assert values(d["age_band"].astype(object)) == [
        "16-34",
        "16-34",
        "35-54",
        "55-74",
        None,
        None,
    ]
    assert list(d["gender"].cat.categories) == ["Female", "Male"]
    assert values(d["gender"].astype(object)) == [
        "Female",
        "Male",
        "Female",
        None,
        "Male",
        "Female",
    ]
    assert values(d["weight"]) == [1.0, 0.5, 1.5, None, 2.0, None]
    assert survey.weighted is True
    assert survey.drivers == ["efficacy", "consultation_satisfaction"]
    assert survey.controls == ["age", "gender"]
    (ind,) = survey.items_of("individual")
    assert ind.source == RECYCLE
    assert ind.labels == ["Never", "Rarely", "Sometimes", "Often"]
    assert ind.regular_from == 2
    assert ind.area == "local_environment"
    text = messages(survey)
    assert f"2 answers in {RECYCLE!r} became missing: 1 don't know, 1 blank." in text
    assert "1 ages in 'Age' are below 16 or above 110" in text
    assert "1 have no usable weight and 1 have a weight of zero or less" in text


def test_xlsx_with_title_rows_second_sheet_and_duplicate_headers(tmp_path: Path) -> None:
    df = small_frame()
    df["Gender (again)"] = df["Gender"]
    header = [*df.columns[:-1], "Gender"]  # a duplicate header, as agencies send
    path = write_xlsx(
        df,
        tmp_path / "resident survey.xlsx",
        title_rows=["Resident survey 2024", "Base: all respondents"],
        extra_sheet_first="Notes",
        header=header,
    )
    table = read_survey(path)
    assert table.sheet == "Data"
    mapping, _ = suggest_mapping([table])
    assert mapping.get("gender") == ["Gender"]
    survey = prepare([table], mapping)
    check_small_survey(survey)
    assert survey.quality.rows_per_file == {"resident survey.xlsx [Data]": 6}
    text = messages(survey)
    assert "the column header 'Gender' was renamed 'Gender (2)'" in text
    assert "another column already has this name" in text


def test_cp1252_csv_with_pound_and_accent(tmp_path: Path) -> None:
    df = small_frame()
    df["Council"] = ["Ashé Vale"] * 3 + ["Southvale"] * 3
    df["Spend per resident (£)"] = ["£12", "£15", "£9", "£11", "£10", "£13"]
    table = read_survey(write_csv(df, tmp_path / "survey.csv", encoding="cp1252"))
    assert table.encoding in ("cp1252", "windows-1252")
    mapping, _ = suggest_mapping([table])
    survey = prepare([table], mapping)
    assert list(survey.data["authority"].cat.categories) == ["Ashé Vale", "Southvale"]
    # Same answers, same prepared values as the workbook: text and numbers handled alike.
    survey.data["authority"] = pd.Categorical(
        survey.data["authority"].astype(str).str.replace("Ashé Vale", "Northshire")
    )
    check_small_survey(survey)


def test_ods(tmp_path: Path) -> None:
    table = read_survey(write_ods(small_frame(), tmp_path / "survey.ods"))
    mapping, _ = suggest_mapping([table])
    check_small_survey(prepare([table], mapping))


FREQ = {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 8: "Refused", 9: "Don't know"}
AGREE = {1: "Definitely agree", 2: "Tend to agree", 3: "Tend to disagree", 4: "Definitely disagree"}


def coded_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "q1": [4, 3, 1, 8, 2, 9],
            "q2": [1, 1, 3, 4, 1, 1],
            "q3": [1, 2, 3, 4, 2, 1],
            "age": [25, 34, 47, 70, 52, 61],
            "la": [1, 1, 2, 2, 2, 1],
        }
    )


def coded_labels() -> tuple[dict, dict]:
    variable = {
        "q1": "Recycled household waste",
        "q2": "Volunteered for a local group",
        "q3": "People like me can influence decisions affecting the local area",
        "age": "Age of respondent",
        "la": "Local authority",
    }
    value = {"q1": FREQ, "q2": FREQ, "q3": AGREE, "la": {1: "Northshire", 2: "Southvale"}}
    return variable, value


def test_sav_with_value_labels_and_user_missing_codes(tmp_path: Path) -> None:
    variable, value = coded_labels()
    path = write_sav(
        coded_frame(),
        tmp_path / "panel.sav",
        variable_labels=variable,
        value_labels=value,
        missing={"q1": [8]},
    )
    table = read_survey(path)
    mapping, _ = suggest_mapping([table])
    assert mapping.get("individual_coproduction") == ["q1"]
    assert mapping.get("collective_coproduction") == ["q2"]
    assert mapping.get("efficacy") == ["q3"]
    survey = prepare([table], mapping)
    d = survey.data
    # 8 is a declared user-missing code; 9 is labelled "Don't know": both missing.
    assert values(d["individual_1"]) == [3.0, 2.0, 0.0, None, 1.0, None]
    # Code 1 = "Definitely agree" is the TOP of the scale: labels decide, not codes.
    assert d["efficacy"].tolist() == pytest.approx([1, 2 / 3, 1 / 3, 0, 2 / 3, 1])
    assert values(d["age"]) == [25.0, 34.0, 47.0, 70.0, 52.0, 61.0]
    assert list(d["authority"].cat.categories) == ["Northshire", "Southvale"]
    item = survey.items_of("individual")[0]
    assert item.source == "Recycled household waste"
    text = messages(survey)
    assert "2 answers in 'q1' became missing: 1 don't know, 1 declared missing code." in text or (
        "2 answers in 'q1' became missing: 1 declared missing code, 1 don't know." in text
    )


def test_dta_with_value_labels(tmp_path: Path) -> None:
    variable, value = coded_labels()
    value = {k: {c: lab for c, lab in v.items() if c < 8} for k, v in value.items()}
    df = coded_frame()
    df.loc[df["q1"] >= 8, "q1"] = 2
    table = read_survey(
        write_dta(df, tmp_path / "panel.dta", variable_labels=variable, value_labels=value)
    )
    mapping, _ = suggest_mapping([table])
    survey = prepare([table], mapping)
    assert values(survey.data["individual_1"]) == [3.0, 2.0, 0.0, 1.0, 1.0, 1.0]
    assert survey.data["efficacy"][0] == 1.0
    assert survey.items_of("collective")[0].labels[-1] == "Often"


def test_numeric_codes_with_9_dont_know_via_mapping(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "Q1 recycle": [1, 2, 3, 4, 9, 2],
            "Q2 volunteer": [1, 1, 9, 4, 1, 2],
        }
    )
    table = read_survey(write_csv(df, tmp_path / "codes.csv"))
    mapping = mapping_from_dict(
        {
            "schema": "coprod-mapping/1",
            "columns": {
                "individual_coproduction": ["Q1 recycle"],
                "collective_coproduction": ["Q2 volunteer"],
            },
            "missing": [9],
        }
    )
    survey = prepare([table], mapping)
    assert values(survey.data["individual_1"]) == [0.0, 1.0, 2.0, 3.0, None, 1.0]
    item = survey.items_of("individual")[0]
    assert item.labels == ["1", "2", "3", "4"]
    assert item.scale == "numeric codes"
    text = messages(survey)
    assert "'Q1 recycle' holds numbers without answer labels" in text
    assert "1 answers in 'Q1 recycle' became missing: 1 declared missing code." in text
    warn = [i for i in survey.quality.warnings if "without answer labels" in i.message]
    assert warn and warn[0].severity == "warning"


def test_without_missing_9_the_code_is_an_ordered_score_and_warned(tmp_path: Path) -> None:
    df = pd.DataFrame({"Q1 recycle": [1, 2, 9]})
    table = read_survey(write_csv(df, tmp_path / "codes.csv"))
    m = Mapping(columns={"individual_coproduction": ["Q1 recycle"]})
    survey = prepare([table], m)
    assert values(survey.data["individual_1"]) == [0.0, 1.0, 8.0]
    assert "numbers without answer labels" in messages(survey)


def test_stacking_files_council_from_file_name(tmp_path: Path) -> None:
    df = small_frame().drop(columns=["Council"])
    a = read_survey(write_csv(df, tmp_path / "kelworth_2024.csv"))
    b = read_survey(write_csv(df.drop(columns=[VOLUNTEER]).head(4), tmp_path / "marrowby-2024.csv"))
    mapping, _ = suggest_mapping([a, b])
    assert mapping.get("collective_coproduction") == [VOLUNTEER]
    assert not mapping.has("authority")
    survey = prepare([a, b], mapping)
    d = survey.data
    assert len(d) == 10
    assert d["authority"].value_counts().to_dict() == {"Kelworth 2024": 6, "Marrowby 2024": 4}
    assert values(d["collective_1"])[6:] == [None] * 4
    assert values(d["individual_1"])[6:] == [3.0, 2.0, 0.0, None]
    assert survey.quality.rows_per_file == {"kelworth_2024.csv": 6, "marrowby-2024.csv": 4}
    assert survey.sources == ["kelworth_2024.csv", "marrowby-2024.csv"]
    assert (
        f"The column {VOLUNTEER!r} (Collective co-production) is not in marrowby-2024.csv: "
        "its 4 respondents count as not having answered it." in messages(survey)
    )


def test_tidy_name() -> None:
    assert tidy_name("kelworth_2024") == "Kelworth 2024"
    assert tidy_name("north-east_LINCS") == "North East LINCS"


def test_age_bands_become_midpoints_and_keep_own_bands(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            RECYCLE: ["Often"] * 7,
            "Age group": ["16 to 24", "25-34", "65 and over", "75+", "Refused", "35 - 44", "X"],
        }
    )
    table = read_survey(write_csv(df, tmp_path / "bands.csv"))
    m = Mapping(columns={"individual_coproduction": [RECYCLE], "age": ["Age group"]})
    survey = prepare([table], m)
    assert values(survey.data["age"]) == [20.0, 29.5, 70.0, 80.0, None, 39.5, None]
    assert list(survey.data["age_band"].cat.categories) == [
        "16 to 24",
        "25-34",
        "35 - 44",
        "65 and over",
        "75+",
    ]
    assert survey.data["age_band"][2] == "65 and over"
    text = messages(survey)
    # The unknown label is listed for the window, never guessed, never in the exported text.
    unknown = next(i for i in survey.quality.issues if i.examples)
    assert unknown.examples == ["X"] and unknown.count == 1
    assert "(1 different answer)" in unknown.message and "'X'" not in unknown.message
    assert "1 refused" in text


def test_reverse_list_wins_and_unlisted_negative_wording_is_warned(tmp_path: Path) -> None:
    neg = "It is too difficult for someone like me to make a difference to the local area"
    df = pd.DataFrame(
        {
            RECYCLE: ["Often", "Never"],
            neg: ["Definitely agree", "Definitely disagree"],
        }
    )
    table = read_survey(write_csv(df, tmp_path / "neg.csv"))
    suggested, _ = suggest_mapping([table])
    assert suggested.reverse == [neg]
    survey = prepare([table], suggested)
    assert survey.data["efficacy"].tolist() == [0.0, 1.0]  # agreeing = LESS efficacy
    plain = Mapping(columns={"individual_coproduction": [RECYCLE], "efficacy": [neg]})
    survey2 = prepare([table], plain)
    assert survey2.data["efficacy"].tolist() == [1.0, 0.0]
    assert "looks worded against" in messages(survey2)


def test_threshold_on_monthly_scale(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "How often have you given unpaid help to a local group?": [
                "At least once a week",
                "Less often",
                "At least once a month",
                "Not at all",
            ]
        }
    )
    table = read_survey(write_csv(df, tmp_path / "cls.csv"))
    m = Mapping(columns={"collective_coproduction": list(df.columns)})
    item = prepare([table], m).items[0]
    assert item.scale == "frequency_monthly"
    assert item.regular_from == 2  # "sometimes" = "at least monthly"
    m.threshold = "often"
    assert prepare([table], m).items[0].regular_from == 3  # = "at least weekly"


def test_respondents_without_any_coproduction_answer_are_kept_and_noted(tmp_path: Path) -> None:
    df = pd.DataFrame({RECYCLE: ["Often", None, "Never"], VOLUNTEER: ["Never", "Don't know", None]})
    table = read_survey(write_csv(df, tmp_path / "s.csv"))
    survey = prepare([table], suggest_mapping([table])[0])
    assert len(survey.data) == 3
    assert "1 respondents answered none of the co-production questions" in messages(survey)


def test_unknown_labels_listed_never_guessed(tmp_path: Path) -> None:
    # Three of five answers unknown: the question is held back with them listed, never
    # scored as if "Often" and "Never" were the whole scale.
    df = pd.DataFrame(
        {
            RECYCLE: ["Often", "Oftn", "Oftn", "Most days", "Never"],
            VOLUNTEER: ["Often", "Never", "Sometimes", "Rarely", "Never"],
        }
    )
    table = read_survey(write_csv(df, tmp_path / "s.csv"))
    m = Mapping(
        columns={"individual_coproduction": [RECYCLE], "collective_coproduction": [VOLUNTEER]}
    )
    survey = prepare([table], m)
    assert [i.source for i in survey.items] == [VOLUNTEER]
    issue = next(i for i in survey.quality.issues if i.examples)
    assert sorted(issue.examples) == ["Most days", "Oftn"]
    assert issue.severity == "error" and "needs checking" in issue.message
    defn = survey.mapping.definitions[RECYCLE]
    assert defn.status == "held back"
    assert {a.label: a.count for a in defn.unknown} == {"Oftn": 2, "Most days": 1}
    assert defn.answer("often").score == 3.0


def test_one_stray_answer_is_missing_and_reported_not_a_reason_to_hold_back(tmp_path: Path) -> None:
    df = pd.DataFrame({RECYCLE: ["Often", "Never", "Sometimes", "Rarely"] * 25 + ["Oftn"]})
    table = read_survey(write_csv(df, tmp_path / "s.csv"))
    survey = prepare([table], Mapping(columns={"individual_coproduction": [RECYCLE]}))
    assert survey.items[0].labels == ["Never", "Rarely", "Sometimes", "Often"]
    assert np.isnan(survey.data["individual_1"].iloc[-1])
    issue = next(i for i in survey.quality.issues if i.examples)
    assert issue.examples == ["Oftn"] and issue.count == 1
    assert survey.mapping.definitions[RECYCLE].status == "to check"


def test_mapping_naming_a_missing_column(tmp_path: Path) -> None:
    table = read_survey(write_csv(small_frame(), tmp_path / "s.csv"))
    m = Mapping(columns={"collective_coproduction": ["Q7 Volunteer"]})
    with pytest.raises(InputError) as err:
        prepare([table], m)
    assert "'Q7 Volunteer' for Collective co-production, but no file has it" in str(err.value)


def test_mapping_without_coproduction_items(tmp_path: Path) -> None:
    table = read_survey(write_csv(small_frame(), tmp_path / "s.csv"))
    with pytest.raises(InputError, match="no co-production questions"):
        prepare([table], Mapping(columns={"age": ["Age"]}))


def test_progress_and_cancel(tmp_path: Path) -> None:
    table = read_survey(write_csv(small_frame(), tmp_path / "s.csv"))
    mapping, _ = suggest_mapping([table])
    seen: list[float] = []
    prepare([table], mapping, progress=lambda f, _m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)
    with pytest.raises(Cancelled):
        prepare([table], mapping, is_cancelled=lambda: True)


# --- the bundled example and speed -------------------------------------------------------


@pytest.fixture(scope="module")
def example_table() -> RawTable:
    return read_survey(example_survey_paths()[0])


def test_bundled_example_end_to_end(example_table: RawTable) -> None:
    mapping, _ = suggest_mapping([example_table])
    survey = prepare([example_table], mapping)
    d = survey.data
    assert d["authority"].nunique() == 5
    assert 4500 <= len(d) <= 5500
    assert survey.weighted
    assert survey.drivers == [
        "efficacy",
        "consultation_satisfaction",
        "informed",
        "trust_council",
        "area_satisfaction",
    ]
    assert len(survey.items_of("individual")) == 6
    assert len(survey.items_of("collective")) == 5

    def regular_share(form: str) -> float:
        items = survey.items_of(form)
        flags = np.column_stack([d[i.column].to_numpy() >= i.regular_from for i in items])
        return float(flags.any(axis=1).mean())

    assert regular_share("individual") > regular_share("collective") + 0.3
    assert d["age"].between(16, 90).all() or d["age"].isna().any()
    for name in survey.drivers:
        assert d[name].min() == 0.0 and d[name].max() == 1.0


def test_fifty_thousand_rows_prepare_fast() -> None:
    df = pd.concat([generate_survey(5_000, seed=3)] * 10, ignore_index=True)
    table = RawTable(source=Path("big.xlsx"), frame=df, format="xlsx")
    mapping, _ = suggest_mapping([table])
    times = []
    for _ in range(2):  # best of two: the test measures our code, not a busy machine
        t0 = time.perf_counter()
        survey = prepare([table], mapping)
        times.append(time.perf_counter() - t0)
    elapsed = min(times)
    assert len(survey.data) == 50_000
    assert len(survey.items) == 11
    assert elapsed < 1.0, f"prepare took {elapsed:.2f} s"


def test_mixed_numbers_and_text_handled_alike_in_workbook_and_csv(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {"Q1 How often do you recycle?": [1, 2, "Don't know", 4, 3, None], "ID": list("abcdef")}
    )
    xlsx = read_survey(write_xlsx(df, tmp_path / "mixed.xlsx"))
    csv = read_survey(write_csv(df, tmp_path / "mixed.csv"))
    assert xlsx.frame.iloc[:, 0].tolist()[0] == 1  # the workbook keeps the number
    assert csv.frame.iloc[:, 0].tolist()[0] == "1"  # the CSV gives text
    m = Mapping(columns={"individual_coproduction": [df.columns[0]]})
    a, b = prepare([xlsx], m), prepare([csv], m)
    assert values(a.data["individual_1"]) == values(b.data["individual_1"])
    assert values(a.data["individual_1"]) == [0.0, 1.0, None, 3.0, 2.0, None]
    assert "holds both numbers and text in mixed.xlsx" in messages(a)
    assert "numbers without answer labels" in messages(a)


def test_same_age_band_spelled_differently_in_two_files(tmp_path: Path) -> None:
    one = pd.DataFrame({RECYCLE: ["Often", "Never"], "Age": ["25-34", "75+"]})
    two = pd.DataFrame({RECYCLE: ["Often", "Never"], "Age": ["25 to 34", "35-44"]})
    tables = [
        read_survey(write_csv(one, tmp_path / "a.csv")),
        read_survey(write_csv(two, tmp_path / "b.csv")),
    ]
    m = Mapping(columns={"individual_coproduction": [RECYCLE], "age": ["Age"]})
    survey = prepare(tables, m)
    assert list(survey.data["age_band"].cat.categories) == ["25-34", "35-44", "75+"]
    assert values(survey.data["age_band"].astype(object)) == ["25-34", "75+", "25-34", "35-44"]
    assert values(survey.data["age"]) == [29.5, 80.0, 29.5, 39.5]


def test_reader_notes_reach_the_quality_report(tmp_path: Path) -> None:
    path = write_xlsx(small_frame(), tmp_path / "s.xlsx", extra_sheet_first="About")
    table = read_survey(path)
    survey = prepare([table], suggest_mapping([table])[0])
    notes = [i for i in survey.quality.issues if i.source == table.name and i.severity == "info"]
    assert any(n.message in table.notes for n in notes)


def test_controls_without_variation_are_left_out_with_a_note(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            RECYCLE: ["Often", "Never", "Sometimes"],
            "Gender": ["Female", "Female", "Prefer not to say"],
            "Tenure": ["Owner", "Renter", "Owner"],
        }
    )
    table = read_survey(write_csv(df, tmp_path / "s.csv"))
    m = Mapping(
        columns={"individual_coproduction": [RECYCLE], "gender": ["Gender"], "tenure": ["Tenure"]}
    )
    survey = prepare([table], m)
    assert survey.controls == ["tenure"]
    assert list(survey.data["tenure"].cat.categories) == ["Owner", "Renter"]  # commonest first
    assert "'Gender' (Gender) has fewer than two different answers" in messages(survey)


def test_council_spellings_merged_and_blank_council_left_missing(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "Council": ["Northshire", "northshire ", None, "Southvale", "Don't know", "Northshire"],
            RECYCLE: ["Often"] * 6,
            "ID": list("abcdef"),
            "Weight": [9, 1, 1, 1, 1, 1],
        }
    )
    table = read_survey(write_csv(df, tmp_path / "s.csv"))
    m = Mapping(
        columns={
            "authority": ["Council"],
            "individual_coproduction": [RECYCLE],
            "weight": ["Weight"],
        },
        missing=[9],
    )
    survey = prepare([table], m)
    assert values(survey.data["authority"].astype(object)) == [
        "Northshire",
        "Northshire",
        None,
        "Southvale",
        None,
        "Northshire",
    ]
    assert survey.data["weight"][0] == 9.0  # "missing" codes are answers, not weights
    assert "2 respondents in s.csv have no council in 'Council'" in messages(survey)


def test_sav_with_only_the_scale_ends_labelled(tmp_path: Path) -> None:
    df = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [1, 5, 3, 9]})
    path = write_sav(
        df,
        tmp_path / "ends.sav",
        variable_labels={"q1": "How often do you recycle?", "q2": "I can influence decisions"},
        value_labels={
            "q1": {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often"},
            "q2": {1: "Strongly agree", 5: "Strongly disagree", 9: "Don't know"},
        },
        missing={"q2": [9]},
    )
    table = read_survey(path)
    m = Mapping(columns={"individual_coproduction": ["q1"], "efficacy": ["q2"]})
    survey = prepare([table], m)
    assert values(survey.data["efficacy"]) == [1.0, 0.0, 0.5, None]
    text = messages(survey)
    assert "only some codes of 'q2' have answer labels" in text
    assert "1 answers in 'q2' became missing: 1 declared missing code." in text


def test_mapping_may_name_columns_by_variable_label(tmp_path: Path) -> None:
    variable, value = coded_labels()
    table = read_survey(
        write_sav(coded_frame(), tmp_path / "p.sav", variable_labels=variable, value_labels=value)
    )
    m = mapping_from_dict(
        {
            "schema": "coprod-mapping/1",
            "columns": {
                "individual_coproduction": ["Recycled household waste"],
                "authority": "Local authority",
            },
            "service_areas": {"Recycled household waste": "local_environment"},
            "missing": [8],
        }
    )
    survey = prepare([table], m)
    item = survey.items[0]
    assert (item.column, item.source, item.area) == (
        "individual_1",
        "Recycled household waste",
        "local_environment",
    )
    assert values(survey.data["individual_1"]) == [3.0, 2.0, 0.0, None, 1.0, None]
    assert list(survey.data["authority"].cat.categories) == ["Northshire", "Southvale"]


def test_repeated_respondent_ids_are_counted_once_per_repeat(tmp_path: Path) -> None:
    """Two IDs repeated (one twice, one three times) and blank IDs: 3 repeats reported."""
    from coprod_gui.core.survey.prepare import _check_ids
    from coprod_gui.core.types import DataQuality

    frame = pd.DataFrame({"ID": pd.Series(["1", "2", "2", "3", "3", "3", None, None], dtype="str")})
    table = RawTable(source=tmp_path / "s.csv", frame=frame, format="csv")
    quality = DataQuality()
    _check_ids([table], "ID", quality)
    counts = [m.count for m in quality.issues if "appear more than once" in m.message]
    assert counts == [3]
