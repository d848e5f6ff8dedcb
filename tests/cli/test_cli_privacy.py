"""Residents' own words reach no output (issue 12, item 1).

Each kind of personal data is planted in each category column (the council too): once in
a group big enough to be shown (it must still not be printed: it looks personal) and once
in a single cell (a small group: its label must not be printed whatever it says). Then
every output file (the Word and Excel files unzipped, document properties included), the
console and the log are searched for any part of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coprod_gui.core.survey.synthetic import STRUCTURE_COLUMNS, generate_survey

ROOT = Path(__file__).resolve().parents[2]

CATEGORY_COLUMNS = [
    STRUCTURE_COLUMNS["authority"],
    "Gender",
    "Ethnic group",
    "Highest qualification",
    "Employment status",
    "Do you have a long-term illness, health problem or disability?",
    "Housing tenure",
]
# (answer typed, the fragments that must appear nowhere)
PLANTS = [
    ("In another way: jo.bloggs@example.com", ["bloggs@", "example.com"]),
    ("Call Jo on 07700 900123", ["07700 900123", "07700900123"]),
    ("Ring +33 6 12 34 56 78", ["+33", "12 34 56"]),
    ("Near SW1A 1AA", ["SW1A"]),
    ("See https://example.org/jo", ["example.org"]),
    ("www.jobloggs.co.uk", ["jobloggs"]),
    (
        "I would rather describe myself in my own words because none of these boxes fit "
        "me or my neighbours at number twelve",
        ["neighbours at number"],
    ),
    ("Jo Bloggs", ["Bloggs"]),  # looks like nothing in particular: a small group's label
]
BIG_GROUP = 15  # respondents given the same planted answer: over the small-group threshold


def _texts(out: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(out.iterdir()):
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():  # document, sheets, shared strings, docProps ...
                    if name.endswith((".png", ".jpeg", ".emf")):
                        continue  # the charts' pixels (their alt text is in the XML)
                    texts[f"{path.name}:{name}"] = zf.read(name).decode("utf-8", "replace")
        else:
            texts[path.name] = path.read_text(encoding="utf-8")
    return texts


@pytest.fixture(scope="module")
def planted_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess, Path, Path]:
    folder = tmp_path_factory.mktemp("privacy")
    df = generate_survey(1500, seed=8)
    row = 0
    for column in CATEGORY_COLUMNS:
        df[column] = df[column].astype(object)
        for i, (text, _) in enumerate(PLANTS):
            if text == "Jo Bloggs" and column == STRUCTURE_COLUMNS["authority"]:
                continue  # below: a one-person council
            # the first half of the kinds in a big group, the rest in a single cell
            n = BIG_GROUP if i % 2 == 0 else 1
            df.loc[row : row + n - 1, column] = text
            row += n
    df.loc[row, STRUCTURE_COLUMNS["authority"]] = "Jo Bloggs"
    path = folder / "residents.csv"
    df.to_csv(path, index=False)
    out = folder / "out"
    env = {**os.environ, "COPROD_LOG_DIR": str(folder / "logs"), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "analyse", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return proc, out, folder / "logs"


def test_no_planted_personal_data_in_any_output(planted_run) -> None:
    proc, out, logs = planted_run
    assert proc.returncode == 0, proc.stderr
    texts = _texts(out)
    assert {"results.json", "mapping.json", "brief.docx:docProps/core.xml"} <= set(texts)
    texts["stdout"], texts["stderr"] = proc.stdout, proc.stderr
    for log in logs.iterdir():
        texts[log.name] = log.read_text(encoding="utf-8")
    leaks = [
        (fragment, where)
        for _, fragments in PLANTS
        for fragment in fragments
        for where, text in texts.items()
        if fragment.lower() in text.lower()
    ]
    assert leaks == []


def test_personal_answers_are_one_group_called_another_answer(planted_run) -> None:
    import json

    _, out, _ = planted_run
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["n_respondents"] == 1500
    gender = doc["levels_by"]["gender"]["individual"]
    assert "Another answer" in gender
    # the real answer options are still there, with their figures
    assert gender["Female"]["percent"] is not None and gender["Female"]["base"] > 300
