"""Reader limits and slips, as the officer sees them (issue 12, reader items).

``analyse`` in-process on small files: a hidden sheet is not analysed in place of the
visible one and the sheet used is named; a quote mark never closed stops the run with
its line and the rows it would swallow (it used to drop the last respondents silently);
a file that declares (or needs) more memory than the computer has is refused before it
is read, and a MemoryError becomes the same plain message. Exit 2, nothing written.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from coprod_gui import cli
from coprod_gui.core import pipeline
from coprod_gui.core.io import limits, text
from coprod_gui.core.survey.synthetic import generate_survey


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return generate_survey(1000, seed=31)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = cli.main(argv)
    return status, capsys.readouterr().err


def nothing_written(out: Path) -> bool:
    return not out.exists() or not any(out.iterdir())


def test_unterminated_quote_names_its_line_and_the_rows_affected(
    survey: pd.DataFrame, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "survey.csv"
    lines = survey.to_csv(index=False).splitlines(keepends=True)
    # respondent 992 is on line 993 (the header is line 1): a stray opening quote there
    lines[992] = '"' + lines[992]
    path.write_text("".join(lines), encoding="utf-8")
    before = path.read_bytes()
    status, err = run([str(path), "--out", str(tmp_path / "out")], capsys)
    assert status == 2
    assert "Line 993 of 'survey.csv' opens a quote mark" in err
    assert "the 9 rows from there to the end of the file (993 to 1,001)" in err
    assert "Traceback" not in err
    assert nothing_written(tmp_path / "out")
    assert path.read_bytes() == before  # the input is only ever read


def _workbook_with_hidden_wave(path: Path, visible: pd.DataFrame, hidden: pd.DataFrame) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    old = wb.active
    old.title = "Survey 2019"  # first, bigger and hidden: an older wave
    old.append(list(hidden.columns))
    for row in hidden.itertuples(index=False):
        old.append([None if pd.isna(v) else v for v in row])
    old.sheet_state = "hidden"
    new = wb.create_sheet("Survey 2024")
    new.append(list(visible.columns))
    for row in visible.itertuples(index=False):
        new.append([None if pd.isna(v) else v for v in row])
    wb.save(path)
    return path


def test_the_visible_sheet_is_analysed_not_a_hidden_older_wave(
    survey: pd.DataFrame, tmp_path: Path, capsys
) -> None:
    path = _workbook_with_hidden_wave(tmp_path / "waves.xlsx", survey.iloc[:400], survey)
    out = tmp_path / "out"
    status, err = run([str(path), "--out", str(out)], capsys)
    assert status == 0, err
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["n_respondents"] == 400  # the visible 2024 wave, not the hidden 1,000
    messages = " ".join(i["message"] for i in doc["quality"]["issues"])
    assert "The survey data were taken from the sheet 'Survey 2024'." in messages
    assert "The hidden sheet 'Survey 2019' was not used" in messages


def _sav_declaring(path: Path, rows: int, columns: int = 40) -> Path:
    """A small, valid .sav whose header claims ``rows`` cases (as a hostile file can)."""
    df = pd.DataFrame({f"v{i}": [1.0, 2.0, 3.0] for i in range(columns)})
    pyreadstat.write_sav(df, str(path))
    data = bytearray(path.read_bytes())
    data[80:84] = struct.pack("<i", rows)  # the header's case count
    path.write_bytes(bytes(data))
    return path


def test_a_sav_declaring_25_million_rows_is_refused_before_reading(
    tmp_path: Path, capsys
) -> None:
    path = _sav_declaring(tmp_path / "claims.sav", 25_000_000)
    assert path.stat().st_size < 100_000
    status, err = run([str(path), "--out", str(tmp_path / "out")], capsys)
    assert status == 2
    # 25 million rows x 40 columns: far more than this (or any council) laptop has free
    assert "'claims.sav' is too big for this computer: about " in err
    assert " GB needed, " in err and " GB free." in err
    assert nothing_written(tmp_path / "out")


def test_a_read_needing_more_memory_than_is_free_is_refused(
    survey: pd.DataFrame, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    monkeypatch.setattr(limits, "available_bytes", lambda: 100 * 1024**2)
    status, err = run([str(path), "--out", str(tmp_path / "out")], capsys)
    assert status == 2
    assert "'survey.csv' is too big for this computer: about 0.0 GB needed, 0.1 GB free." in err
    assert nothing_written(tmp_path / "out")


@pytest.mark.parametrize("where", ["reading", "analysis"])
def test_memory_error_becomes_the_too_big_message(
    where: str, survey: pd.DataFrame, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)

    def out_of_memory(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise MemoryError

    if where == "reading":
        monkeypatch.setattr(text, "_read_with_arrow", out_of_memory)
    else:
        monkeypatch.setattr(pipeline, "analyse", out_of_memory)
    status, err = run([str(path), "--out", str(tmp_path / "out")], capsys)
    assert status == 2
    assert "'survey.csv' is too big for this computer" in err
    assert "Traceback" not in err and "internal" not in err.lower()
    assert nothing_written(tmp_path / "out")
