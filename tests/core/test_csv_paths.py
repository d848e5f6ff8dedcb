"""The three CSV readers give the same table, cell for cell (issue 11, item 2).

pyarrow's reader (from source), pandas' C reader (the executable, where pyarrow is left
out for size) and the careful Python reader (irregular files) must agree on everything
the reader tests pin: "None"/"N/A" kept as text, leading zeros, blanks, blank rows, short
rows, header under title rows, duplicate headers, quoted line breaks, Windows encoding.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from coprod_gui.core.io import reading, text

SAMPLES = {
    "plain": "ID,Council,Q1,Score\n00123,North,Often,3\n00124,South,None,4\n00125,North,N/A,\n",
    "titles": "Resident survey 2024\nBase: all\n\nID,Q1,Q2\n1,Often,Never\n2,Rarely, \n3,,Often\n",
    "blank rows": "a,b,c\n1,x,y\n,,\n\n2,x,z\n   \n3,y,y\n",
    "short rows": "a,b,c\n1,x,y\n2,x\n3,y,z\n",
    "duplicates": "Q1,Q1,Q1 ,,Q2\n1,2,3,,4\n5,6,7,,8\n",
    "quoted": 'id,comment,q\n1,"line one\nline two",Often\n2,"say ""hi""",Never\n',
    "numbers": "w,code\n 1.5 ,1e3\n2,-4\n.5,+7\n",
}


def _frames(path: Path) -> list[tuple[pd.DataFrame, list[str], int]]:
    out = []
    for mode in ("arrow", "pandas", "careful"):
        text.USE_ARROW = mode == "arrow"
        original = text._read_with_arrow
        if mode == "careful":
            text._read_with_arrow = lambda *a, **k: None
        try:
            t = reading.read_survey(path)
        finally:
            text._read_with_arrow = original
            text.USE_ARROW = True
        out.append((t.frame, t.notes, t.header_row))
    return out


@pytest.mark.parametrize("name", list(SAMPLES))
def test_the_three_csv_readers_agree(name: str, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(SAMPLES[name], encoding="utf-8")
    (a, na, ha), (b, nb, hb), (c, nc, hc) = _frames(path)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    assert na == nb == nc and ha == hb == hc


def test_user_visible_values_survive(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(SAMPLES["plain"], encoding="utf-8")
    for frame, _, _ in _frames(path):
        assert frame["ID"].tolist() == ["00123", "00124", "00125"]  # leading zeros kept
        assert frame["Q1"].tolist() == ["Often", "None", "N/A"]  # answers, not missing
        assert frame["Score"].tolist()[:2] == [3.0, 4.0] and pd.isna(frame["Score"].iloc[2])


def test_windows_encoded_file(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes("Q1,Council\nVery satisfied,Caf\xe9 \xa3\n".encode("latin-1") * 1)
    results = _frames(path)
    for frame, notes, _ in results:
        assert frame["Council"].tolist() == ["Café £"]
        assert any("cp1252" in n for n in notes)


def test_columns_with_many_distinct_answers_agree(tmp_path: Path) -> None:
    """Above ``grid.VECTOR_FROM`` distinct answers a column is typed in Arrow and numpy
    (``arrow_text_column``), not one Python string per answer: the same frame as the
    pandas and careful readers, for IDs with leading zeros, weights, free text with blanks,
    repeated codes and numbers too long to be kept as numbers."""
    from coprod_gui.core.io import grid

    n = grid.VECTOR_FROM * 2 + 7
    lines = ["ID,Weight,Comment,Code,Long,Area"]
    for i in range(n):
        comment = "" if i % 5 == 0 else f"comment {i}"
        long = f"{10**16 + i}" if i % 3 else f"{i}.5"
        lines.append(f"{i:07d},{1 + i / n:.6f},{comment},C{i % 5001},{long},A{i % 3}")
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls: list[int] = []
    original = grid.arrow_text_column

    def counting(codes, values, *rest):  # type: ignore[no-untyped-def]
        calls.append(len(values))
        return original(codes, values, *rest)

    text.arrow_text_column = counting  # type: ignore[attr-defined]
    try:
        (a, _, _), (b, _, _), (c, _, _) = _frames(path)
    finally:
        text.arrow_text_column = original  # type: ignore[attr-defined]
    assert sum(v > grid.VECTOR_FROM for v in calls) >= 4  # the vector path was taken
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    assert a["ID"].iloc[3] == "0000003"  # leading zeros: text
    assert a["Weight"].dtype == float and a["Weight"].iloc[0] == 1.0
    assert a["Comment"].isna().sum() == len(range(0, n, 5))  # blanks are missing
    assert isinstance(a["Code"].dtype, pd.CategoricalDtype)  # 5,001 codes, each twice: kept as categories
    assert a["Long"].iloc[1] == str(10**16 + 1)  # 17 digits: kept as typed, as text


def test_pandas_reader_keeps_text_as_typed_in_every_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pandas' reader (the executable's) reads in chunks; with dtype="category" a chunk
    without the header had its categories typed as numbers, so IDs lost their leading
    zeros after the first chunk ("0100000" became "100000")."""
    lines = ["ID,Code,Weight,Q1"]
    lines += [f"{i:07d},0{i % 7},{1 + i / 1000:.4f},{'Often' if i % 3 else 'Never'}" for i in range(400)]
    path = tmp_path / "ids.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(text, "PANDAS_CHUNK", 64)
    (a, _, _), (b, _, _), (c, _, _) = _frames(path)
    assert b["ID"].iloc[300] == "0000300" and b["Code"].iloc[300] == "06"
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
