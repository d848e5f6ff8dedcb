"""Broken and hostile files are refused with a plain message naming the file.

The far-away-cell file aborts the whole process if python-calamine ever parses it, so
that test reads it in a child process: a regression kills the child, not the suite.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from coprod_gui.core.errors import InputError
from coprod_gui.core.io import safety
from coprod_gui.core.io.reading import list_sheets, read_survey
from tests.file_builders import (
    _SHEET_HEAD,
    _inline,
    _raw_xlsx,
    sample_survey,
    write_csv_renamed,
    write_empty_sheet_xlsx,
    write_encrypted_like,
    write_far_cell_xlsx,
    write_ods_repeat_bomb,
    write_pdf_renamed,
    write_sav,
    write_truncated_xlsx,
    write_zip_bomb,
)

ROOT = Path(__file__).resolve().parents[2]


def refused(path: Path, *fragments: str) -> str:
    """Assert read_survey refuses ``path`` naming it, leaves it unchanged; return message."""
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(InputError) as e:
        read_survey(path)
    msg = str(e.value)
    assert path.name in msg
    for f in fragments:
        assert f in msg, msg
    assert "Traceback" not in msg
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return msg


def test_truncated_xlsx(tmp_path: Path) -> None:
    refused(write_truncated_xlsx(sample_survey(), tmp_path / "cut.xlsx"), "damaged or incomplete")


def test_pdf_renamed(tmp_path: Path) -> None:
    refused(write_pdf_renamed(tmp_path / "report.xlsx"), "is a PDF", "Excel or CSV")


def test_encrypted_workbook(tmp_path: Path) -> None:
    refused(write_encrypted_like(tmp_path / "locked.xlsx"), "password", "without a password")


def test_csv_renamed_xlsx(tmp_path: Path) -> None:
    refused(write_csv_renamed(sample_survey(), tmp_path / "data.xlsx"), "text (CSV)")


def test_empty_sheet(tmp_path: Path) -> None:
    refused(write_empty_sheet_xlsx(tmp_path / "blank.xlsx"), "no data")


@pytest.mark.parametrize("name", ["zero.xlsx", "zero.csv", "zero.sav", "zero.ods"])
def test_zero_byte_files(tmp_path: Path, name: str) -> None:
    p = tmp_path / name
    p.write_bytes(b"")
    refused(p, "empty")


def test_header_only_csv(tmp_path: Path) -> None:
    p = tmp_path / "head.csv"
    p.write_text("id,q1,q2\n", encoding="utf-8")
    refused(p, "no answers")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.xlsx"):
        read_survey(tmp_path / "gone.xlsx")


def test_zip_bomb_refused_quickly(tmp_path: Path) -> None:
    p = write_zip_bomb(tmp_path / "bomb.xlsx", megabytes=150)
    assert p.stat().st_size < 2_000_000
    t = time.perf_counter()
    refused(p, "far more data")
    assert time.perf_counter() - t < 2.0


def test_far_cell_refused_without_crashing(tmp_path: Path) -> None:
    p = write_far_cell_xlsx(tmp_path / "far.xlsx")  # cells at A1 and XFD1048576
    code = textwrap.dedent(
        """
        import sys
        from coprod_gui.core.errors import InputError
        from coprod_gui.core.io.reading import read_survey, list_sheets
        for fn in (read_survey, list_sheets):
            try:
                fn(sys.argv[1])
            except InputError as e:
                print("REFUSED", e)
            else:
                print("READ")
        """
    )
    t = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-c", code, str(p)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 0, "the reader crashed the process"
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 2 and all(ln.startswith("REFUSED") for ln in lines), r.stdout
    assert "far.xlsx" in lines[0] and "1,048,576 rows by 16,384 columns" in lines[0]
    assert time.perf_counter() - t < 60


def test_far_cell_with_single_quotes_and_spaces_is_caught(tmp_path: Path) -> None:
    xml = (
        _SHEET_HEAD
        + "<sheetData><row r='1'>"
        + _inline("A1", "id")
        + "</row><row r = '1048576'><c r = 'XFD1048576' t='inlineStr'><is><t>x</t></is></c>"
        + "</row></sheetData></worksheet>"
    )
    p = _raw_xlsx(tmp_path / "odd.xlsx", xml)
    with pytest.raises(InputError, match=r"odd\.xlsx"):
        safety.check_zip_workbook(p, "xlsx")


def test_extent_scan_on_an_ordinary_workbook(tmp_path: Path) -> None:
    from tests.file_builders import write_xlsx

    p = write_xlsx(sample_survey(20), tmp_path / "ok.xlsx")
    extents = safety.check_zip_workbook(p, "xlsx")
    assert len(extents) == 1
    assert extents[0].area <= 99_999 * 702  # bounded without an exact count


def test_billion_laughs_refused(tmp_path: Path) -> None:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    p = _raw_xlsx(tmp_path / "lol.xlsx", lol)
    refused(p)


def test_truncated_sav(tmp_path: Path) -> None:
    full = write_sav(pd.DataFrame({"q1": range(200)}), tmp_path / "full.sav")
    p = tmp_path / "cut.sav"
    p.write_bytes(full.read_bytes()[:400])
    refused(p, "SPSS")


def test_sav_that_is_not_sav(tmp_path: Path) -> None:
    p = tmp_path / "fake.sav"
    p.write_text("id,q1\n1,2\n", encoding="utf-8")
    refused(p, "SPSS")


def test_xlsx_with_csv_suffix(tmp_path: Path) -> None:
    from tests.file_builders import write_xlsx

    src = write_xlsx(sample_survey(3), tmp_path / "real.xlsx")
    p = tmp_path / "looks.csv"
    p.write_bytes(src.read_bytes())
    refused(p, "workbook")


def test_list_sheets_refuses_bad_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"report\.xlsx"):
        list_sheets(write_pdf_renamed(tmp_path / "report.xlsx"))


def test_xml_protection_active() -> None:
    assert safety.xml_protection_ok() is True


def _sparse_sheet(refs: list[str]) -> str:
    rows = "".join(
        f'<row r="{r.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">{_inline(r, "x")}</row>' for r in refs
    )
    return _SHEET_HEAD + "<sheetData>" + rows + "</sheetData></worksheet>"


def test_wide_cell_early_and_deep_cell_late_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ZZ1 in an early chunk and A1048576 in a later one: 702 x 1,048,576 cells."""
    monkeypatch.setattr(safety, "_CHUNK", 128)  # force several chunks
    refs = ["A1", "ZZ1"] + [f"A{i}" for i in range(2, 40)] + ["A1048576"]
    p = _raw_xlsx(tmp_path / "wide.xlsx", _sparse_sheet(refs))
    with pytest.raises(InputError, match=r"wide\.xlsx.*1,048,576 rows by 702 columns"):
        safety.check_zip_workbook(p, "xlsx")


