"""Fixtures for the report tests: a hand-built result with known numbers, and the demo.

``hand_result`` is written out by hand so that wording and suppression can be checked
exactly: five councils, one with 7 respondents (Smallham: must never be shown), one with
38 (Westmoor: hidden as the secondary suppression for Smallham) and one with 45
(Southdale: shown with a caution). Its survey text carries a formula payload.
"""

from __future__ import annotations

import datetime as dt

import pytest
import scipy.special

from coprod_gui.core.results import (
    AnalysisResult,
    Comparison,
    Diagnostic,
    IndexSummary,
    ItemLevel,
    Level,
    ModelResult,
    ScaleDifference,
    Term,
)
from coprod_gui.core.types import DataQuality, Mapping, QualityIssue
from coprod_gui.report.options import BriefOptions

PAYLOAD = '=HYPERLINK("http://x","click")'

# Smallham's figures: distinctive numbers that must appear in no output.
SMALL_COUNCIL = "Smallham"
SMALL_PERCENTS = (85.71, 42.86)  # 6 of 7, 3 of 7
SECONDARY_PERCENTS = (65.79, 13.16)  # 25 of 38, 5 of 38
# How those figures could be printed anywhere; none may appear in any output.
HIDDEN_TEXTS = ("86%", "85.7", "43%", "42.9", "66%", "65.8", "13%", "13.2", "-11.77", "8.83")
SECONDARY_COUNCIL = "Westmoor"
CAUTION_COUNCIL = "Southdale"


def _t(est: float, se: float, p: float, std: float | None = None) -> Term:
    return Term(est, se, p, est - 1.96 * se, est + 1.96 * se, std)


def _p(est: float, se: float) -> float:
    return float(2 * scipy.special.ndtr(-abs(est / se)))


def _sd(i: float, ise: float, c: float, cse: float, dse: float, holm: bool = False) -> ScaleDifference:
    """A scale of the comparison from the two effects and the difference's error."""
    d = c - i
    s = ScaleDifference(
        i, ise, _p(i, ise), c, cse, _p(c, cse), d, dse, _p(d, dse), d - 1.96 * dse, d + 1.96 * dse
    )
    if holm:  # five background tests
        s.individual_p_holm = min(1.0, 5 * s.individual_p)
        s.collective_p_holm = min(1.0, 5 * s.collective_p)
        s.p_holm = min(1.0, 5 * s.p_value)
    return s


def _lv(pct: float, base: int, half: float = 3.0) -> Level:
    return Level(pct, max(pct - half, 0.0), min(pct + half, 100.0), base, None)


