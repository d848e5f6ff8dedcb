"""Project files: the survey files by relative path with size and checksum, the mapping,
the brief's options; a moved folder still opens, a changed file is noticed."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from coprod_gui.core.errors import InputError
from coprod_gui.core.project import (
    SCHEMA,
    file_hash,
    load_project,
    make_project,
    open_project,
    options_from_dict,
    options_to_dict,
    save_project,
)
from coprod_gui.core.types import Mapping


@dataclass
class _Options:
    title: str | None = None
    min_base: int = 10
    appendix: bool = True


def _survey(folder: Path, name: str = "wave1.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("id,q1,q2\n1,Often,Agree\n2,Never,Disagree\n", encoding="utf-8")
    return path


def _mapping() -> Mapping:
    # One column per topic: a mapping putting one column under two topics is refused.
    return Mapping(
        columns={"efficacy": ["q2"], "collective_coproduction": ["q1"]},
        reverse=["q2"],
        missing=[9],
    )


def test_round_trip_relative_paths_sizes_and_hashes(tmp_path: Path) -> None:
    survey = _survey(tmp_path / "data")
    target = tmp_path / "projects" / "Our survey"
    project = make_project(
        [survey],
        _mapping(),
        target,
        overrides={survey: ("Sheet 2", 3)},
        brief={"title": "Our brief", "min_base": 20},
    )
    written = save_project(project, target)
    assert written.name == "Our survey.coprod"  # suffix added
    doc = json.loads(written.read_text(encoding="utf-8"))
    assert doc["schema"] == SCHEMA
    entry = doc["files"][0]
    assert entry["path"] == "../data/wave1.csv"  # relative to the project's folder
    assert entry["size"] == survey.stat().st_size
    assert entry["sha256"] == file_hash(survey)
    assert (entry["sheet"], entry["header_row"]) == ("Sheet 2", 3)
    assert doc["mapping"]["reverse"] == ["q2"]
    opened = open_project(written)
    assert opened.paths == [survey.resolve()]
    assert opened.overrides[survey.resolve()] == ("Sheet 2", 3)
    assert opened.project.mapping.columns == _mapping().columns
    assert opened.project.mapping.missing == [9]
    assert opened.project.brief == {"title": "Our brief", "min_base": 20}
    assert opened.warnings == []


def test_a_moved_folder_still_opens(tmp_path: Path) -> None:
    folder = tmp_path / "survey work"
    survey = _survey(folder)
    save_project(make_project([survey], _mapping(), folder / "p.coprod"), folder / "p.coprod")
    moved = tmp_path / "shared drive" / "survey work"
    shutil.move(str(folder), str(moved))
    opened = open_project(moved / "p.coprod")
    assert opened.paths == [(moved / "wave1.csv").resolve()]


def test_a_missing_file_is_named_and_a_changed_one_is_a_warning(tmp_path: Path) -> None:
    survey = _survey(tmp_path)
    path = save_project(make_project([survey], _mapping(), tmp_path / "p"), tmp_path / "p")
    survey.write_text("id,q1\n1,Often\n2,Never\n3,Often\n", encoding="utf-8")
    opened = open_project(path)
    assert len(opened.warnings) == 1 and "wave1.csv has changed" in opened.warnings[0]
    survey.unlink()
    with pytest.raises(InputError) as err:
        open_project(path)
    assert "wave1.csv" in err.value.message and err.value.hint


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("not json", "not valid JSON"),
        ('{"schema": "coprod-project/9", "files": []}', "coprod-project/9"),
        ('{"schema": "coprod-project/1", "files": []}', "names no survey file"),
        (
            '{"schema": "coprod-project/1", "files": [{"path": "a.csv", "size": -1, '
            '"sha256": "x"}]}',
            "size",
        ),
    ],
)
def test_bad_project_files_are_refused_plainly(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bad.coprod"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_project(path)
    assert words in err.value.message
    assert "bad.coprod" in err.value.message


def test_options_keep_known_plain_fields_only() -> None:
    d = options_to_dict(_Options(title="T", min_base=25))
    assert d == {"title": "T", "min_base": 25, "appendix": True}
    back = options_from_dict(_Options, {**d, "from_a_newer_program": 1, "appendix": "yes"})
    assert back == _Options(title="T", min_base=25, appendix=True)  # wrong type: default


def test_a_project_keeps_the_officers_answer_edits(tmp_path: Path) -> None:
    """The project carries the question definitions (issue 13 item 4): an answer the
    officer marked missing is still missing after save and open (a coprod-mapping/1 body
    dropped every definition)."""
    from coprod_gui.core.io.reading import read_survey
    from coprod_gui.core.survey.define import build_definitions
    from coprod_gui.core.survey.definitions import mark_missing

    survey = _survey(tmp_path)
    mapping = _mapping()
    defs = build_definitions([read_survey(survey)], mapping)
    key = next(a.key for a in defs["q1"].answers if a.score is not None)
    mapping.definitions = {**defs, "q1": mark_missing(defs["q1"], key)}
    written = save_project(make_project([survey], mapping, tmp_path / "p"), tmp_path / "p")
    doc = json.loads(written.read_text(encoding="utf-8"))
    assert doc["mapping"]["schema"] == "coprod-mapping/2"
    back = open_project(written).project.mapping.definitions["q1"]
    edited = next(a for a in back.answers if a.key == key)
    assert edited.score is None and edited.missing == "marked missing by the officer"
