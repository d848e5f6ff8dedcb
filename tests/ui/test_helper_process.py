"""The window survives anything a file does (issue 12): reading runs in a helper process,
so when that process dies mid-read the window shows a plain message and keeps the survey
and the officer's unsaved mapping edits; the next job gets a new helper."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from coprod_gui.core.child import shared_child
from coprod_gui.core.survey.synthetic import generate_survey, write_agency_xlsx
from coprod_gui.ui.main_window import MainWindow

from .conftest import ANALYSIS_TIMEOUT_MS, LOAD_TIMEOUT_MS


@pytest.fixture(scope="module")
def big_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "all councils 2025.xlsx"
    write_agency_xlsx(generate_survey(10_000, seed=5), path)
    return path


def test_helper_killed_mid_read_keeps_window_and_mapping_edits(
    qtbot, loaded_window: MainWindow, big_workbook: Path, messages
) -> None:
    if os.name != "posix":
        pytest.skip("SIGKILL is POSIX")
    window = loaded_window
    it = window.import_tab
    survey = window.loaded
    # the program's own reading of each question arrives from the worker; let it first
    qtbot.waitUntil(lambda: not it.missing_definitions(), timeout=LOAD_TIMEOUT_MS)
    it.select_construct("trust_council")
    it.set_column_checked(survey.mapping.get("trust_council")[0], False)
    edited = it.mapping()
    assert not edited.has("trust_council")

    steps: list[str] = []
    window.runner.progress.connect(lambda _f, message: steps.append(message))
    window.open_files([big_workbook])
    qtbot.waitUntil(lambda: any("all councils 2025" in s for s in steps), timeout=LOAD_TIMEOUT_MS)
    helper = shared_child().pid
    assert helper is not None and helper != os.getpid()
    with qtbot.waitSignal(window.job_failed, timeout=LOAD_TIMEOUT_MS):
        os.kill(helper, signal.SIGKILL)  # as a reader's abort or a native crash would

    assert messages[-1].title == "Could not open the survey"
    assert "The window and your changes are safe" in messages[-1].text
    assert messages[-1].detail and "Traceback" not in messages[-1].text + messages[-1].detail
    assert not window.busy and window.isVisible()
    assert window.loaded is survey  # still the survey that was open
    assert it.mapping() == edited  # the unsaved edit is still there

    # ... and the window is usable: the analysis runs in a new helper, with the edit
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS) as done:
        it.run_button.click()
    assert "trust_council" not in done.args[0].result.drivers
    assert shared_child().pid not in (None, helper)


def test_cancel_ends_a_long_read_at_once(
    qtbot, window: MainWindow, big_workbook: Path, messages
) -> None:
    steps: list[str] = []
    window.runner.progress.connect(lambda _f, message: steps.append(message))
    window.open_files([big_workbook])
    qtbot.waitUntil(lambda: any("all councils 2025" in s for s in steps), timeout=LOAD_TIMEOUT_MS)
    helper = shared_child().pid
    with qtbot.waitSignal(window.job_cancelled, timeout=5_000):
        window.cancel_button.click()
    assert window.runner.wait(5_000)  # the worker thread is free within seconds
    qtbot.waitUntil(lambda: shared_child().pid != helper, timeout=5_000)  # the read was ended
    assert messages == [] and window.loaded is None