def make_hand_result() -> AnalysisResult:
    authorities = {
        "Northbury": 420,
        "Eastfield": 300,
        CAUTION_COUNCIL: 45,
        SECONDARY_COUNCIL: 38,
        SMALL_COUNCIL: 7,
    }
    n = sum(authorities.values())  # 810
    levels = {"individual": _lv(76.3, 800, 2.9), "collective": _lv(23.8, 796, 2.9)}
    by_council = {
        "individual": {
            "Northbury": _lv(78.1, 415),
            "Eastfield": _lv(74.2, 298),
            CAUTION_COUNCIL: _lv(80.0, 45, 11.0),
            SECONDARY_COUNCIL: _lv(SECONDARY_PERCENTS[0], 38, 14.0),
            SMALL_COUNCIL: _lv(SMALL_PERCENTS[0], 7, 30.0),
        },
        "collective": {
            "Northbury": _lv(25.2, 413),
            "Eastfield": _lv(21.5, 297),
            CAUTION_COUNCIL: _lv(22.2, 45, 11.0),
            SECONDARY_COUNCIL: _lv(SECONDARY_PERCENTS[1], 38, 12.0),
            SMALL_COUNCIL: _lv(SMALL_PERCENTS[1], 7, 30.0),
        },
    }
    by_age = {
        "individual": {
            "16-34": _lv(70.4, 230),
            "35-54": _lv(76.0, 300),
            "55-74": _lv(80.2, 210),
            "75+": _lv(82.5, 60, 9.0),
        },
        "collective": {
            "16-34": _lv(18.1, 229),
            "35-54": _lv(22.6, 298),
            "55-74": _lv(28.9, 209),
            "75+": _lv(30.0, 60, 11.0),
        },
    }
    by_gender = {
        "individual": {"Female": _lv(79.0, 420), "Male": _lv(73.4, 380)},
        "collective": {"Female": _lv(24.5, 418), "Male": _lv(23.0, 378)},
    }
    item_levels = [
        ItemLevel(88.0, 85.6, 90.1, 805, None, "q1", "How often do you recycle?", "individual"),
        ItemLevel(61.0, 57.6, 64.3, 801, None, "q2", PAYLOAD, "individual"),
        ItemLevel(17.0, 14.6, 19.7, 798, None, "q3", "How often do you volunteer?", "collective"),
        ItemLevel(12.0, 9.9, 14.4, 797, None, "q4", "Residents' group meetings", "collective"),
    ]
    indices = {
        "individual": IndexSummary(58.2, 18.5, 0.71, 2, 800),
        "collective": IndexSummary(21.4, 16.0, 0.68, 2, 796),
    }
    ref = {"gender": "Male", "authority": "Northbury"}
    ind_terms = {
        "const": _t(30.1, 3.0, 1e-12),
        "efficacy": _t(9.2, 2.1, 1e-5, 0.21),
        "consultation_satisfaction": _t(6.1, 2.0, 0.002, 0.14),
        "informed": _t(1.2, 2.2, 0.59, 0.03),
        "age": _t(-0.11, 0.04, 0.006, -0.09),
        "gender=Female": _t(3.9, 1.3, 0.003),
        "authority=Eastfield": _t(-1.5, 1.4, 0.28),
        f"authority={CAUTION_COUNCIL}": _t(2.0, 2.9, 0.49),
        f"authority={SECONDARY_COUNCIL}": _t(-3.3, 3.1, 0.29),
        f"authority={SMALL_COUNCIL}": _t(-11.77, 7.0, 0.09),
    }
    col_terms = {
        "const": _t(5.2, 2.5, 0.04),
        "efficacy": _t(16.4, 1.9, 1e-15, 0.38),
        "consultation_satisfaction": _t(7.3, 1.8, 5e-5, 0.17),
        "informed": _t(2.0, 1.9, 0.29, 0.05),
        "age": _t(0.15, 0.035, 2e-5, 0.14),
        "gender=Female": _t(0.8, 1.1, 0.47),
        "authority=Eastfield": _t(-2.1, 1.2, 0.08),
        f"authority={CAUTION_COUNCIL}": _t(-0.7, 2.5, 0.78),
        f"authority={SECONDARY_COUNCIL}": _t(-2.6, 2.6, 0.32),
        f"authority={SMALL_COUNCIL}": _t(8.83, 6.0, 0.14),
    }
    models = {
        "individual": ModelResult(
            "individual",
            "ols",
            "Least squares with council fixed effects and HC3 robust standard errors",
            "Individual co-production index (0–100)",
            772,
            n,
            {"missing age": 20, "no individual score": 18},
            0.112,
            ind_terms,
            ref,
            [Diagnostic("info", "772 of 810 respondents used.", "individual")],
        ),
        "collective": ModelResult(
            "collective",
            "ols",
            "Least squares with council fixed effects and HC3 robust standard errors",
            "Collective co-production index (0–100)",
            770,
            n,
            {"missing age": 20, "no collective score": 20},
            0.184,
            col_terms,
            ref,
            [Diagnostic("info", "770 of 810 respondents used.", "collective")],
        ),
    }
    part = {
        "individual": ModelResult(
            "individual",
            "logit_ame",
            "Logistic regression with council fixed effects; "
            "average marginal effects in percentage points",
            "Chance of doing at least one individual activity regularly (percentage points)",
            772,
            n,
            {},
            None,
            {
                "efficacy": _t(12.4, 3.0, 4e-5),
                "consultation_satisfaction": _t(7.9, 3.1, 0.011),
                "informed": _t(1.0, 3.2, 0.75),
                "age": _t(-0.31, 0.1, 0.002),
                "gender=Female": _t(5.0, 2.9, 0.08),
            },
            ref,
        ),
        "collective": ModelResult(
            "collective",
            "logit_ame",
            "Logistic regression with council fixed effects; "
            "average marginal effects in percentage points",
            "Chance of doing at least one collective activity regularly (percentage points)",
            770,
            n,
            {},
            None,
            {
                "efficacy": _t(18.3, 3.2, 1e-8),
                "consultation_satisfaction": _t(6.6, 3.0, 0.028),
                "informed": _t(2.4, 3.0, 0.42),
                "age": _t(0.29, 0.09, 0.001),
                "gender=Female": _t(1.0, 2.9, 0.73),
            },
            ref,
        ),
    }
    comparison = {
        # efficacy: clearly stronger for collective on both scales
        "efficacy": Comparison(
            "efficacy", 9.2, 16.4, 7.2, 2.2, 0.001, 2.9, 11.5, "collective",
            _sd(12.4, 3.0, 18.3, 3.2, 2.5), _sd(0.9, 0.2, 1.6, 0.2, 0.25),
        ),
        # consultation: the trap of the old brief. The index comparison says "stronger for
        # individual" (clear, -5.9), the points say 8 against 19 for collective, the odds
        # scale says no difference: the verdict is similar, and nothing may say otherwise.
        "consultation_satisfaction": Comparison(
            "consultation_satisfaction", 15.5, 9.6, -5.9, 2.0, 0.003, -9.8, -2.0, "similar",
            _sd(7.9, 2.1, 19.0, 3.0, 3.4), _sd(1.1, 0.3, 1.05, 0.3, 0.4),
        ),
        "informed": Comparison(
            "informed", 1.2, 2.0, 0.8, 2.4, 0.74, -3.9, 5.5, "similar",
            _sd(1.0, 3.2, 2.4, 3.0, 4.0), _sd(0.1, 0.3, 0.2, 0.3, 0.4),
        ),
        "age": Comparison(
            "age", -0.11, 0.15, 0.26, 0.05, 2e-7, 0.16, 0.36, "opposite",
            _sd(-0.31, 0.1, 0.29, 0.09, 0.12, holm=True), _sd(-0.02, 0.005, 0.02, 0.005, 0.007, holm=True),
        ),
        "gender=Female": Comparison(
            "gender=Female", 3.9, 0.8, -3.1, 1.6, 0.05, -6.2, 0.0, "similar",
            _sd(5.0, 2.9, 1.0, 2.9, 3.5, holm=True), _sd(0.3, 0.2, 0.05, 0.2, 0.3, holm=True),
        ),
    }
    bands = {
        "individual": {"higher": _lv(84.0, 330), "lower": _lv(68.0, 300)},
        "collective": {"higher": _lv(33.5, 330), "lower": _lv(12.2, 300)},
    }
    quality = DataQuality(
        rows_per_file={"survey.xlsx": n},
        issues=[
            QualityIssue(
                "warning",
                "Some answers were 'Don't know' and were treated as missing.",
                column="q2",
                source="survey.xlsx",
                count=64,
                examples=["Don't know"],
                action="treated as missing",
            ),
            QualityIssue(
                "info",
                f"Column {PAYLOAD} was not used.",
                column=PAYLOAD,
                source="survey.xlsx",
                count=0,
                action="ignored",
            ),
        ],
    )
    mapping = Mapping(
        columns={
            "individual_coproduction": ["q1", PAYLOAD],
            "collective_coproduction": ["q3", "q4"],
            "efficacy": ["eff1", "eff2"],
            "consultation_satisfaction": ["consult"],
            "informed": ["informed"],
            "age": ["age"],
            "gender": ["gender"],
            "authority": ["council"],
            "respondent_id": ["resp_id"],
        }
    )
    predicted = {
        "individual": [
            {"x": x / 10, "percent": 70 + 1.2 * x, "ci_low": 66 + 1.2 * x, "ci_high": 74 + 1.2 * x}
            for x in range(11)
        ],
        "collective": [
            {"x": x / 10, "percent": 15 + 1.8 * x, "ci_low": 11 + 1.8 * x, "ci_high": 19 + 1.8 * x}
            for x in range(11)
        ],
    }
    result = AnalysisResult(
        n_respondents=n,
        authorities=authorities,
        weighted=False,
        threshold="sometimes",
        levels=levels,
        item_levels=item_levels,
        levels_by={
            "authority": by_council,
            "age_band": by_age,
            "gender": by_gender,
            "band:efficacy": bands,
        },
        indices=indices,
        indices_by_area={},
        models=models,
        participation=part,
        comparison=comparison,
        drivers=["efficacy", "consultation_satisfaction", "informed"],
        drivers_not_mapped=["trust_council", "area_satisfaction"],
        controls=["age", "gender"],
        warnings=["One council has fewer than 10 respondents."],
        diagnostics=[Diagnostic("info", "772 of 810 respondents used.", "individual")],
        quality=quality,
        mapping=mapping,
        sources=["survey.xlsx"],
    )
    # The field another engineer is adding; set it when AnalysisResult has it or not.
    object.__setattr__(result, "predicted", predicted)
    return result


