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
from coprod_gui.core.stats import fitting, lanes
from tests.core.test_analysis import make_survey

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="lanes fork: Linux only"
)


def test_a_lane_runs_in_another_process_and_sends_each_value_in_turn() -> None:
    lane = lanes.Lane(lambda: iter([os.getpid(), "second"]))
    ok, pid = lane.next()
    assert ok and pid != os.getpid()
    assert lane.next() == (True, "second")
    assert lane.next() == (False, None)  # nothing more
    lane.close()


def _raises():  # type: ignore[no-untyped-def]
    yield 1
    raise ZeroDivisionError


def _dies():  # type: ignore[no-untyped-def]
    yield 1
    os._exit(3)


def _unpicklable():  # type: ignore[no-untyped-def]
    yield 1
    yield lambda: None


@pytest.mark.parametrize(
    "fn", [_raises, _dies, _unpicklable], ids=["raises", "dies", "unpicklable"]
)
def test_a_failed_lane_says_so_instead_of_raising(fn) -> None:  # type: ignore[no-untyped-def]
    lane = lanes.Lane(fn)
    assert lane.next() == (True, 1)  # what came before the failure arrives
    assert lane.next() == (False, None)
    lane.close()


def test_closing_a_running_lane_ends_it_at_once() -> None:
    lane = lanes.Lane(lambda: iter([time.sleep(60)]))
    pid = lane._pid
    start = time.monotonic()
    lane.close()
    assert time.monotonic() - start < 5
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped: no such process any more


def test_the_machine_s_processor_times_are_read() -> None:
    idle, total = lanes.cpu_times()
    assert 0 < idle < total


def test_lanes_are_off_for_small_surveys_busy_cores_and_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COPROD_ANALYSIS_PROCESSES", raising=False)
    monkeypatch.setattr(lanes.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(lanes.os, "getloadavg", lambda: (1.0, 1.0, 1.0))  # this process
    assert lanes.available(lanes.LANES_FROM)
    assert not lanes.available(lanes.LANES_FROM - 1)
    monkeypatch.setattr(lanes.os, "getloadavg", lambda: (2.2, 2.0, 2.0))  # both cores busy
    assert not lanes.available(lanes.LANES_FROM)
    monkeypatch.setattr(lanes.os, "getloadavg", lambda: (0.2, 0.2, 0.2))
    # measured since the analysis began: the load average is not asked
    monkeypatch.setattr(lanes.os, "getloadavg", lambda: (9.0, 9.0, 9.0))
    monkeypatch.setattr(lanes.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(lanes, "cpu_times", lambda: (100.0 + 60.0, 1000.0 + 100.0))
    assert lanes.available(lanes.LANES_FROM, since=(100.0, 1000.0))  # 1.2 cores idle
    monkeypatch.setattr(lanes, "cpu_times", lambda: (100.0 + 10.0, 1000.0 + 100.0))
    assert not lanes.available(lanes.LANES_FROM, since=(100.0, 1000.0))  # 0.2 idle
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
    monkeypatch.setattr(lanes.os, "getloadavg", lambda: (0.0, 0.0, 0.0))  # a quiet machine
    monkeypatch.setattr(lanes, "cpu_times", lambda: None)  # so the load average is used
    monkeypatch.setattr(lanes.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.delenv("COPROD_ANALYSIS_PROCESSES", raising=False)
    monkeypatch.setattr(lanes.Lane, "__init__", counting)
    return started


def test_an_analysis_with_a_lane_gives_every_figure_of_one_without(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    survey = make_survey(n=900, seed=5)
    here = os.getpid()
    logits: list[bool] = []
    fit = fitting.logit
    monkeypatch.setattr(
        fitting, "logit", lambda *a, **k: logits.append(os.getpid() == here) or fit(*a, **k)
    )
    alone = an.analyse(survey).to_dict()
    fitted_alone, logits[:] = len(logits), []
    started = _lanes_on(monkeypatch)
    laned = an.analyse(survey).to_dict()
    assert len(started) == 1 and started[0] != os.getpid()
    assert laned == alone  # identical, not just close: the same code on the same data
    assert laned["models"]["individual"]["terms"]["efficacy"]["estimate"] > 0
    # the collective participation model was fitted in the second process, not here
    assert len(logits) <= fitted_alone - 1


def test_a_lane_that_dies_is_run_here_with_the_same_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    survey = make_survey(n=900, seed=5)
    alone = an.analyse(survey).to_dict()
    started = _lanes_on(monkeypatch)
    real = an.second_lane

    def dies_after_its_first_value(*args):  # type: ignore[no-untyped-def]
        lane = real(*args)
        yield next(lane)
        os._exit(9)  # the second process crashes before the index models

    monkeypatch.setattr(an, "second_lane", dies_after_its_first_value)
    assert an.analyse(survey).to_dict() == alone
    assert len(started) == 1
