"""The output folder and the process around ``analyse`` (issue 12, items 3, 8 and 10).

- one run, one consistent folder: a failed run replaces nothing, a second run into the
  same folder is refused, a run killed at any moment leaves the previous set intact (or,
  once it had written everything, its own whole set) and the next run removes its leftovers;
- problems the user can fix exit 2 with a plain message: running out of memory, a file
  name too long, an input nested too deeply; a broken stdout is quiet.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from coprod_gui import cli
from coprod_gui.core.survey.synthetic import STRUCTURE_COLUMNS, generate_survey

ROOT = Path(__file__).resolve().parents[2]
OUTPUTS = ("brief.docx", "mapping.json", "results.json", "results.xlsx")
COUNCIL = STRUCTURE_COLUMNS["authority"]


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "COPROD_LOG_DIR": str(tmp / "logs"), "PYTHONIOENCODING": "utf-8"}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _leftovers(out: Path) -> list[str]:
    """Anything a run leaves besides its four outputs (beside the folder or inside it)."""
    beside = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")]
    inside = [p.name for p in out.iterdir() if p.name not in OUTPUTS] if out.is_dir() else []
    return beside + inside


@pytest.fixture(scope="module")
def surveys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two surveys told apart by a council name that reaches every output."""
    folder = tmp_path_factory.mktemp("surveys")
    a, b = folder / "wave a.csv", folder / "wave b.csv"
    generate_survey(300, seed=21).to_csv(a, index=False)
    df = generate_survey(300, seed=22)
    first = df[COUNCIL].astype(str).iloc[0]
    df[COUNCIL] = df[COUNCIL].astype(str).replace(first, "Zedborough")
    df.to_csv(b, index=False)
    return a, b


def _which_run(out: Path) -> str:
    """'a' or 'b' if every output is there and all come from the same run, else 'mixed'."""
    if sorted(p.name for p in out.iterdir()) != sorted(OUTPUTS):
        return "mixed"
    marks = []
    for name in ("results.json", "brief.docx", "results.xlsx"):
        path = out / name
        if name.endswith("json"):
            text = path.read_text(encoding="utf-8")
        else:
            with zipfile.ZipFile(path) as zf:
                text = "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
        marks.append("b" if "Zedborough" in text else "a")
    return marks[0] if len(set(marks)) == 1 else "mixed"


def test_a_failed_run_replaces_nothing(
    surveys: tuple[Path, Path], tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = surveys
    out = tmp_path / "out"
    assert run_cli([str(a), "--out", str(out)], capsys)[0] == 0
    before = _snapshot(out)
    import coprod_gui.report.export as export

    def disk_full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export, "write_xlsx", disk_full)  # the last file to be written
    status, stdout, err = run_cli([str(b), "--out", str(out)], capsys)
    assert status == 2 and stdout == ""
    assert "No space left on device" in err and "Traceback" not in err
    assert _snapshot(out) == before  # results.json and mapping.json of run A untouched
    assert _leftovers(out) == []


def test_a_second_run_into_the_same_folder_is_refused(
    surveys: tuple[Path, Path], tmp_path: Path, capsys
) -> None:
    a, b = surveys
    out = tmp_path / "out"
    first = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "analyse",
            str(a),
            "--robustness",
            "--out",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )
    try:
        # wait until the first run is under way (its first progress line)
        assert first.stderr is not None
        line = first.stderr.readline()
        assert "%" in line
        status, stdout, err = run_cli([str(b), "--out", str(out)], capsys)
    finally:
        first.communicate(timeout=120)
    assert first.returncode == 0
    assert status == 2 and stdout == ""
    assert "Another analysis is writing into 'out' right now." in err
    assert _which_run(out) == "a"  # only the first run's outputs
    assert _leftovers(out) == []


