"""Settings stay in the test's own INI file; table models format cells for display."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import QByteArray, QModelIndex, Qt

from coprod_gui.ui.settings import MAX_RECENT, Settings
from coprod_gui.ui.table_models import DataFrameModel, RowsModel, display_value


def test_settings_live_in_the_redirected_file(_private_settings: Path, tmp_path: Path) -> None:
    s = Settings()
    assert Path(s.file_name) == _private_settings
    s.set("prefs/min_base", 25)
    s.sync()
    assert "min_base=25" in _private_settings.read_text()
    assert Settings().get("prefs/min_base") == 25


def test_defaults_and_broken_values(tmp_path: Path) -> None:
    path = tmp_path / "broken.ini"
    path.write_text("[prefs]\nmin_base=lots\ninclude_appendix=false\n", encoding="utf-8")
    s = Settings(path)
    assert s.get("prefs/min_base") == 10  # unreadable -> default
    assert s.get("prefs/include_appendix") is False
    assert s.get("prefs/council_name") == ""


def test_recent_files_newest_first_without_duplicates(tmp_path: Path) -> None:
    s = Settings(tmp_path / "s.ini")
    files = []
    for i in range(MAX_RECENT + 2):
        f = tmp_path / f"survey {i}, wave=2.xlsx"  # commas and '=' survive the INI file
        f.write_bytes(b"x")
        files.append(f)
        s.add_recent(f)
    s.add_recent(files[3])
    s.sync()
    again = Settings(tmp_path / "s.ini").recent_files()
    assert again[0] == files[3]
    assert len(again) == MAX_RECENT
    assert len(set(again)) == len(again)
    files[3].unlink()
    assert files[3] not in Settings(tmp_path / "s.ini").recent_files()
    assert s.last_folder() == str(tmp_path)


def test_geometry_round_trip(tmp_path: Path) -> None:
    s = Settings(tmp_path / "g.ini")
    assert s.geometry() == (None, None)
    s.save_geometry(QByteArray(b"\x01\x02geo"), QByteArray(b"state"))
    s.sync()
    geometry, state = Settings(tmp_path / "g.ini").geometry()
    assert bytes(geometry) == b"\x01\x02geo"
    assert bytes(state) == b"state"


def test_dataframe_model_shows_cells_as_text(qtbot) -> None:
    frame = pd.DataFrame(
        {"id": ["007", "010"], "age": [34.0, float("nan")], "q1": ["Fairly satisfied", None]}
    )
    model = DataFrameModel()
    model.set_frame(frame, {"q1": "How satisfied are you with your area?"})
    assert (model.rowCount(), model.columnCount()) == (2, 3)
    cell = model.data(model.index(0, 0))
    assert cell == "007"  # leading zeros kept
    assert model.data(model.index(0, 1)) == "34"
    assert model.data(model.index(1, 1)) == ""
    assert model.data(model.index(1, 2)) == ""
    assert model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == (
        "How satisfied are you with your area?"
    )
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.rowCount(QModelIndex()) == 2


def test_rows_model_and_display_value() -> None:
    model = RowsModel()
    model.set_rows(["Answer", "Count"], [["Often", 12], ["Don't know", 3]], ["a", None])
    assert model.cell(1, 0) == "Don't know"
    assert model.column_values("Count") == ["12", "3"]
    assert display_value(2.5) == "2.5"
    assert display_value(None) == ""