@pytest.fixture
def hand_result() -> AnalysisResult:
    return make_hand_result()


@pytest.fixture
def brief_options() -> BriefOptions:
    return BriefOptions(
        council_name="Test Borough Council",
        survey_name="Residents' Survey 2026",
        date=dt.date(2026, 11, 29),
    )


@pytest.fixture(scope="session")
def demo_result() -> AnalysisResult:
    """The bundled example survey analysed by the real pipeline (skipped if not built yet)."""
    try:
        from coprod_gui.core.pipeline import run_pipeline
        from coprod_gui.core.survey.example import example_survey_paths
    except ImportError as exc:  # pragma: no cover - until core.pipeline lands
        pytest.skip(f"core.pipeline is not available yet ({exc.name})")
    return run_pipeline(example_survey_paths()).result


@pytest.fixture
def offline_textstat(monkeypatch: pytest.MonkeyPatch):
    """textstat with its own pyphen syllable counter instead of NLTK's cmudict.

    textstat ≥ 0.7.4 downloads cmudict from the internet on first use, which the test
    network block (and an offline council laptop) refuses. Its documented fallback for
    words not in cmudict is pyphen, so we use that for every word.
    """
    textstat = pytest.importorskip("textstat")
    try:
        import textstat.backend.counts._count_syllables as counts
    except ImportError:  # older textstat: pyphen only, nothing to patch
        return textstat
    monkeypatch.setattr(counts, "get_cmudict", lambda lang: None)
    return textstat
