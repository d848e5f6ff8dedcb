"""``analyse`` on the bad inputs an officer really makes: exit 2 with a plain message that
names the file or column, no traceback, and no survey cell value in any output.

In-process ``cli.main`` on small files cut from the synthetic survey (300 rows).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from coprod_gui import cli
from coprod_gui.core.survey.synthetic import CONSTRUCT_COLUMNS, STRUCTURE_COLUMNS, generate_survey

COPROD_COLUMNS = [
    *CONSTRUCT_COLUMNS["individual_coproduction"],
    *CONSTRUCT_COLUMNS["collective_coproduction"],
]
WEIGHT = STRUCTURE_COLUMNS["weight"]
SECRET = "Call Jo Bloggs on 07700 900123"


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return generate_survey(300, seed=21)


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_folder_is_named_as_a_folder(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "survey.csv"  # a folder with a survey-like name
    folder.mkdir()
    status, out, err = run_cli([str(folder), "--out", str(tmp_path / "o")], capsys)
    assert status == 2 and out == ""
    assert "Error: 'survey.csv' is a folder, not a survey file." in err
    assert "Traceback" not in err and "not found" not in err


def test_a_text_weight_column_stops_with_the_column_named(
    survey: pd.DataFrame, tmp_path: Path, capsys
) -> None:
    good = tmp_path / "good.csv"
    survey.to_csv(good, index=False)
    first = tmp_path / "first"
    assert run_cli([str(good), "--out", str(first)], capsys)[0] == 0
    bad = tmp_path / "wordy weights.csv"
    survey.assign(**{WEIGHT: "heavy"}).to_csv(bad, index=False)
    status, _, err = run_cli(
        [str(bad), "--mapping", str(first / "mapping.json"), "--out", str(tmp_path / "o")], capsys
    )
    assert status == 2
    assert "The weight column 'Weight' in 'wordy weights.csv' has no usable weights" in err
    assert "remove the weight" in err and "heavy" not in err and "Traceback" not in err
    assert not (tmp_path / "o" / "results.json").exists()


def test_no_coproduction_columns_names_the_file(
    survey: pd.DataFrame, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "residents.csv"
    survey.drop(columns=COPROD_COLUMNS).to_csv(path, index=False)
    status, _, err = run_cli([str(path), "--out", str(tmp_path / "o")], capsys)
    assert status == 2
    assert "no co-production questions for 'residents.csv'" in err
    assert "mapping file" in err and "Traceback" not in err


def test_free_text_in_an_answer_column_reaches_no_output(
    survey: pd.DataFrame, tmp_path: Path, capsys
) -> None:
    df = survey.copy()
    column = COPROD_COLUMNS[2]
    df[column] = df[column].astype(object)
    df.loc[7, column] = SECRET
    path = tmp_path / "comments.csv"
    df.to_csv(path, index=False)
    out = tmp_path / "o"
    status, _, err = run_cli([str(path), "--out", str(out)], capsys)
    assert status == 0 and SECRET not in err
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    notes = [i for i in doc["quality"]["issues"] if "not ones this program" in i["message"]]
    assert [n["count"] for n in notes] == [1]
    assert "(1 different answer)" in notes[0]["message"]
    assert "examples" not in notes[0]
    for name in ("results.json", "mapping.json"):
        assert "Bloggs" not in (out / name).read_text(encoding="utf-8")
    for name in ("brief.docx", "results.xlsx"):
        with zipfile.ZipFile(out / name) as zf:
            text = "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
        assert "Bloggs" not in text


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("header only.csv", None, "'header only.csv' has a header row but no answers below it"),
        ("answers.json", b'{"a": 1}', "'answers.json' is not a file type this program reads"),
        ("junk.txt", bytes(range(256)) * 20, "'junk.txt' is in an encoding"),
    ],
)
def test_unreadable_surveys_exit_2(
    survey: pd.DataFrame, tmp_path: Path, capsys, name: str, content: bytes | None, expected: str
) -> None:
    path = tmp_path / name
    if content is None:
        survey.head(0).to_csv(path, index=False)
    else:
        path.write_bytes(content)
    status, out, err = run_cli([str(path), "--out", str(tmp_path / "o")], capsys)
    assert status == 2 and out == ""
    assert expected in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{this is not json", "'m.json' is not valid JSON (problem at line 1, column 2)"),
        (
            '{"schema": "coprod-mapping/1", "columns": {"happiness": "Gender"}}',
            "'happiness' is not a construct this program knows",
        ),
    ],
)
def test_bad_mapping_files_exit_2(
    survey: pd.DataFrame, tmp_path: Path, capsys, text: str, expected: str
) -> None:
    path = tmp_path / "s.csv"
    survey.head(50).to_csv(path, index=False)
    mapping = tmp_path / "m.json"
    mapping.write_text(text, encoding="utf-8")
    status, _, err = run_cli([str(path), "--mapping", str(mapping)], capsys)
    assert status == 2 and expected in err and "Traceback" not in err


def test_fifteen_respondents_analyse_with_warnings_and_hide_councils(
    survey: pd.DataFrame, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "pilot.csv"
    survey.head(15).to_csv(path, index=False)
    out = tmp_path / "o"
    status, _, err = run_cli([str(path), "--out", str(out)], capsys)
    assert status == 0 and "Traceback" not in err
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["n_respondents"] == 15
    assert any("could not be fitted" in w for w in doc["warnings"])
    # Every council has under 10 respondents: withheld from results.json as from the brief.
    assert doc["min_base"] == 10 and set(doc["authorities"].values()) == {None}
    for form in ("individual", "collective"):
        councils = doc["levels_by"]["authority"][form]
        assert councils and all(
            c["suppressed"] and c["percent"] is None and c["base"] is None
            for c in councils.values()
        )
    assert doc["levels"]["individual"]["base"] == 15  # the whole sample is shown
    from openpyxl import load_workbook

    rows = list(load_workbook(out / "results.xlsx")["Levels"].iter_rows(values_only=True))
    councils = [r for r in rows if r[0] == "Council"]
    assert councils and all(r[3] == "not shown" for r in councils)  # every council < 10
