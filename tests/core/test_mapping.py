"""Construct mapping: suggestions on differently worded surveys, the mapping file, checks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from coprod_gui.core.errors import InputError
from coprod_gui.core.io.reading import read_survey
from coprod_gui.core.survey.mapping import (
    check_mapping,
    load_mapping,
    mapping_from_dict,
    resolve_column,
    save_mapping,
    suggest_mapping,
)
from coprod_gui.core.survey.synthetic import (
    REVERSED,
    SERVICE_AREA,
    agency_xlsx_bytes,
    generate_survey,
    true_mapping,
)
from coprod_gui.core.types import Mapping, RawTable
from tests.file_builders import write_csv, write_sav

# --- survey 1: the synthetic agency survey (Place Survey style wording) ------------------


@pytest.fixture(scope="module")
def agency_table(tmp_path_factory: pytest.TempPathFactory) -> RawTable:
    path = tmp_path_factory.mktemp("agency") / "resident_survey.xlsx"
    path.write_bytes(agency_xlsx_bytes(generate_survey(300, seed=7)))
    return read_survey(path)


def test_agency_survey_recovers_the_true_mapping(agency_table: RawTable) -> None:
    mapping, suggestions = suggest_mapping([agency_table])
    truth = true_mapping()
    for construct, columns in truth.items():
        assert mapping.get(construct) == list(columns), construct
    # The negatively worded efficacy item is marked for reversing, and only it.
    assert mapping.reverse == list(REVERSED)
    # Every co-production item gets its service area from its words.
    assert mapping.service_areas == SERVICE_AREA
    assert mapping.threshold == "sometimes"
    # Every suggestion carries a confidence 0-1 and a plain reason.
    assert all(0 <= s.confidence <= 1 and s.reason for s in suggestions)
    volunteer = next(s for s in suggestions if "volunteered" in s.column)
    assert volunteer.construct == "collective_coproduction"
    assert volunteer.confidence >= 0.8
    assert "volunteer" in volunteer.reason


# --- survey 2: terse SPSS names with variable labels and value labels --------------------

FREQ = {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 9: "Don't know"}
AGREE = {1: "Strongly agree", 2: "Tend to agree", 3: "Tend to disagree", 4: "Strongly disagree"}
SATIS = {
    1: "Very satisfied",
    2: "Fairly satisfied",
    3: "Neither satisfied nor dissatisfied",
    4: "Fairly dissatisfied",
    5: "Very dissatisfied",
}


def terse_sav(path: Path, n: int = 8) -> Path:
    df = pd.DataFrame(
        {
            "SERIAL": list(range(1, n + 1)),
            "LA": [1 + i % 2 for i in range(n)],
            "Q12_1": [1 + i % 4 for i in range(n)],
            "Q12_2": [4 - i % 4 for i in range(n)],
            "Q12_3": [1 + (i * 3) % 4 for i in range(n)],
            "Q12_4": [9 if i == 0 else 1 + i % 2 for i in range(n)],
            "Q14": [1 + i % 4 for i in range(n)],
            "Q15": [1 + i % 5 for i in range(n)],
            "QAGE": [20 + 7 * i for i in range(n)],
            "QSEX": [1 + i % 2 for i in range(n)],
            "WT_FINAL": [1.0 + 0.1 * i for i in range(n)],
        }
    )
    return write_sav(
        df,
        path,
        variable_labels={
            "SERIAL": "Serial number",
            "LA": "Local authority",
            "Q12_1": "Recycled household waste",
            "Q12_2": "Locked doors and windows or fitted an alarm to keep your home secure",
            "Q12_3": "Volunteered for a local group",
            "Q12_4": "Worked with neighbours to improve the area",
            "Q14": "People in my area can make a difference by working together",
            "Q15": "Satisfied with how the council consults residents",
            "QAGE": "Age of respondent",
            "QSEX": "Sex",
            "WT_FINAL": "Final weight",
        },
        value_labels={
            "LA": {1: "Northshire", 2: "Southvale"},
            "Q12_1": FREQ,
            "Q12_2": FREQ,
            "Q12_3": FREQ,
            "Q12_4": FREQ,
            "Q14": AGREE,
            "Q15": SATIS,
            "QSEX": {1: "Male", 2: "Female"},
        },
        missing={"Q12_4": [9]},
    )


def test_terse_spss_names_use_variable_and_value_labels(tmp_path: Path) -> None:
    table = read_survey(terse_sav(tmp_path / "panel.sav"))
    mapping, suggestions = suggest_mapping([table])
    assert mapping.get("individual_coproduction") == ["Q12_1", "Q12_2"]
    assert mapping.get("collective_coproduction") == ["Q12_3", "Q12_4"]
    assert mapping.get("efficacy") == ["Q14"]
    assert mapping.get("consultation_satisfaction") == ["Q15"]
    assert mapping.get("age") == ["QAGE"]
    assert mapping.get("gender") == ["QSEX"]
    assert mapping.get("weight") == ["WT_FINAL"]
    assert mapping.get("authority") == ["LA"]
    assert mapping.get("respondent_id") == ["SERIAL"]
    assert mapping.service_areas["Q12_1"] == "local_environment"
    assert mapping.service_areas["Q12_2"] == "community_safety"
    assert mapping.reverse == []
    q12_3 = next(s for s in suggestions if s.column == "Q12_3")
    assert "volunteer" in q12_3.reason.lower()


# --- survey 3: Community Life Survey style wording, CSV text answers -----------------------

MONTHLY = [
    "At least once a week",
    "Less than once a week but at least once a month",
    "Less often",
    "Not at all in the last 12 months",
]
CLS_COLUMNS = {
    "unpaid": "Overall, about how often over the last 12 months have you given unpaid help "
    "to any group(s), club(s) or organisation(s)?",
    "consult": "In the last 12 months, how often have you taken part in a consultation about "
    "local services or problems in your local area?",
    "recycle": "How often do you recycle your household rubbish?",
    "energy": "How often do you do things to reduce the energy you use at home?",
    "influence": "Do you agree or disagree that you personally can influence decisions "
    "affecting your local area?",
    "involve": "How satisfied or dissatisfied are you with the way your local council "
    "involves residents in decisions?",
    "place": "Overall, how satisfied are you with your local area as a place to live?",
    "trust": "How much do you trust your local council?",
}


def cls_frame(n: int = 12) -> pd.DataFrame:
    agree = ["Definitely agree", "Tend to agree", "Tend to disagree", "Definitely disagree"]
    sat = ["Very satisfied", "Fairly satisfied", "Fairly dissatisfied", "Very dissatisfied"]
    freq = ["Often", "Sometimes", "Rarely", "Never"]
    amount = ["A great deal", "A fair amount", "Not very much", "Not at all"]
    bands = ["16 to 24", "25 to 34", "35 to 49", "50 to 64", "65 and over", "Refused"]
    return pd.DataFrame(
        {
            "Local authority": ["Kelworth" if i % 3 else "Marrowby" for i in range(n)],
            "Age": [bands[i % 6] for i in range(n)],
            "Sex": ["Female" if i % 2 else "Male" for i in range(n)],
            CLS_COLUMNS["unpaid"]: [MONTHLY[i % 4] if i != 5 else "Don't know" for i in range(n)],
            CLS_COLUMNS["consult"]: [MONTHLY[(i + 1) % 4] for i in range(n)],
            CLS_COLUMNS["recycle"]: [freq[i % 4] for i in range(n)],
            CLS_COLUMNS["energy"]: [freq[(i + 2) % 4] for i in range(n)],
            CLS_COLUMNS["influence"]: [agree[i % 4] for i in range(n)],
            CLS_COLUMNS["involve"]: [sat[i % 4] for i in range(n)],
            CLS_COLUMNS["place"]: [sat[(i + 1) % 4] for i in range(n)],
            CLS_COLUMNS["trust"]: [amount[i % 4] for i in range(n)],
            "Ethnic group": ["White" if i % 4 else "Asian or Asian British" for i in range(n)],
            "Tenure": ["Owner occupier" if i % 2 else "Social renter" for i in range(n)],
        }
    )


def test_community_life_survey_wording(tmp_path: Path) -> None:
    table = read_survey(write_csv(cls_frame(), tmp_path / "cls.csv"))
    mapping, _ = suggest_mapping([table])
    c = CLS_COLUMNS
    assert mapping.get("collective_coproduction") == [c["unpaid"], c["consult"]]
    assert mapping.get("individual_coproduction") == [c["recycle"], c["energy"]]
    assert mapping.get("efficacy") == [c["influence"]]
    assert mapping.get("consultation_satisfaction") == [c["involve"]]
    assert mapping.get("area_satisfaction") == [c["place"]]
    assert mapping.get("trust_council") == [c["trust"]]
    assert mapping.get("authority") == ["Local authority"]
    assert mapping.get("age") == ["Age"]
    assert mapping.get("gender") == ["Sex"]
    assert mapping.get("ethnicity") == ["Ethnic group"]
    assert mapping.get("tenure") == ["Tenure"]
    assert mapping.service_areas[c["recycle"]] == "local_environment"
    assert mapping.service_areas[c["unpaid"]] == "other"
    assert not mapping.has("weight")


def test_unclear_activity_is_suggested_but_not_mapped(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "How often do you do the crossword?": ["Often", "Never", "Sometimes", "Rarely"],
            "How often do you recycle?": ["Often", "Never", "Sometimes", "Rarely"],
        }
    )
    table = read_survey(write_csv(df, tmp_path / "s.csv"))
    mapping, suggestions = suggest_mapping([table])
    assert mapping.get("individual_coproduction") == ["How often do you recycle?"]
    cross = [s for s in suggestions if "crossword" in s.column]
    assert cross and cross[0].confidence < 0.5
    assert "check" in cross[0].reason


# --- the mapping file ----------------------------------------------------------------------


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    mapping = Mapping(
        columns={
            "individual_coproduction": ["Q1", "Q2"],
            "collective_coproduction": ["Q7 Volunteer"],
            "efficacy": ["Q10", "Q11"],
            "age": ["Age"],
        },
        missing=[9, "Refused"],
        reverse=["Q11"],
        service_areas={"Q1": "health", "Q7 Volunteer": "other"},
        sheet="Data",
        header_row=3,
        threshold="at least monthly",
    )
    path = save_mapping(mapping, tmp_path / "mapping.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema"] == "coprod-mapping/2"
    assert doc["columns"]["age"] == "Age"
    assert doc["columns"]["collective_coproduction"] == ["Q7 Volunteer"]
    back = load_mapping(path)
    assert back == mapping
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_mapping_from_dict_minimal() -> None:
    m = mapping_from_dict(
        {"schema": "coprod-mapping/1", "columns": {"individual_coproduction": "Q1"}}
    )
    assert m.columns == {"individual_coproduction": ["Q1"]}
    assert m.threshold == "sometimes" and m.missing == [] and m.reverse == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", "not valid JSON"),
        ('{"schema": "coprod-mapping/3", "columns": {}}', "coprod-mapping/3"),
        ('{"schema": "coprod-mapping/1"}', '"columns"'),
        ('{"schema": "coprod-mapping/1", "columns": {"happiness": "Q1"}}', "happiness"),
        ('{"schema": "coprod-mapping/1", "columns": {"age": ["A", "B"]}}', "takes one column"),
        ('{"schema": "coprod-mapping/1", "columns": {}, "missing": "9"}', '"missing"'),
        ('{"schema": "coprod-mapping/1", "columns": {}, "service_areas": {"Q1": "x"}}', "areas"),
        ("[1, 2]", "not a JSON object"),
    ],
)
def test_bad_mapping_files_name_the_file(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "my mapping.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_mapping(path)
    assert "my mapping.json" in str(err.value)
    assert words in str(err.value)


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"'nope\.json' was not found"):
        load_mapping(tmp_path / "nope.json")


def test_check_mapping_names_every_missing_column(tmp_path: Path) -> None:
    table = read_survey(write_csv(cls_frame(), tmp_path / "cls.csv"))
    mapping = Mapping(
        columns={
            "collective_coproduction": ["Q7 Volunteer", CLS_COLUMNS["unpaid"]],
            "efficacy": ["Q10 Influence"],
        }
    )
    with pytest.raises(InputError) as err:
        check_mapping(mapping, [table])
    msg = str(err.value)
    assert (
        "The mapping names a column 'Q7 Volunteer' for Collective co-production, but no file "
        "has it." in msg
    )
    assert "'Q10 Influence' for Feeling able to make a difference" in msg
    assert "Check the spelling or re-run the suggestions." in msg
    assert CLS_COLUMNS["unpaid"] not in msg


def test_columns_resolve_by_header_or_variable_label(tmp_path: Path) -> None:
    table = read_survey(terse_sav(tmp_path / "panel.sav"))
    assert resolve_column(table, "Q12_3") == "Q12_3"
    assert resolve_column(table, "Volunteered for a local group") == "Q12_3"
    assert resolve_column(table, "volunteered for a LOCAL group ") == "Q12_3"
    assert resolve_column(table, "Q99") is None
    check_mapping(
        Mapping(columns={"collective_coproduction": ["Volunteered for a local group"]}), [table]
    )


def test_yes_no_and_ticked_activities_but_not_who_someone_is() -> None:
    df = pd.DataFrame(
        {
            "Are you a carer, looking after a sick relative?": ["Yes", "No"],
            "Volunteered for a local group": ["Yes", "No"],
            "Q5_1 Recycled household waste": ["Ticked", None],
            "Do you have a long-term illness or disability?": ["Yes", "No"],
        }
    )
    mapping, _ = suggest_mapping([RawTable(Path("yn.csv"), df)])
    assert mapping.get("individual_coproduction") == ["Q5_1 Recycled household waste"]
    assert mapping.get("collective_coproduction") == ["Volunteered for a local group"]
    assert mapping.get("disability") == ["Do you have a long-term illness or disability?"]
    assert "Are you a carer, looking after a sick relative?" not in str(mapping.columns)
