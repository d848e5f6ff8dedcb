"""Frozen-app care in ``coprod_gui.app``: a windowed executable has no stdout/stderr and an
install folder the user may not write to, so output, crash traces and matplotlib's cache go
to the per-user data folder, and the log never quotes an error message (it may hold a cell).
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
from pathlib import Path

import pytest

from coprod_gui import app


@pytest.fixture
def user_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the per-user data folder (and the log folder) into tmp_path."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "state"))
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "home")
    monkeypatch.delenv("COPROD_LOG_DIR", raising=False)
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    return app.user_data_dir()


def test_windowed_build_without_stdout_gets_devnull_and_a_crash_trace_file(
    monkeypatch: pytest.MonkeyPatch, user_dir: Path
) -> None:
    enabled: list[object] = []
    monkeypatch.setattr(faulthandler, "enable", lambda file: enabled.append(file))
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    # what PyInstaller's matplotlib run-time hook does before our code runs
    monkeypatch.setenv("MPLCONFIGDIR", str(user_dir.parent / "tmp-deleted-at-exit"))

    app._frozen_fixes()
    try:
        print("goes nowhere, raises nothing")
        print("nor this", file=sys.stderr)
        assert sys.stdout.name == os.devnull and sys.stderr.name == os.devnull
        assert len(enabled) == 1
        assert Path(enabled[0].name) == user_dir / "logs" / "crash-trace.log"  # type: ignore[attr-defined]
        assert os.environ["MPLCONFIGDIR"] == str(user_dir / "matplotlib")
        assert (user_dir / "matplotlib").is_dir()
    finally:
        for stream in (sys.stdout, sys.stderr, *enabled):
            stream.close()  # type: ignore[attr-defined]


def test_from_source_nothing_is_redirected(monkeypatch: pytest.MonkeyPatch, user_dir: Path) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    before = (sys.stdout, sys.stderr)
    app._frozen_fixes()
    assert (sys.stdout, sys.stderr) == before
    assert "MPLCONFIGDIR" not in os.environ
    assert not user_dir.exists(), "nothing written when running from source"


def test_unwritable_user_folder_does_not_stop_the_program(
    monkeypatch: pytest.MonkeyPatch, user_dir: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    app._frozen_fixes()  # must not raise
    assert "MPLCONFIGDIR" not in os.environ  # matplotlib picks a temporary folder itself


def test_uncaught_error_is_logged_without_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cell = "Mrs " + "Jones, 14 Elm Road"  # a value, as pandas would quote it
    try:
        raise ValueError(f"could not convert {cell!r} to float")
    except ValueError as exc:
        error = exc
    stderr_before = sys.stderr
    sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    try:
        with caplog.at_level(logging.CRITICAL, logger="coprod_gui"):
            app._log_uncaught(ValueError, error, error.__traceback__)
    finally:
        sys.stderr.close()
        sys.stderr = stderr_before
    text = caplog.text
    assert "uncaught builtins.ValueError" in text
    assert "test_uncaught_error_is_logged_without_its_message" in text  # the stack is there
    assert "Elm Road" not in text and "Mrs Jones" not in text


def test_log_file_goes_to_the_user_data_folder(user_dir: Path) -> None:
    root = logging.getLogger("coprod_gui")
    saved, level = list(root.handlers), root.level
    root.handlers = [h for h in saved if not isinstance(h, logging.FileHandler)]
    try:
        path = app.setup_logging()
        assert path == user_dir / "logs" / "coprod-analyser.log"
        logging.getLogger("coprod_gui.test").info("step: read survey.xlsx")
        for handler in root.handlers:
            handler.flush()
        assert "step: read survey.xlsx" in path.read_text(encoding="utf-8")
    finally:
        for handler in root.handlers:
            if handler not in saved:
                handler.close()
        root.handlers = saved
        root.setLevel(level)
