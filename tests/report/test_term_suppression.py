"""A control category answered by fewer than ``min_base`` respondents (``tenure=Other``
resting on 4 people) shows no estimate anywhere: Word, Excel, results.json.

The sizes come from ``ModelResult.level_counts``: first a real fit counts them, then the
estimates of that fit and of a hand-built result are looked for in every output.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import docx
import numpy as np
import openpyxl
import pandas as pd

from coprod_gui.core.results import AnalysisResult, Comparison
from coprod_gui.core.stats import linear
from coprod_gui.core.stats.diagnostics import term_words
from coprod_gui.report.export import export_all
from coprod_gui.report.options import BriefOptions
from coprod_gui.report.suppression import protected_results, term_hidden

from .conftest import _t, make_hand_result

# Distinctive numbers for the 4-person category: they must appear in no output.
SMALL = {"individual": -7.37, "collective": 6.41}
SMALL_AME = {"individual": 13.79, "collective": -12.53}
# ... and a large category whose estimates must still be shown.
LARGE = {"individual": 2.58, "collective": -1.94}
LARGE_AME = {"individual": 4.47, "collective": 3.36}
COUNTS = {"tenure=Owner": 600, "tenure=Social renting": 168, "tenure=Other": 4}


def _with_small_tenure(result: AnalysisResult, counts: bool = True) -> AnalysisResult:
    for form in ("individual", "collective"):
        for group, small, large in (
            (result.models, SMALL, LARGE),
            (result.participation, SMALL_AME, LARGE_AME),
        ):
            m = group[form]
            m.terms["tenure=Social renting"] = _t(large[form], 1.0, 0.01)
            m.terms["tenure=Other"] = _t(small[form], 4.0, 0.07)
            m.reference_levels = {**m.reference_levels, "tenure": "Owner"}
            if counts:
                m.level_counts = {**COUNTS, "gender=Female": 400, "gender=Male": 372}
    result.comparison["tenure=Other"] = Comparison(
        "tenure=Other", SMALL["individual"], SMALL["collective"], 13.78, 5.1, 0.01, 3.78, 23.78
    )
    result.controls = [*result.controls, "tenure"]
    return result


def _docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
    parts += [s._inline.docPr.get("descr") or "" for s in d.inline_shapes]
    return "\n".join(parts)


def _xlsx_cells(path: Path) -> list[tuple[str, object]]:
    wb = openpyxl.load_workbook(path)
    cells = [
        (ws.title, c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]
    wb.close()
    return cells


def _same(value: object, target: float) -> bool:
    return isinstance(value, float | int) and math.isclose(float(value), target, abs_tol=5e-3)


def _shows(cells: list[tuple[str, object]], target: float) -> bool:
    """A cell holds the number, or prints it (2 decimals, as the writers do)."""
    text = f"{target:.2f}"
    return any(_same(v, target) or (isinstance(v, str) and text in v) for _, v in cells)


def test_small_category_is_hidden_by_its_model_count(brief_options) -> None:
    result = _with_small_tenure(make_hand_result())
    assert term_hidden("tenure=Other", result, brief_options)
    assert not term_hidden("tenure=Social renting", result, brief_options)
    assert not term_hidden("gender=Female", result, brief_options)
    # a lower threshold shows it again: the rule reads the count, not the name
    assert not term_hidden("tenure=Other", result, BriefOptions(min_base=3))


def test_older_results_without_counts_behave_as_before(brief_options) -> None:
    result = _with_small_tenure(make_hand_result(), counts=False)
    assert not term_hidden("tenure=Other", result, brief_options)
    doc = protected_results(result, brief_options)
    assert doc["models"]["individual"]["terms"]["tenure=Other"]["estimate"] == SMALL["individual"]
    assert doc["models"]["individual"]["level_counts"] == {}


def test_small_category_estimate_is_in_no_output(brief_options, tmp_path) -> None:
    result = _with_small_tenure(make_hand_result())
    # the unprotected document has the figures, so the checks below can fail
    raw = json.dumps(result.to_dict())
    assert str(SMALL["individual"]) in raw and '"tenure=Other": 4' in raw

    doc = protected_results(result, brief_options)
    text = json.dumps(doc)
    for form in ("individual", "collective"):
        for key in ("models", "participation"):
            model = doc[key][form]
            entry = model["terms"]["tenure=Another answer"]  # never named (issue 12)
            assert entry["suppressed"] is True and entry["estimate"] is None
            assert entry["ci_low"] is None and entry["p_value"] is None
            assert model["terms"]["tenure=Social renting"]["estimate"] is not None
            counts = model["level_counts"]
            # the small count is withheld, and so is the next smallest (else n minus the
            # others would give it); the large reference group's count stays
            assert "tenure=Other" not in counts and counts["tenure=Another answer"] is None
            assert counts["tenure=Social renting"] is None
            assert counts["tenure=Owner"] == 600 and counts["gender=Female"] == 400
    assert doc["comparison"]["tenure=Another answer"]["difference"] is None
    for value in (*SMALL.values(), *SMALL_AME.values(), 13.78):
        assert str(value) not in text
    for value in (*LARGE.values(), *LARGE_AME.values()):
        assert str(value) in text

    files = export_all(result, tmp_path, brief_options)
    words = _docx_text(files["docx"])
    for value in (*SMALL.values(), *SMALL_AME.values(), 13.78):
        assert f"{value:.2f}" not in words
    assert term_words("tenure=Other") not in words  # "Housing tenure: Other"
    # the full model tables (with the large category) are in the workbook, checked below

    cells = _xlsx_cells(files["xlsx"])
    for value in (*SMALL.values(), *SMALL_AME.values(), 13.78):
        assert not _shows(cells, value), value
    assert not any(v == "tenure=Other" for _, v in cells)
    drivers = [v for sheet, v in cells if sheet == "Models"]
    assert "tenure=Social renting" in drivers
    assert any(_same(v, LARGE["individual"]) for v in drivers)


def _frame_with_small_tenure(seed: int = 11) -> pd.DataFrame:
    """Modelling data (as the pipeline prepares it) where 4 respondents rent 'Other'."""
    r = np.random.default_rng(seed)
    n = 600
    auth = r.integers(0, 4, n)
    eff, cons = r.uniform(0, 1, (2, n))
    tenure = r.choice(["Owner", "Social renting", "Private renting"], n, p=[0.55, 0.2, 0.25])
    tenure[[5, 60, 260, 480]] = "Other"
    age = r.uniform(18, 90, n)
    index = 40 + 15 * eff + 5 * cons + 8 * (tenure == "Other") + r.normal(0, 10, n)
    col = 20 + 20 * eff + r.normal(0, 10, n)
    return pd.DataFrame(
        {
            "authority": pd.Categorical([f"Council {a}" for a in auth]),
            "index_individual": np.clip(index, 0, 100),
            "index_collective": np.clip(col, 0, 100),
            "efficacy": eff,
            "consultation_satisfaction": cons,
            "age": age,
            "tenure": pd.Categorical(tenure),
        }
    )


def test_a_real_fit_counts_the_small_category_and_the_outputs_hide_it(
    brief_options, tmp_path
) -> None:
    data = _frame_with_small_tenure()
    fitted = {
        form: linear.fit_index_model(
            data,
            form,
            drivers=["efficacy", "consultation_satisfaction"],
            controls=["age", "tenure"],
            weighted=False,
        )
        for form in ("individual", "collective")
    }
    ind = fitted["individual"]
    assert ind.ok and ind.level_counts["tenure=Other"] == 4
    assert ind.level_counts["tenure=Owner"] == int((data["tenure"] == "Owner").sum())
    small = ind.terms["tenure=Other"].estimate
    large = ind.terms["tenure=Social renting"].estimate

    result = make_hand_result()
    result.models = fitted
    result.participation = {}
    result.comparison = {}
    result.controls = ["age", "tenure"]
    assert term_hidden("tenure=Other", result, brief_options)

    doc = protected_results(result, brief_options)
    text = json.dumps(doc)
    assert repr(small) in json.dumps(result.to_dict())  # present before protection
    assert repr(small) not in text and repr(large) in text
    assert doc["models"]["individual"]["terms"]["tenure=Another answer"]["estimate"] is None

    files = export_all(result, tmp_path, brief_options)
    cells = _xlsx_cells(files["xlsx"])
    assert not any(isinstance(v, float) and v == small for _, v in cells)
    assert any(isinstance(v, float) and v == large for _, v in cells)
    assert not any(v == "tenure=Other" for _, v in cells)
    words = _docx_text(files["docx"])
    assert term_words("tenure=Other") not in words  # "Housing tenure: Other"
