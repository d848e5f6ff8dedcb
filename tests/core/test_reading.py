"""Reading real survey files in every supported format and layout."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.errors import Cancelled, InputError
from coprod_gui.core.io.reading import SUPPORTED_SUFFIXES, list_sheets, read_survey
from tests.file_builders import (
    sample_survey,
    write_csv,
    write_dta,
    write_far_cell_xlsx,
    write_ods,
    write_sav,
    write_xlsx,
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_unchanged(path: Path, **kw):
    """read_survey, asserting the input file's bytes are untouched."""
    before = sha(path)
    table = read_survey(path, **kw)
    assert sha(path) == before
    return table


# --- workbooks ---------------------------------------------------------------------------


def test_xlsx_title_rows_and_notes_sheet_first(tmp_path: Path) -> None:
    df = sample_survey()
    p = write_xlsx(
        df,
        tmp_path / "council.xlsx",
        title_rows=["Resident survey 2024", "Base: all respondents", "Weighted data"],
        extra_sheet_first="About",
    )
    t = read_unchanged(p)
    assert t.format == "xlsx"
    assert t.sheet == "Data"
    assert t.sheets == ["About", "Data"]
    assert t.header_row == 3
    assert list(t.frame.columns) == list(df.columns)
    assert len(t.frame) == 12
    assert t.frame["Respondent ID"].tolist()[:3] == ["00001", "00002", "00003"]
    assert t.frame["Age"].dtype == np.int64
    assert t.frame["Age"].tolist() == df["Age"].tolist()
    assert t.frame["Weight"].tolist() == pytest.approx(df["Weight"].tolist())
    assert t.frame["How often do you recycle?"].tolist() == df["How often do you recycle?"].tolist()
    assert t.renamed_headers == []
    assert list_sheets(p) == ["About", "Data"]


def test_sheet_and_header_row_overrides(tmp_path: Path) -> None:
    df = sample_survey(4)
    p = write_xlsx(df, tmp_path / "s.xlsx", title_rows=["Title"], extra_sheet_first="Notes")
    with pytest.raises(InputError, match="no answers below"):
        read_survey(p, sheet="Notes")
    t2 = read_survey(p, sheet="Data", header_row=1)
    assert t2.header_row == 1
    assert list(t2.frame.columns) == list(df.columns)
    with pytest.raises(InputError, match="no sheet called 'Answers'"):
        read_survey(p, sheet="Answers")


def test_ods_same_values_as_xlsx(tmp_path: Path) -> None:
    df = sample_survey()
    ods = read_unchanged(write_ods(df, tmp_path / "c.ods"))
    xlsx = read_unchanged(write_xlsx(df, tmp_path / "c.xlsx"))
    assert ods.format == "ods"
    assert ods.sheet == "Data"
    pd.testing.assert_frame_equal(ods.frame, xlsx.frame)


def test_lone_far_cell_is_trimmed_with_a_note(tmp_path: Path) -> None:
    p = write_far_cell_xlsx(tmp_path / "far.xlsx", far_ref="C1048576")
    t = read_unchanged(p)
    # the stray cell sits in its own (headerless) column far below: the rows between are
    # empty and skipped, so only the two answers remain plus the stray one
    assert t.frame["id"].dropna().tolist() == [1, 2]
    assert t.frame["q1"].dropna().tolist() == ["Yes", "No"]
    assert len(t.frame) == 3
    assert any("empty rows" in n for n in t.notes)


def test_mixed_numbers_and_text_in_a_workbook_column(tmp_path: Path) -> None:
    df = pd.DataFrame({"id": [1, 2, 3], "q1": [1, "Don't know", 3]})
    t = read_survey(write_xlsx(df, tmp_path / "m.xlsx"))
    assert t.frame["q1"].tolist() == [1, "Don't know", 3]


# --- headers -----------------------------------------------------------------------------


