"""``analyse … --save-project P`` then ``analyse --project P`` gives the same figures.

Runs on a synthetic agency workbook (fast, every CI run) and on the real GSS 2010 file
when ``../shared`` is beside the project (the headline check of issue 13).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coprod_gui import cli
from coprod_gui.core.project import load_project
from coprod_gui.core.survey.synthetic import generate_survey, write_agency_xlsx

ROOT = Path(__file__).resolve().parents[2]


def _gss() -> Path | None:
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "realdata" / "GSS2010.dta"
        if path.is_file():
            return path
    return None


def _figures(folder: Path) -> dict:
    doc = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    return {k: doc[k] for k in ("n_respondents", "levels", "levels_by", "models", "participation")}


def _round_trip(
    survey: Path, tmp_path: Path, capsys, extra: tuple[str, ...] = ()
) -> tuple[dict, dict, Path]:
    project = tmp_path / "work" / "survey.coprod"
    direct, again = tmp_path / "direct", tmp_path / "again"
    args = [str(survey), *extra, "--out", str(direct), "--save-project", str(project)]
    assert cli.main(args) == 0
    assert "survey.coprod" in capsys.readouterr().out
    assert project.is_file()
    assert cli.main(["--project", str(project), "--out", str(again)]) == 0
    return _figures(direct), _figures(again), project


def test_saved_project_runs_headless_with_the_same_results(tmp_path: Path, capsys) -> None:
    survey = tmp_path / "data" / "panel.xlsx"
    survey.parent.mkdir()
    write_agency_xlsx(generate_survey(400, seed=11), survey)
    direct, again, project = _round_trip(survey, tmp_path, capsys)
    assert direct == again
    assert direct["n_respondents"] == 400
    saved = load_project(project)
    assert saved.files[0].path == "../data/panel.xlsx"
    assert saved.mapping.has("efficacy")


def test_project_and_files_together_are_refused(tmp_path: Path, capsys) -> None:
    assert cli.main(["--project", str(tmp_path / "p.coprod"), str(tmp_path / "a.csv")]) == 2
    assert "either --project or survey files" in capsys.readouterr().err


def test_project_with_a_missing_survey_exits_2_naming_it(tmp_path: Path, capsys) -> None:
    survey = tmp_path / "panel.xlsx"
    write_agency_xlsx(generate_survey(300, seed=3), survey)
    project = tmp_path / "p.coprod"
    assert (
        cli.main([str(survey), "--out", str(tmp_path / "o"), "--save-project", str(project)]) == 0
    )
    shutil.move(str(survey), str(tmp_path / "elsewhere.xlsx"))
    capsys.readouterr()
    assert cli.main(["--project", str(project), "--out", str(tmp_path / "o2")]) == 2
    err = capsys.readouterr().err
    assert "panel.xlsx" in err and "Traceback" not in err


@pytest.mark.slow
def test_gss_2010_project_gives_the_same_results_json(tmp_path: Path, capsys) -> None:
    gss = _gss()
    if gss is None:
        pytest.skip("../shared/realdata/GSS2010.dta is not beside the project")
    # Without a mapping the GSS run stops to ask for a check (issue 9): map it as its README says.
    mapping = tmp_path / "gss_mapping.json"
    mapping.write_text(json.dumps({"schema": "coprod-mapping/2", "columns": {
        "individual_coproduction": ["recycle", "redcehme", "chemfree", "h2oless"],
        "collective_coproduction": ["grngroup", "grnsign", "grnmoney", "grndemo"],
        "efficacy": ["toodifme"], "age": "age", "gender": "sex"}, "reverse": ["toodifme"]}))
    direct, again, _ = _round_trip(gss, tmp_path, capsys, ("--mapping", str(mapping)))
    assert direct == again
    assert direct["n_respondents"] > 1000
