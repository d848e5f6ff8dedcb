"""Ordinary data that crashed the export (issue 12, items 2 and 3): a share that rounding
puts a hair over 100 %, and a ``$`` in a council name (matplotlib's mathtext)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod_gui import cli
from coprod_gui.core.survey.synthetic import CONSTRUCT_COLUMNS, STRUCTURE_COLUMNS, generate_survey

COUNCIL = STRUCTURE_COLUMNS["authority"]
WEIGHT = STRUCTURE_COLUMNS["weight"]
# 12 weights whose weighted share of "all yes" is 1.0000000000000002 in floating point
OVERSHOOTING = [1.489, 2.877, 1.65, 1.448, 1.975, 2.987, 2.862, 1.542, 2.346, 1.643, 1.729, 2.422]


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_weights_do_overshoot() -> None:
    w = np.array(OVERSHOOTING)
    assert float(w @ np.ones(12, dtype=bool) / w.sum()) > 1.0


def test_a_weighted_council_where_everyone_takes_part(tmp_path: Path, capsys) -> None:
    df = generate_survey(300, seed=21)
    small = df.head(12).copy()
    small[COUNCIL] = "Tiny Vale Council"
    for column in CONSTRUCT_COLUMNS["individual_coproduction"]:
        small[column] = "Often"
    small[WEIGHT] = OVERSHOOTING
    path = tmp_path / "survey.csv"
    pd.concat([df, small], ignore_index=True).to_csv(path, index=False)
    out = tmp_path / "o"
    status, _, err = run_cli([str(path), "--out", str(out)], capsys)
    assert status == 0, err
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    tiny = doc["levels_by"]["authority"]["individual"]["Tiny Vale Council"]
    assert tiny["base"] == 12 and tiny["percent"] == 100.0
    assert tiny["ci_low"] < tiny["percent"] <= tiny["ci_high"] == 100.0
    for level in doc["levels_by"]["authority"]["individual"].values():
        if level["percent"] is not None:
            assert 0 <= level["ci_low"] <= level["percent"] <= level["ci_high"] <= 100
    assert (out / "brief.docx").is_file() and (out / "results.xlsx").is_file()


def test_a_dollar_in_a_council_name_is_drawn_as_it_is(tmp_path: Path, capsys) -> None:
    df = generate_survey(600, seed=3)
    name = r"Kelworth $\frac{$ Council"
    first = df[COUNCIL].astype(str).iloc[0]
    df[COUNCIL] = df[COUNCIL].astype(str).replace(first, name)
    path = tmp_path / "survey.csv"
    df.to_csv(path, index=False)
    out = tmp_path / "o"
    status, _, err = run_cli([str(path), "--out", str(out)], capsys)
    assert status == 0, err
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert name in doc["authorities"]
    with zipfile.ZipFile(out / "brief.docx") as zf:
        assert any(n.startswith("word/media/") for n in zf.namelist())  # the charts are in


def test_chart_text_is_never_mathtext() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from coprod_gui.report.charts import draw_levels
    from tests.report.conftest import make_hand_result

    result = make_hand_result()
    councils = result.levels_by["authority"]
    for form in councils:
        councils[form] = {
            (f"{k} $x^2$" if k == "Northbury" else k): v for k, v in councils[form].items()
        }
    result.authorities = {
        (f"{k} $x^2$" if k == "Northbury" else k): v for k, v in result.authorities.items()
    }
    fig = Figure(figsize=(6.5, 4))
    FigureCanvasAgg(fig)
    draw_levels(fig, result)
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Northbury $x^2$" in labels
    from matplotlib.text import Text

    with_dollar = [t for t in fig.findobj(Text) if "$" in t.get_text()]
    assert with_dollar and all(not t._parse_math for t in with_dollar)
