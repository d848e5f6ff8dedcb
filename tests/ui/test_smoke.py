"""The self-test's window check: all well on the example, and a plain problem when not."""

from __future__ import annotations

import pytest

from coprod_gui.core.errors import InputError
from coprod_gui.ui import jobs
from coprod_gui.ui.main_window import smoke_test_window


def test_smoke_test_passes_on_the_example(qtbot) -> None:
    assert smoke_test_window(timeout_s=120) == []


def test_smoke_test_reports_a_failing_analysis(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    def refusing(*_a, **_k):
        def job(progress, is_cancelled):
            raise InputError("Too few answers to fit the models.", hint="Map more questions.")

        return job

    monkeypatch.setattr(jobs, "analyse_job", refusing)
    problems = smoke_test_window(timeout_s=60)
    assert len(problems) == 1
    assert "analysis did not finish" in problems[0]
    assert "Too few answers to fit the models." in problems[0]
