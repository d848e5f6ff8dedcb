"""The worker: jobs run off the GUI thread, every outcome is a signal, busy always clears."""

from __future__ import annotations

import logging
import threading

import pytest

from coprod_gui.core.errors import Cancelled, InputError
from coprod_gui.ui.worker import UNEXPECTED_MESSAGE, TaskRunner


@pytest.fixture
def runner(qtbot) -> TaskRunner:
    r = TaskRunner()
    yield r
    r.shutdown(timeout_ms=10_000)


def test_job_runs_on_another_thread_and_result_arrives(qtbot, runner: TaskRunner) -> None:
    seen: list[int] = []

    def job(progress, is_cancelled):
        seen.append(threading.get_ident())
        progress(0.5, "half way")
        return 42

    with qtbot.waitSignal(runner.finished, timeout=10_000) as blocker:
        runner.start(job, "answer")
    assert blocker.args == [42]
    assert seen and seen[0] != threading.get_ident()
    assert not runner.busy


def test_input_error_becomes_message_and_hint(qtbot, runner: TaskRunner) -> None:
    def job(progress, is_cancelled):
        raise InputError("The file 'x.xlsx' is empty.", hint="Ask the agency for the file again.")

    busy: list[bool] = []
    runner.busy_changed.connect(busy.append)
    with qtbot.waitSignal(runner.failed, timeout=10_000) as blocker:
        runner.start(job, "read")
    assert blocker.args == ["The file 'x.xlsx' is empty.", "Ask the agency for the file again."]
    assert busy == [True, False]
    assert not runner.busy


def test_unexpected_error_is_generic_and_logged_without_its_message(
    qtbot, runner: TaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    cell = ", ".join(["Jane Doe", "12 High St"])  # a survey value, built at run time so
    # that the source line the traceback quotes does not contain it

    def job(progress, is_cancelled):
        raise KeyError(cell)  # a cell value inside a pandas-style message

    caplog.set_level(logging.ERROR, logger="coprod_gui")
    with qtbot.waitSignal(runner.failed, timeout=10_000) as blocker:
        runner.start(job, "analyse")
    message, hint = blocker.args
    assert message == UNEXPECTED_MESSAGE
    assert "Jane Doe" not in message + hint
    assert "KeyError" in caplog.text
    assert "Jane Doe" not in caplog.text
    assert not runner.busy


def test_cancel_clears_busy_at_once_and_drops_the_result(qtbot, runner: TaskRunner) -> None:
    release = threading.Event()
    stopped = threading.Event()

    def job(progress, is_cancelled):
        release.wait(10)
        if is_cancelled():
            stopped.set()
            raise Cancelled()
        return "should never arrive"

    results: list[object] = []
    runner.finished.connect(results.append)
    runner.start(job, "slow")
    assert runner.busy
    with qtbot.waitSignal(runner.cancelled, timeout=1_000):
        runner.cancel()
    assert not runner.busy
    release.set()
    assert runner.wait(10_000)
    qtbot.wait(50)
    assert stopped.is_set()
    assert results == []


def test_new_run_replaces_old_and_stale_result_is_ignored(qtbot, runner: TaskRunner) -> None:
    release = threading.Event()

    def old(progress, is_cancelled):
        release.wait(10)
        return "old"  # ignores the cancel flag on purpose: a job stuck in a long C call

    def new(progress, is_cancelled):
        return "new"

    results: list[object] = []
    runner.finished.connect(results.append)
    runner.start(old, "old")
    runner.start(new, "new")
    release.set()
    qtbot.waitUntil(lambda: results == ["new"], timeout=10_000)
    assert runner.wait(10_000)
    qtbot.wait(50)
    assert results == ["new"]
    assert not runner.busy


def test_progress_is_throttled_and_forwarded(qtbot, runner: TaskRunner) -> None:
    def job(progress, is_cancelled):
        for i in range(1000):
            progress(i / 1000, "counting")
        progress(1.0, "done")
        return None

    seen: list[tuple[float, str]] = []
    runner.progress.connect(lambda f, m: seen.append((f, m)))
    with qtbot.waitSignal(runner.finished, timeout=10_000):
        runner.start(job, "count")
    assert seen[-1] == (1.0, "done")
    assert len(seen) < 200  # 1,001 calls, far fewer signals


@pytest.mark.parametrize("outcome", ["result", "plain error", "bug"])
def test_a_job_ending_after_the_window_has_gone_ends_quietly(outcome: str) -> None:
    """Closing the window ends the helper under a running job (say the brief); the job's
    failure then has no signals left to tell: no 'Error calling Python override of
    QRunnable::run()' on the console, and the run still counts as done."""
    import shiboken6

    from coprod_gui.ui.worker import _Run

    def job(progress, is_cancelled):
        if outcome == "plain error":
            raise InputError("The helper stopped.")
        if outcome == "bug":
            raise KeyError("x")
        return 1

    run = _Run(1, "brief", job)
    shiboken6.delete(run.signals)
    run.run()  # raised RuntimeError ("Signal source has been deleted") before
    assert run.done.is_set()
