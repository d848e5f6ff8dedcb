"""Big SPSS/Stata files are read in chunks of rows, so progress moves (issue 11, item 5).

The chunked read must give exactly the frame, labels and missing codes of a one-shot read:
text answers with blanks and repeats, whole numbers, decimals, declared user-missing codes
(SPSS) and value labels. Not timed: the chunks and the progress messages are counted.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.io import stat
from coprod_gui.core.io.reading import read_survey

pyreadstat = pytest.importorskip("pyreadstat")

ROWS = 3_500


def _frame(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    answers = np.array(["Often", "Never", "Sometimes", "", "Don't know"], dtype=object)
    late = rng.choice(answers, ROWS)
    late[: ROWS // 2] = "Never"  # a value first seen in a later chunk keeps its place
    late[ROWS - 5] = "Only at the end"
    score = rng.integers(1, 6, ROWS).astype(float)
    score[rng.random(ROWS) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "id": np.arange(1, ROWS + 1, dtype=float),
            "q1": score,
            "q2": rng.choice([1.0, 2.0, 9.0], ROWS),  # 9 declared missing (SPSS)
            "weight": rng.uniform(0.5, 2.0, ROWS),
            "area": rng.choice(np.array(["North", "South", "East"], dtype=object), ROWS),
            "late": late,
            "note": np.array([f"text {i}" for i in range(ROWS)], dtype=object),  # all distinct
        }
    )


def _write(tmp_path: Path, suffix: str) -> Path:
    path = tmp_path / f"survey{suffix}"
    df = _frame()
    labels = {"q1": {1.0: "Never", 5.0: "Always"}, "q2": {1.0: "Yes", 2.0: "No", 9.0: "Refused"}}
    if suffix == ".sav":
        pyreadstat.write_sav(
            df, str(path), variable_value_labels=labels, missing_ranges={"q2": [9]},
            column_labels=["Respondent", "How often", "Agree", "Weight", "Area", "Late", "Note"],
        )  # fmt: skip
    else:
        pyreadstat.write_dta(df, str(path), variable_value_labels=labels)
    return path


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_a_chunked_read_equals_the_one_shot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    path = _write(tmp_path, suffix)
    monkeypatch.setattr(stat, "CHUNK_CELLS", 10**9)  # one call
    whole = read_survey(path)
    calls: list[int] = []
    original = stat._call_quietly

    def counting(reader, p, **kwargs):  # type: ignore[no-untyped-def]
        if "row_limit" in kwargs:
            calls.append(kwargs["row_offset"])
        return original(reader, p, **kwargs)

    monkeypatch.setattr(stat, "_call_quietly", counting)
    monkeypatch.setattr(stat, "CHUNK_CELLS", 7_000)  # 1,000 rows of 7 columns a chunk
    seen: list[tuple[float, str]] = []
    chunked = read_survey(path, progress=lambda f, m: seen.append((f, m)))
    assert calls == [0, 1000, 2000, 3000]  # four chunks, each once
    pd.testing.assert_frame_equal(chunked.frame, whole.frame)
    assert chunked.value_labels == whole.value_labels
    assert chunked.variable_labels == whole.variable_labels
    assert chunked.missing_codes == whole.missing_codes
    # what a user would check: the answers and codes themselves
    frame = chunked.frame
    assert isinstance(frame["area"].dtype, pd.CategoricalDtype)
    assert list(frame["late"].cat.categories)[-1] == "Only at the end"
    assert frame["late"].isna().sum() == (_frame()["late"] == "").sum()  # blanks missing
    assert frame["id"].dtype == np.int64 and frame["id"].iloc[-1] == ROWS
    if suffix == ".sav":
        assert chunked.missing_codes == {"q2": [9]}
        assert (frame["q2"] == 9).sum() > 0  # user-missing kept as codes, as one-shot
    done = [
        int(m.group(1).replace(",", ""))
        for _, msg in seen
        if (m := re.search(r"([\d,]+) of 3,500 rows", msg))
    ]
    assert done == [1000, 2000, 3000, 3500]
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)


def test_dates_are_read_in_chunks_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates come back as dates in every chunk: the same frame as one call."""
    import datetime as dt

    df = _frame().iloc[:2500].copy()
    df["visit"] = [dt.date(2024, 1, 1) + dt.timedelta(days=i % 300) for i in range(len(df))]
    path = tmp_path / "dates.sav"
    pyreadstat.write_sav(df, str(path))
    monkeypatch.setattr(stat, "CHUNK_CELLS", 10**9)
    whole = read_survey(path)
    monkeypatch.setattr(stat, "CHUNK_CELLS", 8_000)
    calls: list[int] = []
    original = stat._call_quietly

    def counting(reader, p, **kwargs):  # type: ignore[no-untyped-def]
        if "row_limit" in kwargs:
            calls.append(kwargs["row_offset"])
        return original(reader, p, **kwargs)

    monkeypatch.setattr(stat, "_call_quietly", counting)
    chunked = read_survey(path)
    assert calls == [0, 1000, 2000]
    pd.testing.assert_frame_equal(chunked.frame, whole.frame)
    assert len(chunked.frame) == 2500


def test_a_column_whose_type_changes_between_chunks_makes_the_file_be_read_whole() -> None:
    pieces = stat._Pieces()
    assert pieces.add(pd.Series([1.0, 2.0]))
    assert not pieces.add(pd.Series(["a", "b"], dtype="str"))