def test_duplicate_blank_and_whitespace_headers_renamed(tmp_path: Path) -> None:
    df = pd.DataFrame([[1, "Yes", "No", "Often", 5], [2, "No", "No", "Never", 6]])
    header = ["Q1", "Q1 ", "q1", None, "Age\nin years"]
    t = read_unchanged(write_xlsx(df, tmp_path / "h.xlsx", header=header))
    assert list(t.frame.columns) == ["Q1", "Q1 (2)", "q1 (3)", "Column 4", "Age in years"]
    old_new = [(o, n) for o, n, _ in t.renamed_headers]
    assert old_new == [
        ("Q1 ", "Q1 (2)"),
        ("q1", "q1 (3)"),
        ("", "Column 4"),
        ("Age\nin years", "Age in years"),
    ]
    whys = dict((n, w) for _, n, w in t.renamed_headers)
    assert "already has this name" in whys["Q1 (2)"]
    assert "blank" in whys["Column 4"]
    assert any("merged" in n for n in t.notes)
    assert t.frame["Column 4"].tolist() == ["Often", "Never"]


# --- text files --------------------------------------------------------------------------


def test_cp1252_csv_pound_and_accent(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {"id": ["1", "2"], "Spend": ["£5 or more", "Under £5"], "Venue": ["Café", "Hall"]}
    )
    t = read_unchanged(write_csv(df, tmp_path / "w.csv", encoding="cp1252"))
    assert t.encoding == "cp1252"
    assert t.frame["Spend"].tolist() == ["£5 or more", "Under £5"]
    assert t.frame["Venue"].tolist() == ["Café", "Hall"]
    assert not any("\ufffd" in str(v) for v in t.frame.to_numpy().ravel())
    assert any("cp1252" in n for n in t.notes)


def test_utf8_bom_header_clean(tmp_path: Path) -> None:
    df = sample_survey(3)
    t = read_unchanged(write_csv(df, tmp_path / "b.csv", encoding="utf-8-sig"))
    assert t.encoding == "utf-8-sig"
    assert t.frame.columns[0] == "Respondent ID"


@pytest.mark.parametrize(
    ("sep", "suffix"), [(";", ".csv"), ("\t", ".tsv"), ("\t", ".txt"), ("\t", ".tab")]
)
def test_delimiters_detected(tmp_path: Path, sep: str, suffix: str) -> None:
    df = sample_survey(5)
    t = read_unchanged(write_csv(df, tmp_path / f"d{suffix}", sep=sep))
    assert t.delimiter == sep
    assert list(t.frame.columns) == list(df.columns)
    assert t.frame["Weight"].tolist() == pytest.approx(df["Weight"].tolist())


def test_csv_title_rows_found(tmp_path: Path) -> None:
    df = sample_survey(6)
    t = read_survey(write_csv(df, tmp_path / "t.csv", title_rows=["Survey 2024", "All"]))
    assert t.header_row == 2
    assert list(t.frame.columns) == list(df.columns)


def test_text_answers_kept_leading_zeros_kept_codes_numeric(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "id": ["00123", "00124", "00125", "00126"],
            "q1": ["None", "N/A", "NA", "null"],
            "code": ["1", "2", "3", "4"],
            "score": ["1.5", "", "2", "3"],
            "long_id": ["1234567890123456789"] * 4,
        }
    )
    for p in (write_csv(df, tmp_path / "n.csv"), write_xlsx(df, tmp_path / "n.xlsx")):
        t = read_survey(p)
        assert t.frame["q1"].tolist() == ["None", "N/A", "NA", "null"], p.name
        assert t.frame["id"].tolist() == ["00123", "00124", "00125", "00126"], p.name
    t = read_survey(tmp_path / "n.csv")
    assert t.frame["code"].tolist() == [1, 2, 3, 4]
    assert t.frame["code"].dtype == np.int64
    assert t.frame["score"].isna().tolist() == [False, True, False, False]
    assert t.frame["score"].dropna().tolist() == [1.5, 2.0, 3.0]
    assert t.frame["long_id"].tolist() == ["1234567890123456789"] * 4  # no digits lost


