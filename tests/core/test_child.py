"""The helper process (core.child): whatever a job does, the caller gets a plain outcome.

The jobs below are module-level so the spawned helper can import them by name.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import pytest

from coprod_gui.core.child import ChildFailed, ChildProcess
from coprod_gui.core.errors import Cancelled, InputError


def answer(x: int, *, progress, is_cancelled) -> dict:
    progress(0.5, "half way")
    logging.getLogger("coprod_gui.test").info("working on %s", "a\nforged line")
    return {"pid": os.getpid(), "x": x * 2}


def refuse(*, progress, is_cancelled) -> None:
    raise InputError("The file 'x.xlsx' is empty.", hint="Ask for the file again.")


def abort(*, progress, is_cancelled) -> None:
    progress(0.1, "reading")
    os.abort()  # what python-calamine does on some sheets


def hog(*, progress, is_cancelled) -> None:
    blocks = []
    for _ in range(400):
        blocks.append(bytearray(10 * 2**20))  # touched pages: 10 MB each
        time.sleep(0.01)


def no_memory(*, progress, is_cancelled) -> None:
    import numpy as np

    np.empty((2**24, 2**24), dtype=np.int8)


def sleep_long(*, progress, is_cancelled) -> None:
    progress(0.0, "reading a huge file")
    time.sleep(60)


def sleep_short(*, progress, is_cancelled) -> int:
    progress(0.0, "working out a preview")
    time.sleep(1.0)
    progress(1.0, "done")
    return os.getpid()


CELL = ", ".join(["Jane Doe", "12 High St"])  # a survey value


def bug(*, progress, is_cancelled) -> None:
    raise KeyError(CELL)


@pytest.fixture(scope="module")
def child() -> ChildProcess:
    c = ChildProcess()
    yield c
    c.stop()


def _run(child: ChildProcess, func, *args, cancel=lambda: False):
    seen: list[tuple[float, str]] = []
    out = child.run(func, args, progress=lambda f, m: seen.append((f, m)), is_cancelled=cancel)
    return out, seen


def test_result_progress_and_logs_come_back(child: ChildProcess, caplog) -> None:
    caplog.set_level(logging.INFO, logger="coprod_gui")
    out, seen = _run(child, answer, 21)
    assert out["x"] == 42 and out["pid"] != os.getpid()
    assert (0.5, "half way") in seen
    assert "working on a\\nforged line" in caplog.text  # escaped in the helper


def test_an_input_error_keeps_its_message_and_hint(child: ChildProcess) -> None:
    with pytest.raises(InputError) as info:
        _run(child, refuse)
    assert info.value.message == "The file 'x.xlsx' is empty."
    assert info.value.hint == "Ask for the file again."


def test_an_abort_becomes_a_plain_message_and_the_next_job_runs(child: ChildProcess) -> None:
    with pytest.raises(InputError) as info:
        _run(child, abort)
    assert "The window and your changes are safe" in info.value.message
    assert "damaged or too big" in (info.value.hint or "")
    assert _run(child, answer, 1)[0]["x"] == 2  # a new helper


def test_memory_error_in_the_helper_is_too_big(child: ChildProcess) -> None:
    with pytest.raises(InputError) as info:
        _run(child, no_memory)
    assert "too big for this computer: about 262,144.0 GB needed" in info.value.message


def test_the_helper_is_stopped_before_it_eats_the_memory(child: ChildProcess) -> None:
    if not os.path.exists("/proc/self/statm"):
        pytest.skip("memory watching reads /proc")
    child.memory_limit = 400 * 2**20
    try:
        with pytest.raises(InputError) as info:
            _run(child, hog)
    finally:
        child.memory_limit = None
    assert "too big for this computer" in info.value.message
    assert child.pid is None or _run(child, answer, 2)[0]["x"] == 4


def test_cancel_ends_a_long_read_at_once(child: ChildProcess) -> None:
    _run(child, answer, 0)  # the helper is up
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        _run(child, sleep_long, cancel=stop.is_set)
    assert time.monotonic() - started < 3


def test_a_short_job_clicked_past_keeps_the_helper(child: ChildProcess) -> None:
    """A scoring preview or brief cancelled by a newer one: let finish, result dropped,
    and the same helper (with the survey it holds) runs the next job."""
    before = _run(child, answer, 0)[0]["pid"]
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    seen: list[str] = []
    with pytest.raises(Cancelled):
        child.run(
            sleep_short,
            progress=lambda _f, m: seen.append(m),
            is_cancelled=stop.is_set,
            end_on_cancel=False,
        )
    assert child.pid == before
    assert "done" not in seen  # no progress of a cancelled job reaches the window
    assert _run(child, answer, 2)[0] == {"pid": before, "x": 4}


def test_a_bug_in_a_job_is_logged_without_its_message(child: ChildProcess, caplog) -> None:
    caplog.set_level(logging.ERROR, logger="coprod_gui")
    with pytest.raises(ChildFailed):
        _run(child, bug)
    assert "KeyError" in caplog.text and "Jane Doe" not in caplog.text


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="Unix priorities")
def test_the_helper_gives_way_to_the_window(child: ChildProcess) -> None:
    """On a busy computer the window's thread must win a core from the helper."""
    pid = _run(child, answer, 1)[0]["pid"]
    assert os.getpriority(os.PRIO_PROCESS, pid) > os.getpriority(os.PRIO_PROCESS, 0)
