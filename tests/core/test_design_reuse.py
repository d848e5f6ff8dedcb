"""One design matrix per estimation sample: a regression guard that is not a timed test.

Why: at a million respondents each design is n×p floats (over 200 MB), building it is a
pass over the data and each logit fit several more. Here one analysis is counted: one
matrix per distinct sample (index models: one each; the two participation models and the
comparison of taking part share the respondents with an answer to both forms when those
are the same people; the index comparison has its own), two logit fits (the comparison of
taking part reuses the participation fits) and no copy of a design.
"""

from __future__ import annotations

import numpy as np
import pytest

from coprod_gui.core.stats import design as dm
from coprod_gui.core.stats import fitting
from coprod_gui.core.stats.analysis import analyse
from tests.core.test_analysis import make_survey


def _count(monkeypatch: pytest.MonkeyPatch) -> tuple[list[dm._Design], list[int]]:
    built: list[dm._Design] = []
    logits: list[int] = []
    original = dm._Design.__init__
    fit = fitting.logit

    def counting(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        built.append(self)

    def counting_logit(*args, **kwargs):  # type: ignore[no-untyped-def]
        logits.append(len(args[0]))
        return fit(*args, **kwargs)

    monkeypatch.setattr(dm._Design, "__init__", counting)
    monkeypatch.setattr(fitting, "logit", counting_logit)
    return built, logits


def test_each_estimation_sample_builds_its_design_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built, logits = _count(monkeypatch)
    result = analyse(make_survey(n=600, seed=3))
    # the user-visible outputs are all there: two index models, two participation models,
    # the comparison and the efficacy curve for both forms
    assert set(result.models) == {"individual", "collective"}
    assert all(m.ok for m in (*result.models.values(), *result.participation.values()))
    assert result.comparison and "efficacy" in result.comparison
    assert result.comparison["efficacy"].points is not None
    assert set(result.predicted) == {"individual", "collective"}
    assert len(result.predicted["individual"]) == 21
    samples = {tuple(d.rows.index) for d in built}
    matrices = {id(d.x) for d in built}
    assert len(built) == 6  # six models, each with its own bookkeeping
    assert len(matrices) == len(samples), f"{len(matrices)} matrices for {len(samples)} samples"
    # built in order: index ×2, participation ×2, taking part compared, index compared
    assert built[2].x is built[3].x is built[4].x  # one sample: one matrix
    # ... and one copy of its respondents' rows of the model frame (not one per model)
    assert built[2].rows is built[3].rows is built[4].rows
    assert len(logits) == 2, f"{len(logits)} logit fits"  # no refit for the comparison


def test_a_different_sample_gets_its_own_design(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is keyed by the respondents: one more missing collective answer means the
    comparison of taking part (both forms answered) cannot reuse the participation design."""
    survey = make_survey(n=600, seed=3)
    items = [i.column for i in survey.items_of("collective")]
    survey.data.loc[survey.data.index[:25], items] = np.nan
    built, logits = _count(monkeypatch)
    result = analyse(survey)
    assert result.participation["collective"].n < result.participation["individual"].n
    assert result.comparison["efficacy"].points is not None
    by_sample: dict[tuple[int, ...], set[int]] = {}
    for d in built:
        by_sample.setdefault(tuple(d.rows.index), set()).add(id(d.x))
    assert all(len(v) == 1 for v in by_sample.values())
    assert len(logits) == 3  # individual and collective, and the comparison's own refit


def test_the_designs_of_one_analysis_share_one_piece_of_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each new design is filled into the memory of the one before (a fresh ~0.25 GB at a
    million respondents cost 0.3-0.45 s of first touches per build), and the figures are
    those of fresh matrices."""
    caches: list[dm.DesignCache] = []
    original = dm.DesignCache.__init__

    def keeping(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        caches.append(self)

    survey = make_survey(n=600, seed=3)
    fresh = analyse(survey).to_dict()  # the reference run (its cache reuses too)
    monkeypatch.setattr(dm.DesignCache, "__init__", keeping)
    monkeypatch.setattr(dm.DesignCache, "allocate", lambda self, n, p: np.empty((n, p)))
    plain = analyse(survey).to_dict()
    monkeypatch.undo()
    monkeypatch.setattr(dm.DesignCache, "__init__", keeping)
    reused = analyse(survey).to_dict()
    (first, cache) = caches
    assert first.reused == 0 and first.builds == 4
    # samples of 547, 547, 559 and 536 respondents: the third is more than the 2% spare
    # bigger than the first, so it gets memory of its own and the fourth reuses that
    assert cache.builds == 4 and cache.reused == 2, (cache.builds, cache.reused)
    assert reused == plain == fresh


def test_a_matrix_still_held_is_never_reused() -> None:
    """A design, a fit or a slice of either that is still alive keeps its matrix: the next
    one gets memory of its own and the held numbers do not change."""
    cache = dm.DesignCache()
    x = cache.allocate(100, 4)
    x[:] = 7.0
    column = x[:, 1]  # a slice of the matrix, still held
    del x
    y = cache.allocate(90, 4)
    y[:] = 0.0
    assert cache.reused == 0
    assert not np.shares_memory(column, y)
    assert (column == 7.0).all()
    del column, y
    z = cache.allocate(85, 4)  # nothing holds the last one now, and it is big enough
    assert cache.reused == 1 and z.shape == (85, 4) and z.flags.c_contiguous