def test_runs_killed_at_random_moments_leave_one_whole_set(
    surveys: tuple[Path, Path], tmp_path: Path
) -> None:
    """Fault injection: 20 runs killed with SIGKILL at random moments."""
    if os.name != "posix":
        pytest.skip("SIGKILL is POSIX")
    a, b = surveys
    out = tmp_path / "out"
    env = _env(tmp_path)

    def command(path: Path) -> list[str]:
        return [sys.executable, str(ROOT / "main.py"), "analyse", str(path), "--out", str(out)]

    started = time.monotonic()
    subprocess.run(command(a), check=True, capture_output=True, env=env, timeout=120)
    full = time.monotonic() - started
    rng = random.Random(12)
    seen = set()
    for _ in range(20):
        proc = subprocess.Popen(
            command(b), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        time.sleep(rng.uniform(0.2, full * 1.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        state = _which_run(out)
        assert state in ("a", "b"), f"mixed outputs after a kill: {sorted(os.listdir(out))}"
        seen.add(state)
        if state == "b":  # the killed run had finished: put run A's set back for the next kill
            subprocess.run(command(a), check=True, capture_output=True, env=env, timeout=120)
    assert "a" in seen
    final = subprocess.run(command(b), capture_output=True, text=True, env=env, timeout=120)
    assert final.returncode == 0, final.stderr
    assert _which_run(out) == "b"
    assert _leftovers(out) == []  # no staging folder, lock or .tmp file left


def test_running_out_of_memory_says_too_big_for_this_computer(
    surveys: tuple[Path, Path], tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import coprod_gui.core.pipeline as pipeline

    def huge(*_a, **_k):
        np.empty((2**24, 2**24), dtype=np.int8)  # 2 PB: more than any computer has
        raise AssertionError("expected a MemoryError")

    monkeypatch.setattr(pipeline, "run_pipeline", huge)
    status, stdout, err = run_cli([str(surveys[0]), "--out", str(tmp_path / "o")], capsys)
    assert status == 2 and stdout == ""
    assert "too big for this computer: about 262,144.0 GB needed" in err and "GB free" in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()

    def plain(*_a, **_k):
        raise MemoryError

    monkeypatch.setattr(pipeline, "run_pipeline", plain)
    status, _, err = run_cli([str(surveys[0]), "--out", str(tmp_path / "o")], capsys)
    assert status == 2 and "too big for this computer" in err and "GB free" in err


def test_a_file_name_too_long_is_a_plain_message(tmp_path: Path, capsys) -> None:
    name = "survey " + "x" * 300 + ".csv"
    status, stdout, err = run_cli([str(tmp_path / name), "--out", str(tmp_path / "o")], capsys)
    assert status == 2 and stdout == ""
    assert "Error:" in err and "name is too long" in err and "Traceback" not in err


def test_an_output_folder_name_too_long_is_a_plain_message(
    surveys: tuple[Path, Path], tmp_path: Path, capsys
) -> None:
    status, _, err = run_cli([str(surveys[0]), "--out", str(tmp_path / ("o" * 300))], capsys)
    assert status == 2 and "name is too long" in err and "Traceback" not in err


def test_a_mapping_nested_too_deeply_exits_2(
    surveys: tuple[Path, Path], tmp_path: Path, capsys
) -> None:
    mapping = tmp_path / "deep.json"
    mapping.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    status, stdout, err = run_cli(
        [str(surveys[0]), "--mapping", str(mapping), "--out", str(tmp_path / "o")], capsys
    )
    assert status == 2 and stdout == ""
    assert err.startswith("Error:") and "Traceback" not in err and "RecursionError" not in err


def test_an_input_nested_too_deeply_anywhere_exits_2(
    surveys: tuple[Path, Path], tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import coprod_gui.core.pipeline as pipeline

    def deep(*_a, **_k):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pipeline, "run_pipeline", deep)
    status, _, err = run_cli([str(surveys[0]), "--out", str(tmp_path / "o")], capsys)
    assert status == 2 and "nested too deeply" in err and "Traceback" not in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_on_a_full_device_is_quiet(surveys: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "o"
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "analyse", str(surveys[0]), "--out", str(out)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path),
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert _which_run(out) == "a"


def test_stdout_into_a_closed_pipe_is_quiet(surveys: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "o"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "analyse", str(surveys[0]), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `analyse ... | head -0`
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=120)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err and "BrokenPipe" not in err
    assert _which_run(out) == "a"
