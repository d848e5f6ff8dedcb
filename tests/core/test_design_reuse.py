"""One design matrix per estimation sample: a regression guard that is not a timed test.

Why: at a million respondents each design is n×p floats (over 300 MB) and building it is a
pass over the data; the efficacy curve used to rebuild the participation model's design
and refit its logit. Here the builds of one analysis are counted: one per index model,
one per participation model (the curve reuses it) and one for each comparison (index and
participation: each has its own sample, respondents with both forms).
"""

from __future__ import annotations

import pytest

from coprod_gui.core.stats import design as dm
from coprod_gui.core.stats.analysis import analyse
from tests.core.test_analysis import make_survey


def test_each_estimation_sample_builds_its_design_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[list[str]] = []
    original = dm._Design.__init__

    def counting(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        built.append(list(self.names))

    monkeypatch.setattr(dm._Design, "__init__", counting)
    result = analyse(make_survey(n=600, seed=3))
    # the user-visible outputs are all there: two index models, two participation models,
    # the comparison and the efficacy curve for both forms
    assert set(result.models) == {"individual", "collective"}
    assert all(m.ok for m in (*result.models.values(), *result.participation.values()))
    assert result.comparison and "efficacy" in result.comparison
    assert set(result.predicted) == {"individual", "collective"}
    assert len(result.predicted["individual"]) == 21
    assert len(built) == 6, f"{len(built)} design builds: {built}"


def test_robustness_checks_on_a_big_survey_use_a_stratified_sample_and_say_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from coprod_gui.core.stats import analysis, robustness
    from coprod_gui.core.stats.analysis import AnalysisOptions
    from coprod_gui.report.brief import build_brief

    survey = make_survey(n=1200, seed=5)
    monkeypatch.setattr(analysis, "ROBUSTNESS_MAX_ROWS", 300)
    result = analyse(survey, AnalysisOptions(robustness=True))
    mixed = result.robustness["mixedlm:individual"]
    assert 250 <= mixed.n_in_data <= 350  # the sample, not the 1,200
    assert result.models["individual"].n_in_data == 1200  # the main models use everyone
    # every council keeps its share of the sample
    sample = robustness.stratified_sample(survey.data, 300)
    share = sample["authority"].value_counts(normalize=True)
    whole = survey.data["authority"].value_counts(normalize=True)
    assert (share - whole).abs().max() < 0.01
    text = build_brief(result).all_text()
    assert "random sample of 300 of the 1,200 respondents" in text
