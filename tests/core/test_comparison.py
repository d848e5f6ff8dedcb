"""The comparison a floor or ceiling cannot fake (DESIGN §4, "Comparison (revised)").

Checked three ways: against R (base glm + sandwich, tests/reference/comparison.R, whose
printed values are committed in comparison_r.tsv and re-run here when R is installed), on
planted surveys whose truth is known, and on the verdict rule itself.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from coprod_gui.core.results import ScaleDifference
from coprod_gui.core.stats.comparison import compare_participation, verdict

from .planted import NOTHING, PLANTED, planted_frame

REF = Path(__file__).resolve().parents[1] / "reference"
KW = {"drivers": ["efficacy", "consultation_satisfaction"], "controls": ["age", "gender"]}
FIELDS = {
    "individual": "individual",
    "individual_se": "individual_se",
    "collective": "collective",
    "collective_se": "collective_se",
    "difference": "difference",
    "difference_se": "std_error",
}


def _reference_frame() -> pd.DataFrame:
    d = pd.read_csv(REF / "comparison_data.csv")
    for c in ("authority", "gender"):
        d[c] = pd.Categorical(d[c])
    return d


def _reference(text: str) -> dict[tuple[str, str, str, str], float]:
    out = {}
    for line in text.strip().splitlines():
        weighted, term, scale, quantity, value = line.split("\t")
        out[(weighted, term, scale, quantity)] = float(value)
    return out


def _check(ref: dict[tuple[str, str, str, str], float]) -> None:
    data = _reference_frame()
    assert len({k[:2] for k in ref}) == 8  # 4 terms, weighted and not
    for weighted in (False, True):
        got = compare_participation(data, weighted=weighted, **KW)
        tag = "weighted" if weighted else "unweighted"
        for (w, term, scale, quantity), value in ref.items():
            if w != tag:
                continue
            points, odds, _ = got[term]
            s = points if scale == "points" else odds
            assert getattr(s, FIELDS[quantity]) == pytest.approx(value, rel=1e-6, abs=1e-9), (
                w,
                term,
                scale,
                quantity,
            )


def test_matches_committed_r_output() -> None:
    _check(_reference((REF / "comparison_r.tsv").read_text()))


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_matches_r_run_now() -> None:
    done = subprocess.run(
        ["Rscript", str(REF / "comparison.R"), str(REF / "comparison_data.csv")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if "there is no package called" in done.stderr:
        pytest.skip("R's sandwich package is not installed")
    assert done.returncode == 0, done.stderr
    _check(_reference(done.stdout))


def test_planted_survey_verdicts() -> None:
    """Efficacy stronger for collective on the latent scale, consultation equal, age
    opposite: collective-or-similar, similar, opposite (never 'individual')."""
    got = compare_participation(planted_frame(6000, 11), weighted=False, **KW)
    verdicts = {t: v for t, (_, _, v) in got.items()}
    assert verdicts["efficacy"] in ("collective", "similar")
    assert verdicts["consultation_satisfaction"] == "similar"
    assert verdicts["age"] == "opposite"


def test_nothing_planted_gives_no_verdict() -> None:
    got = compare_participation(planted_frame(3000, 5, NOTHING), weighted=True, **KW)
    assert {v for _, _, v in got.values()} == {"similar"}


def _s(i: float, c: float, se: float = 1.0, dse: float = 1.0) -> ScaleDifference:
    from coprod_gui.core.stats.comparison import _pz

    return ScaleDifference(
        i, se, _pz(i, se), c, se, _pz(c, se), c - i, dse, _pz(c - i, dse), 0.0, 0.0
    )


def test_verdict_rule() -> None:
    # clear on both scales, same form stronger: that form
    assert verdict(_s(10, 40), _s(1.0, 2.0, 0.1, 0.2)) == "collective"
    # both effects negative: the larger (more negative) one is the stronger
    assert verdict(_s(-40, -10), _s(-2.0, -1.0, 0.1, 0.2)) == "individual"
    # clear in points, not in odds (the floor/ceiling trap): similar
    assert verdict(_s(6, 20), _s(1.1, 1.0, 0.1, 0.4)) == "similar"
    # clear on both but opposite directions: similar
    assert verdict(_s(6, 20), _s(1.5, 0.5, 0.1, 0.2)) == "similar"
    # each clear, signs differ: opposite
    assert verdict(_s(-5, 5), _s(-0.5, 0.5, 0.1, 0.2)) == "opposite"
    # Holm-adjusted p-values are used when present
    s = _s(-5, 5)
    s.individual_p_holm = 0.2
    assert verdict(s, _s(-0.5, 0.5, 0.1, 0.2)) != "opposite"


def test_planted_effects_are_what_the_tests_say() -> None:
    assert PLANTED["collective"]["efficacy"] > PLANTED["individual"]["efficacy"]
    assert PLANTED["collective"]["consultation_satisfaction"] == PLANTED["individual"][
        "consultation_satisfaction"
    ]
    assert PLANTED["collective"]["age"] * PLANTED["individual"]["age"] < 0


def test_demo_survey_verdicts_in_results_json() -> None:
    """The example survey is generated with efficacy stronger for collective on the latent
    scale, consultation equal and age of opposite sign (core/survey/synthetic.py)."""
    from coprod_gui.core.pipeline import run_pipeline
    from coprod_gui.core.survey.example import example_survey_paths

    doc = run_pipeline(example_survey_paths()).result.to_dict()
    verdicts = {t: c["verdict"] for t, c in doc["comparison"].items()}
    assert verdicts["efficacy"] in ("collective", "similar")
    assert verdicts["consultation_satisfaction"] == "similar"
    assert verdicts["age"] == "opposite"
    assert set(verdicts.values()) <= {"individual", "collective", "similar", "opposite"}
    eff = doc["comparison"]["efficacy"]
    assert eff["points"]["collective"] > eff["points"]["individual"] > 0
