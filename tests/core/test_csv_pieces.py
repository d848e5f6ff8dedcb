"""A big CSV without quote marks in its answers is cut at line ends and read by one Arrow
reader per core (issue 11): the same table, notes and messages as one reader, as pandas'
reader and as the careful Python reader; quote marks further down keep one reader.

The pieces are made small here (``MIN_PIECE``, ``BLOCK``) so that small files take the
path a million-row file takes."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.errors import Cancelled, InputError
from coprod_gui.core.io import arrow_csv, grid, text
from coprod_gui.core.io.reading import read_survey

ANSWERS = ["Often", "Sometimes", "Rarely", "Never", "Don't know", ""]


def _lines(n: int, seed: int = 5) -> list[str]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        a = ANSWERS[int(rng.integers(len(ANSWERS)))]
        b = ANSWERS[int(rng.integers(len(ANSWERS) - 1))]
        weight = f"{rng.uniform(0.2, 3):.4f}"
        out.append(f"{i:06d},Council {i % 3},{a},{b},{weight},{int(rng.integers(16, 90))}")
        if i % 997 == 0:
            out.append(",,,,,")  # a blank row
        if i % 1499 == 0:
            out.append("")  # an empty line
    return out


def _write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    title = ["Residents' survey 2024", "Base: all residents", ""]
    header = 'ID,Council,"How often, in a year?","Q2 ""agree""",Weight,Age'
    path.write_text("\n".join([*title, header, *lines]) + "\n", encoding=encoding)
    return path


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Pieces of a few KB, three readers; the names of the threads that read them."""
    monkeypatch.setattr(arrow_csv, "MIN_PIECE", 1)
    monkeypatch.setattr(arrow_csv, "BLOCK", 1 << 14)
    monkeypatch.setattr(arrow_csv, "threads", lambda: 3)
    used: list[str] = []
    original = arrow_csv._in_threads

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        used.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(arrow_csv, "_in_threads", watched)
    return used


def _read(path: Path, mode: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with monkeypatch.context() as m:
        if mode == "pandas":
            m.setattr(text, "USE_ARROW", False)
        if mode == "careful":
            m.setattr(text, "_read_with_arrow", lambda *a, **k: None)
        if mode == "one reader":
            m.setattr(arrow_csv, "threads", lambda: 1)
        return read_survey(path)


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    assert a.notes == b.notes and a.header_row == b.header_row
    assert a.renamed_headers == b.renamed_headers
    for col in a.frame.columns:
        if isinstance(a.frame[col].dtype, pd.CategoricalDtype):  # answers in the same order
            assert list(a.frame[col].cat.categories) == list(b.frame[col].cat.categories)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_pieces_give_the_same_table_as_every_other_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_pieces: list[str], encoding: str
) -> None:
    lines = _lines(6000)
    if encoding == "cp1252":
        lines[10] = lines[10].replace("Council 1", "Café £")
    path = _write(tmp_path / "s.csv", lines, encoding)
    pieces = _read(path, "pieces", monkeypatch)
    assert small_pieces, "the file was not read in pieces"
    assert len(pieces.frame) == 6000
    assert pieces.frame["ID"].iloc[7] == "000007"  # leading zeros kept: text
    assert pieces.frame["Weight"].dtype == float
    assert isinstance(pieces.frame["How often, in a year?"].dtype, pd.CategoricalDtype)
    assert any("completely empty rows were skipped" in n for n in pieces.notes)
    for mode in ("one reader", "pandas", "careful"):
        _same(pieces, _read(path, mode, monkeypatch))


def test_a_quote_mark_in_the_answers_keeps_one_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_pieces: list[str]
) -> None:
    lines = _lines(3000)
    lines[2500] = lines[2500].replace("Council", '"Council\nwith a line break"', 1)
    path = _write(tmp_path / "q.csv", lines)
    table = _read(path, "pieces", monkeypatch)
    assert not small_pieces  # a line end may lie inside an answer: not cut
    assert table.frame["Council"].str.contains("\n").sum() == 1  # the answer kept whole
    _same(table, _read(path, "careful", monkeypatch))


def test_a_long_row_in_a_later_piece_is_still_refused_with_its_line(
    tmp_path: Path, small_pieces: list[str]
) -> None:
    lines = _lines(3000)
    lines[2800] += ",extra"
    path = _write(tmp_path / "r.csv", lines)
    with pytest.raises(InputError, match=r"Line \d+ of 'r.csv' has 7 values but the header has 6"):
        read_survey(path)
    assert small_pieces  # found by the pieces, reported by the careful reader


def test_cancel_stops_every_reader(tmp_path: Path, small_pieces: list[str]) -> None:
    path = _write(tmp_path / "c.csv", _lines(6000))
    seen: list[str] = []
    with pytest.raises(Cancelled):
        read_survey(path, progress=lambda f, m: seen.append(m), is_cancelled=lambda: len(seen) > 5)
    assert small_pieces
    assert not [t for t in threading.enumerate() if t.name.startswith("csv-reader-")]


@pytest.mark.parametrize(
    "body",
    ["a,b\n1,2\n", 'a,"b"\n1,2\n', 'a,b\n1,"2"\n', '"a",b\n1,"x ""y"""\n3,4\n'],
)
def test_the_quote_count_is_the_full_count(body: str) -> None:
    data = ("Title\n" * 50 + body).encode("utf-8")
    head = text._head(data.decode("utf-8"))
    quotes, cut_from = text._count_quotes(None, data, "utf-8", head, ",")
    assert quotes == data.count(b'"')
    assert (cut_from is None) == ('"' in data.decode("utf-8")[len(head) :])
    decoded = data.decode("utf-8")
    assert text._count_quotes(decoded, data, "cp1252", head, ",")[0] == decoded.count('"')


