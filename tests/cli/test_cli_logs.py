"""The log and the console (issue 12, item 12): a file name cannot forge a log line, and
Python warnings become notes in the results instead of noise on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coprod_gui.core.logs import escape_controls
from coprod_gui.core.survey.synthetic import generate_survey

ROOT = Path(__file__).resolve().parents[2]
FORGED = "2026-01-01 00:00:00,000 CRITICAL coprod_gui: forged line"


def _run(tmp_path: Path, argv: list[str], code: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COPROD_LOG_DIR": str(tmp_path / "logs"), "PYTHONIOENCODING": "utf-8"}
    env.pop("PYTHONWARNINGS", None)
    head = [sys.executable, "-c", code] if code else [sys.executable, str(ROOT / "main.py")]
    return subprocess.run(
        [*head, *argv], capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=180
    )


def _log(tmp_path: Path) -> str:
    return (tmp_path / "logs" / "coprod-analyser.log").read_text(encoding="utf-8")


@pytest.mark.skipif(os.name == "nt", reason="Windows file names cannot hold a newline")
def test_a_newline_in_a_file_name_cannot_forge_a_log_line(tmp_path: Path) -> None:
    path = tmp_path / f"kelworth\n{FORGED}\x1b[2J.csv"
    generate_survey(300, seed=4).to_csv(path, index=False)
    proc = _run(tmp_path, ["analyse", str(path), "--out", str(tmp_path / "o")])
    assert proc.returncode == 0, proc.stderr
    lines = _log(tmp_path).splitlines()
    assert not any(line.startswith(FORGED[:23]) for line in lines)
    assert not any("\x1b" in line for line in lines)
    reading = [line for line in lines if "reading kelworth" in line]
    assert reading and f"kelworth\\n{FORGED}\\x1b[2J.csv" in reading[0]


def test_escape_controls_keeps_ordinary_text() -> None:
    assert escape_controls("Kelworth 2024 – Café.xlsx") == "Kelworth 2024 – Café.xlsx"
    assert escape_controls("a\nb\rc\td\u2028e\u202e") == "a\\nb\\rc\\td\\u2028e\\u202e"


NOISY = """
import sys
import numpy as np
import coprod_gui.core.pipeline as pipeline
real = pipeline.run_pipeline

def noisy(*args, **kwargs):
    out = real(*args, **kwargs)
    np.array([1e308]) @ np.array([10.0])  # numpy: overflow encountered in matmul
    from matplotlib.figure import Figure
    fig = Figure(figsize=(0.3, 0.2), layout="constrained")
    fig.add_subplot().set_title("a long title that cannot fit")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig).draw()  # matplotlib: constrained_layout not applied
    return out

pipeline.run_pipeline = noisy
from coprod_gui.app import main
sys.exit(main(sys.argv[1:]))
"""


def test_python_warnings_become_notes_not_stderr_noise(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    generate_survey(300, seed=4).to_csv(path, index=False)
    out = tmp_path / "o"
    proc = _run(tmp_path, ["analyse", str(path), "--out", str(out)], code=NOISY)
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "overflow" not in proc.stderr
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert any("too large to hold (an overflow)" in w for w in doc["warnings"])
    assert any("too little room for all its labels" in w for w in doc["warnings"])
    log = _log(tmp_path)
    assert "Python warning RuntimeWarning (overflow)" in log
    assert "Python warning UserWarning (layout)" in log


def test_warnings_outside_a_run_are_logged_not_printed(tmp_path: Path) -> None:
    code = (
        "import sys, warnings\n"
        "from coprod_gui.app import main\n"
        "assert main(['--version']) == 0\n"
        "warnings.warn('constrained_layout not applied', UserWarning)\n"
    )
    proc = _run(tmp_path, [], code=code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "Python warning UserWarning at <string>:4: logged, not shown" in _log(tmp_path)

