"""The index models in a second process (``core/stats/lanes.py``): same figures, and any
failure of the second process falls back to running its part here.

Not a timed test: it checks that the lane really ran in another process, that every
figure equals the one-process analysis, and what happens when the lane dies.
"""

from __future__ import annotations

import os
import sys
import time

import pytest

from coprod_gui.core.stats import analysis as an
from coprod_gui.core.stats import lanes
from tests.core.test_analysis import make_survey

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="lanes fork: Linux only"
)


def test_a_lane_runs_in_another_process_and_returns_its_value() -> None:
    lane = lanes.Lane(os.getpid)
    ok, pid = lane.result()
    assert ok and pid != os.getpid()


@pytest.mark.parametrize(
    "fn",
    [lambda: 1 / 0, lambda: os._exit(3), lambda: lambda: None],  # error, crash, unpicklable
    ids=["raises", "dies", "unpicklable"],
)
def test_a_failed_lane_says_so_instead_of_raising(fn) -> None:  # type: ignore[no-untyped-def]
    assert lanes.Lane(fn).result() == (False, None)


def test_closing_a_running_lane_ends_it_at_once() -> None:
    lane = lanes.Lane(time.sleep, 60)
    pid = lane._pid
    start = time.monotonic()
    lane.close()
    assert time.monotonic() - start < 5
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped: no such process any more


def test_lanes_are_off_for_small_surveys_and_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not lanes.available(lanes.LANES_FROM - 1)
    monkeypatch.setenv("COPROD_ANALYSIS_PROCESSES", "1")
    assert not lanes.available(10 * lanes.LANES_FROM)


def _lanes_on(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lanes for any size; returns the list of lanes started (their process ids)."""
    started: list[int] = []
    original = lanes.Lane.__init__

    def counting(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        started.append(self._pid)

    monkeypatch.setattr(lanes, "LANES_FROM", 0)
    monkeypatch.delenv("COPROD_ANALYSIS_PROCESSES", raising=False)
    monkeypatch.setattr(lanes.Lane, "__init__", counting)
    return started


def test_an_analysis_with_a_lane_gives_every_figure_of_one_without(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    survey = make_survey(n=900, seed=5)
    alone = an.analyse(survey).to_dict()
    started = _lanes_on(monkeypatch)
    laned = an.analyse(survey).to_dict()
    assert len(started) == 1 and started[0] != os.getpid()
    assert laned == alone  # identical, not just close: the same code on the same data
    assert laned["models"]["individual"]["terms"]["efficacy"]["estimate"] > 0


def test_a_lane_that_dies_is_run_here_with_the_same_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    survey = make_survey(n=900, seed=5)
    alone = an.analyse(survey).to_dict()
    started = _lanes_on(monkeypatch)
    real = an._index_lane
    here = os.getpid()

    def dies_in_the_lane(*args):  # type: ignore[no-untyped-def]
        if os.getpid() != here:
            os._exit(9)  # the second process crashes
        return real(*args)

    monkeypatch.setattr(an, "_index_lane", dies_in_the_lane)
    assert an.analyse(survey).to_dict() == alone
    assert len(started) == 1