def test_ragged_csv_names_the_line(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text("id,q1,q2\n1,Yes,No\n2,Jane Doe,12 High St,extra\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_survey(p)
    msg = str(e.value)
    assert "Line 3" in msg and "'r.csv'" in msg
    assert "Jane" not in msg and "High St" not in msg


# --- SPSS and Stata ----------------------------------------------------------------------


def test_sav_codes_labels_and_user_missing(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "q1": [1, 2, 8, 9, 1, 2],
            "q2": [1.0, 2.0, np.nan, 3.0, 5.0, 1.0],
            "town": ["Leeds", "York", "", "Hull", "Leeds", "York"],
        }
    )
    p = write_sav(
        df,
        tmp_path / "s.sav",
        value_labels={
            "q1": {1: "Yes", 2: "Yes", 8: "Don't know", 9: "Refused"},  # 1 and 2 share a label
            "q2": {1: "Never", 2: "Sometimes", 3: "Often", 5: "Not asked"},
        },
        variable_labels={"q1": "Have you volunteered in the last year?"},
        missing={"q1": [8, 9], "q2": [{"lo": 4, "hi": 6}]},
    )
    t = read_unchanged(p)
    assert t.format == "sav"
    assert t.frame["q1"].tolist() == [1, 2, 8, 9, 1, 2]  # codes, not merged labels
    assert t.value_labels["q1"] == {1: "Yes", 2: "Yes", 8: "Don't know", 9: "Refused"}
    assert t.variable_labels == {"q1": "Have you volunteered in the last year?"}
    assert t.question_text("q1") == "Have you volunteered in the last year?"
    assert t.missing_codes["q1"] == [8, 9]
    assert t.missing_codes["q2"] == [5]  # the code present in the 4–6 range
    assert t.frame["q2"].iloc[4] == 5  # kept in the frame so prepare can count it
    assert t.frame["town"].isna().tolist() == [False, False, True, False, False, False]


def test_dta_codes_and_labels(tmp_path: Path) -> None:
    df = pd.DataFrame({"id": [1, 2, 3], "gender": [1, 2, 1], "age": [34.0, 71.0, 25.0]})
    p = write_dta(
        df,
        tmp_path / "s.dta",
        value_labels={"gender": {1: "Female", 2: "Male"}},
        variable_labels={"gender": "Gender of respondent"},
    )
    t = read_unchanged(p)
    assert t.format == "dta"
    assert t.frame["gender"].tolist() == [1, 2, 1]
    assert t.frame["age"].tolist() == [34, 71, 25]
    assert t.value_labels == {"gender": {1: "Female", 2: "Male"}}
    assert t.variable_labels["gender"] == "Gender of respondent"


# --- same respondents, five formats ------------------------------------------------------


def test_same_respondents_in_five_formats(tmp_path: Path) -> None:
    df = sample_survey(8)
    codes = pd.DataFrame({"id": range(1, 9), "q1": [1, 2, 3, 4, 1, 2, 3, 4]})
    tables = [
        read_survey(write_xlsx(df, tmp_path / "a.xlsx", title_rows=["A"])),
        read_survey(write_csv(df, tmp_path / "b.csv", encoding="cp1252", sep=";")),
        read_survey(write_ods(df, tmp_path / "c.ods")),
    ]
    for t in tables[1:]:
        pd.testing.assert_frame_equal(t.frame, tables[0].frame)
    s = read_survey(write_sav(codes, tmp_path / "d.sav"))
    d = read_survey(write_dta(codes, tmp_path / "e.dta"))
    pd.testing.assert_frame_equal(s.frame, d.frame)
    assert s.frame["q1"].tolist() == [1, 2, 3, 4, 1, 2, 3, 4]


# --- hooks and API -----------------------------------------------------------------------


def test_progress_and_cancel(tmp_path: Path) -> None:
    p = write_xlsx(sample_survey(3), tmp_path / "p.xlsx")
    seen: list[float] = []
    read_survey(p, progress=lambda f, m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)
    with pytest.raises(Cancelled):
        read_survey(p, is_cancelled=lambda: True)


def test_supported_suffixes_and_unknown_type(tmp_path: Path) -> None:
    assert {".xlsx", ".xls", ".csv", ".ods", ".sav", ".dta"} <= set(SUPPORTED_SUFFIXES)
    assert all(s == s.lower() and s.startswith(".") for s in SUPPORTED_SUFFIXES)
    p = tmp_path / "survey.docx"
    p.write_bytes(b"x")
    with pytest.raises(InputError, match=r"survey\.docx"):
        read_survey(p)
    assert list_sheets(write_csv(sample_survey(2), tmp_path / "x.csv")) == []


@pytest.mark.parametrize("writer", [write_xlsx, write_ods])
def test_fallback_reader_when_calamine_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer
) -> None:
    import python_calamine

    df = sample_survey(6)
    suffix = ".xlsx" if writer is write_xlsx else ".ods"
    p = writer(df, tmp_path / f"f{suffix}")
    fast = read_survey(p)

    def refuse(*_a, **_k):
        raise python_calamine.CalamineError("simulated failure")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)
    slow = read_unchanged(p)
    pd.testing.assert_frame_equal(slow.frame, fast.frame)
    assert slow.sheet == "Data"
    assert list_sheets(p) == ["Data"]