def test_deep_but_narrow_sheet_is_allowed(tmp_path: Path) -> None:
    p = _raw_xlsx(tmp_path / "deep.xlsx", _sparse_sheet(["A1", "B1", "A2", "B150000"]))
    (extent,) = safety.check_zip_workbook(p, "xlsx")
    assert extent.exact
    assert (extent.max_row, extent.max_col) == (150_000, 2)


@pytest.mark.parametrize(
    ("rows", "cols"), [(1_000_000, 17_000), (5_000, 10_000)], ids=["over-limit", "under-limit"]
)
def test_ods_repeat_bomb_refused_before_parsing(tmp_path: Path, rows: int, cols: int) -> None:
    # 5,000 x 10,000 is below calamine's own 10^8 limit, yet aborted a 6 GB process
    p = write_ods_repeat_bomb(tmp_path / "repeat.ods", rows=rows, cols=cols)
    refused(p, f"{rows:,} rows by {cols:,} columns")


def test_relationship_namespace_is_not_a_cell_reference(tmp_path: Path) -> None:
    """Excel and xlsxwriter declare xmlns:r="http://..." on every sheet: not a far cell."""
    head = _SHEET_HEAD.replace(
        "<worksheet ",
        '<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ',
    )
    xml = head + '<sheetData><row r="1">' + _inline("A1", "id") + "</row></sheetData></worksheet>"
    (extent,) = safety.check_zip_workbook(_raw_xlsx(tmp_path / "ns.xlsx", xml), "xlsx")
    assert not extent.exact  # the fast path was enough
