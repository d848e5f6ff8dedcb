"""The real GSS 2010 file (nobody here wrote it): a correct mapping, and no mapping at all.

Located beside the repository (``../shared/realdata``) as CI has it; skipped only when the
file is not there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from coprod_gui.cli import main
from coprod_gui.core.pipeline import analyse_tables, load_tables
from coprod_gui.core.survey.definitions import mark_missing
from coprod_gui.core.survey.mapping import mapping_from_dict

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = [ROOT.parent / "shared/realdata/GSS2010.dta", ROOT.parent.parent / "shared/realdata/GSS2010.dta"]
GSS = next((p for p in CANDIDATES if p.exists()), None)
pytestmark = pytest.mark.skipif(GSS is None, reason="the shared GSS 2010 file is not beside the repo")

COLLECTIVE = ["grngroup", "grnsign", "grnmoney", "grndemo"]
# Written from the file's README: acts for oneself, with others, efficacy worded against
# itself, background; no weight.
README_MAPPING = {
    "schema": "coprod-mapping/1",
    "columns": {
        "individual_coproduction": ["recycle", "redcehme", "drivless", "chemfree", "h2oless"],
        "collective_coproduction": COLLECTIVE,
        "efficacy": ["toodifme"],
        "age": "age",
        "gender": "sex",
        "education": "degree",
        "ethnicity": "race",
        "employment": "wrkstat",
    },
    "reverse": ["toodifme"],
}


@pytest.fixture(scope="module")
def tables():
    return load_tables([GSS])


def test_correct_mapping_gives_the_independent_collective_level(tables) -> None:
    survey, result = analyse_tables(tables, mapping_from_dict(README_MAPPING))
    raw = pd.read_stata(GSS, convert_categoricals=False)[COLLECTIVE]
    answered = raw.notna().any(axis=1)
    expected = 100 * (raw == 1).any(axis=1)[answered].mean()
    assert expected == pytest.approx(26.4, abs=0.1)
    assert result.levels["collective"].percent == pytest.approx(expected, abs=1e-9)
    assert result.levels["collective"].base == int(answered.sum())
    # All four collective items were scored (3 of them say "YES, I HAVE").
    assert len(survey.items_of("collective")) == 4
    # Age 89 is labelled "89 OR OLDER" and still a number: several age groups.
    groups = survey.data["age_band"].value_counts()
    assert (groups > 0).sum() >= 4
    assert survey.data["age"].max() == 89
    # No weight was mapped: nothing is weighted.
    assert not result.weighted and not survey.weighted
    assert not any("weight" in w.lower() for w in result.warnings)


def test_no_car_answer_holds_its_item_back_until_the_officer_marks_it(tables) -> None:
    mapping = mapping_from_dict(README_MAPPING)
    survey, _ = analyse_tables(tables, mapping)
    held = survey.mapping.definitions["drivless"]
    assert held.status == "held back"
    assert [a.label for a in held.unknown] == ["NO CAR, DONT DRIVE"]
    assert "drivless" not in [i.source for i in survey.items]
    assert survey.mapping.definitions["recycle"].answer("not available").missing == "not applicable"
    survey.mapping.definitions["drivless"] = mark_missing(held, "NO CAR, DONT DRIVE")
    again, _ = analyse_tables(tables, survey.mapping)
    assert len(again.items_of("individual")) == 5


def test_cli_writes_the_definitions_and_says_nothing_about_weights(tmp_path: Path, capsys) -> None:
    m = tmp_path / "m.json"
    m.write_text(json.dumps(README_MAPPING), encoding="utf-8")
    status = main([str(GSS), "--mapping", str(m), "--out", str(tmp_path / "o")])
    out = capsys.readouterr()
    assert status == 0, out.err
    doc = json.loads((tmp_path / "o" / "mapping.json").read_text(encoding="utf-8"))
    assert doc["schema"] == "coprod-mapping/2"
    assert doc["questions"]["grnsign"]["kind"] == "yes-no"
    assert doc["questions"]["age"]["kind"] == "number"
    results = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert results["levels"]["collective"]["percent"] == pytest.approx(26.44, abs=0.01)
    assert "weight" not in out.out.lower()