def test_typing_a_column_looks_at_its_first_rows_not_every_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression guard (not timed): the order in which a column's answers first appear
    is found from its first rows; the old code hashed every cell of every column (about
    0.2 s of a million-row read)."""
    n = 60_000
    path = _write(tmp_path / "big.csv", _lines(n))
    hashed: list[int] = []
    original = pd.unique

    def counted(values):  # type: ignore[no-untyped-def]
        hashed.append(len(values))
        return original(values)

    monkeypatch.setattr(grid.pd, "unique", counted)
    table = read_survey(path)
    monkeypatch.undo()
    assert hashed  # the rule is used ...
    assert max(hashed) < n / 10, hashed  # ... on the first rows only
    answers = table.frame["How often, in a year?"]
    seen = list(dict.fromkeys(a for a in answers if isinstance(a, str)))
    assert list(answers.cat.categories) == seen  # in order of first appearance


@pytest.mark.parametrize(
    "blocks",
    [
        [["ID", "001", "002"], ["003", "004"], [], ["005"]],  # IDs in order: no value twice
        [["ID", "002", "001"], ["004", "003"]],  # out of order
        [["ID", "001", "002"], ["002", "003"]],  # in order, one repeat across blocks
        [["Q1", "Often", "Never", "Often"], ["Never", "Rarely"], ["Often"]],  # few answers
        [["Q1", "a", "Q1"], ["Q1", "b"]],  # the header's text among the answers
        [["w"] + [f"{i / 7:.4f}" for i in range(300)], [f"{i / 3:.4f}" for i in range(300)]],
    ],
)
def test_one_dictionary_is_what_arrow_unifies(
    blocks: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa

    monkeypatch.setattr(arrow_csv, "DISTINCT_FROM", 2)  # the shortcuts on small columns
    monkeypatch.setattr(arrow_csv, "SMALL_TO", 100)
    chunks = [pa.array(b, pa.string()).dictionary_encode() for b in blocks]
    codes, values = arrow_csv.one_dictionary(chunks)
    unified = pa.chunked_array(chunks).unify_dictionaries()
    assert values.to_pylist() == unified.chunk(0).dictionary.to_pylist()
    want = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in unified.chunks])
    assert codes.tolist() == want.tolist()
    assert [values[int(c)].as_py() for c in codes] == [v for b in blocks for v in b]
    col = arrow_csv.column(chunks)  # counted block by block, as the cells say
    assert col.counts.tolist() == np.bincount(want, minlength=len(values)).tolist()
    assert col.first == want[0]
    buffer = np.full(len(want) + 5, -7, dtype=np.int32)  # a reused buffer, longer
    assert col.codes(buffer).tolist() == want.tolist()