def test_dates_and_blank_cells_in_workbook(tmp_path: Path) -> None:
    import datetime as dt

    df = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "interviewed": [dt.datetime(2024, 5, 1), None, dt.datetime(2024, 6, 2)],
            "q1": ["Often", None, "Never"],
        }
    )
    t = read_survey(write_xlsx(df, tmp_path / "d.xlsx"))
    assert t.frame["interviewed"].iloc[0] == pd.Timestamp(2024, 5, 1)
    assert pd.isna(t.frame["interviewed"].iloc[1])
    assert t.frame["q1"].isna().tolist() == [False, True, False]


def test_data_sheet_chosen_over_long_codebook(tmp_path: Path) -> None:
    from openpyxl import Workbook

    df = sample_survey(10)
    p = tmp_path / "book.xlsx"
    wb = Workbook()
    cb = wb.active
    cb.title = "Variables"
    cb.append(["Variable", "Question", "Codes"])
    for i in range(80):
        cb.append([f"q{i}", f"Question text {i}", "1=Yes; 2=No"])
    ws = wb.create_sheet("Sheet2")
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([v.item() if hasattr(v, "item") else v for v in row])
    wb.save(p)
    t = read_survey(p)
    assert t.sheet == "Sheet2"
    assert len(t.frame) == 10
    assert any("Sheet2" in n for n in t.notes)


def test_header_with_merged_blank_cells_found(tmp_path: Path) -> None:
    df = pd.DataFrame([[i, "a", "b", "c", "d", "e", "f"] for i in range(5)])
    header = ["id", "How often do you...", None, None, "Agree?", None, "Council"]
    t = read_survey(write_xlsx(df, tmp_path / "m.xlsx", title_rows=["Title"], header=header))
    assert t.header_row == 1
    assert list(t.frame.columns) == [
        "id",
        "How often do you...",
        "Column 3",
        "Column 4",
        "Agree?",
        "Column 6",
        "Council",
    ]


def test_utf16_tab_text_from_excel(tmp_path: Path) -> None:
    """Excel's 'Unicode Text' export: UTF-16 with a BOM, tab-separated."""
    df = pd.DataFrame({"id": ["1", "2"], "Venue": ["Café", "Hall"]})
    t = read_survey(write_csv(df, tmp_path / "u.txt", encoding="utf-16", sep="\t"))
    assert t.encoding == "utf-16"
    assert t.delimiter == "\t"
    assert t.frame["Venue"].tolist() == ["Café", "Hall"]
    assert t.frame["id"].tolist() == [1, 2]


def test_xlsm_and_blank_rows_above_header(tmp_path: Path) -> None:
    """Header rows are counted from the top of the sheet, even above blank rows."""
    from openpyxl import Workbook

    p = tmp_path / "macro.xlsm"
    wb = Workbook()
    ws = wb.active
    ws.title = "Responses"
    ws["A3"], ws["B3"] = "id", "Council"
    ws["A4"], ws["B4"] = 1, "Northshire"
    ws["A5"], ws["B5"] = 2, "Southvale"
    wb.save(p)
    t = read_unchanged(p)
    assert t.format == "xlsx"
    assert t.header_row == 2
    assert t.frame.to_dict("list") == {"id": [1, 2], "Council": ["Northshire", "Southvale"]}
