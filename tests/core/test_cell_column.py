"""Workbook text columns are typed from their distinct values (core/io/grid.py): blank
cells ("" from calamine, or spaces) become missing, answers keep their first-seen order."""

from __future__ import annotations

import pandas as pd

from coprod_gui.core.io.grid import _cell_column


def test_blank_and_space_cells_are_missing_and_answers_keep_their_order() -> None:
    col = ["Often", "", "  ", None, "Never", "Often", "Never", "Often"]
    out = _cell_column(col)
    assert [out[0], out[4], out[5]] == ["Often", "Never", "Often"]
    assert out.isna().tolist() == [False, True, True, True, False, False, False, False]
    assert isinstance(out.dtype, pd.CategoricalDtype)
    assert list(out.cat.categories) == ["Often", "Never"]


def test_a_column_of_blank_cells_is_all_missing() -> None:
    out = _cell_column(["", " ", None, ""])
    assert out.isna().all() and len(out) == 4


def test_numbers_among_text_stay_as_they_are() -> None:
    out = _cell_column([1.0, "Don't know", 3.0, ""])
    assert out.tolist() == [1, "Don't know", 3, None]
