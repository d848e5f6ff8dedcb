"""The headless ``analyse`` command: outputs, exit statuses and messages.

One subprocess run of ``main.py analyse --demo`` (the real entry point, as an officer or
a scheduled job would call it); everything else calls ``cli.main`` in-process on small
real files.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coprod_gui import cli
from coprod_gui.core.survey.mapping import load_mapping
from coprod_gui.core.survey.synthetic import generate_survey, write_agency_xlsx
from tests.file_builders import write_pdf_renamed, write_xlsx

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("demo") / "out"
    env = {**os.environ, "COPROD_LOG_DIR": str(out.parent / "logs"), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "analyse", "--demo", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(out.parent),
        timeout=300,
    )
    return proc, out


def test_demo_exits_0_and_results_say_what_the_research_found(demo_run) -> None:
    proc, out = demo_run
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(out.resolve()) in proc.stdout and "results.json" in proc.stdout
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["schema"] == "coprod-results/1"
    assert doc["n_respondents"] == 5000 and len(doc["authorities"]) == 5
    ind, col = doc["levels"]["individual"], doc["levels"]["collective"]
    assert ind["percent"] > col["percent"]
    for level in (ind, col):
        assert level["ci_low"] < level["percent"] < level["ci_high"] and level["base"] > 4000
    for form in ("individual", "collective"):
        efficacy = doc["models"][form]["terms"]["efficacy"]
        assert efficacy["estimate"] > 0 and efficacy["p_value"] < 0.05
        assert doc["models"][form]["n"] > 3000 and doc["models"][form]["r_squared"] > 0
        assert doc["participation"][form]["terms"]["efficacy"]["estimate"] > 0
    assert "age" in doc["models"]["individual"]["terms"]  # continuous terms by construct name
    assert isinstance(doc["warnings"], list)
    # plain lines (not a bar) on a non-terminal stderr, ending at 100%
    assert "\r" not in proc.stderr and "100% Done" in proc.stderr


def test_demo_writes_the_mapping_it_used(demo_run) -> None:
    _, out = demo_run
    mapping = load_mapping(out / "mapping.json")
    assert len(mapping.get("individual_coproduction")) == 6
    assert len(mapping.get("collective_coproduction")) == 5
    assert mapping.has("efficacy") and mapping.has("weight")


def test_demo_writes_the_word_and_excel_brief(demo_run) -> None:
    pytest.importorskip(
        "coprod_gui.report.export",
        reason="the report layer's export_all (issue 4) has not landed yet",
    )
    _, out = demo_run
    for name in ("brief.docx", "results.xlsx"):
        assert (out / name).is_file() and (out / name).stat().st_size > 1000


@pytest.fixture(scope="module")
def small_survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "panel.xlsx"
    write_agency_xlsx(generate_survey(400, seed=11), path)
    return path


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_saved_mapping_given_back_gives_the_same_results(
    small_survey: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert run_cli([str(small_survey), "--out", str(first)], capsys)[0] == 0
    status, out, _ = run_cli(
        [str(small_survey), "--mapping", str(first / "mapping.json"), "--out", str(second)], capsys
    )
    assert status == 0 and "mapping.json" in out
    a = json.loads((first / "results.json").read_text(encoding="utf-8"))
    b = json.loads((second / "results.json").read_text(encoding="utf-8"))
    assert a["levels"] == b["levels"] and a["models"] == b["models"]
    assert a["n_respondents"] == 400


def test_bad_file_exits_2_with_a_plain_message(tmp_path: Path, capsys) -> None:
    bad = write_pdf_renamed(tmp_path / "council survey.xlsx")
    status, out, err = run_cli([str(bad), "--out", str(tmp_path / "o")], capsys)
    assert status == 2
    assert "Error: 'council survey.xlsx' is a PDF" in err
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "o" / "results.json").exists()


def test_missing_file_and_no_file_exit_2(tmp_path: Path, capsys) -> None:
    status, _, err = run_cli([str(tmp_path / "nowhere.csv")], capsys)
    assert status == 2 and "nowhere.csv" in err and "not found" in err
    status, _, err = run_cli([], capsys)
    assert status == 2 and "No survey file" in err and "--demo" in err
    status, _, err = run_cli(["--demo", str(tmp_path / "x.csv")], capsys)
    assert status == 2 and "not both" in err
    status, _, err = run_cli(["x.csv", "--header-row", "0"], capsys)
    assert status == 2 and "header row" in err


def test_mapping_naming_a_missing_column_exits_2(
    small_survey: Path, tmp_path: Path, capsys
) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text(
        json.dumps(
            {
                "schema": "coprod-mapping/1",
                "columns": {
                    "individual_coproduction": ["How often do you compost?"],
                    "efficacy": "Q99 People like me can make a difference",
                },
            }
        ),
        encoding="utf-8",
    )
    status, _, err = run_cli([str(small_survey), "--mapping", str(mapping)], capsys)
    assert status == 2
    assert "How often do you compost?" in err or "Q99" in err
    assert "Traceback" not in err


def test_unexpected_error_exits_1_without_leaking_its_message(
    small_survey: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import coprod_gui.core.pipeline as pipeline

    def broken(*_a, **_k):
        raise RuntimeError("cell value Jane Smith, 12 High St")

    monkeypatch.setattr(pipeline, "run_pipeline", broken)
    status, _, err = run_cli([str(small_survey), "--out", str(tmp_path / "o")], capsys)
    assert status == 1
    assert "RuntimeError" in err and "Jane" not in err and "Traceback" not in err


def test_sheet_and_header_row_options(tmp_path: Path, capsys) -> None:
    df = generate_survey(300, seed=5)
    path = write_xlsx(
        df, tmp_path / "two.xlsx", title_rows=["Survey", "Base: all"], extra_sheet_first="Notes"
    )
    status, _, err = run_cli(
        [str(path), "--sheet", "Data", "--header-row", "3", "--out", str(tmp_path / "o")], capsys
    )
    assert status == 0, err
    doc = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert doc["n_respondents"] == 300
    status, _, err = run_cli([str(path), "--sheet", "Nope", "--out", str(tmp_path / "p")], capsys)
    assert status == 2 and "Nope" in err


def test_progress_bar_on_a_terminal_plain_lines_otherwise() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = cli.ProgressPrinter(tty)
    bar(0.0, "Reading")
    bar(0.5, "Models")
    bar(1.0, "Done")
    bar.finish()
    text = tty.getvalue()
    assert text.count("\r") == 3 and "[" + "#" * 15 + "-" * 15 + "]  50% Models" in text
    assert text.endswith("\n")
    plain = io.StringIO()
    lines = cli.ProgressPrinter(plain)
    for f, m in ((0.0, "Reading"), (0.1, "Reading"), (1.0, "Done")):
        lines(f, m)
    assert plain.getvalue() == "  0% Reading\n100% Done\n"


def test_robustness_flag_adds_the_checks(small_survey: Path, tmp_path: Path, capsys) -> None:
    status, _, err = run_cli(
        [str(small_survey), "--robustness", "--out", str(tmp_path / "r")], capsys
    )
    assert status == 0, err
    doc = json.loads((tmp_path / "r" / "results.json").read_text(encoding="utf-8"))
    assert "mixedlm:collective" in doc["robustness"]
    assert any(k.startswith("ordered:") for k in doc["robustness"])


def test_the_briefs_context_flags_reach_the_word_brief(
    small_survey: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--fieldwork, --contact, --sampling and --weighting are printed where a reader looks."""
    docx = pytest.importorskip("docx")
    out = tmp_path / "out"
    argv = [str(small_survey), "--out", str(out), "--fieldwork", "May 2026", "--contact",
            "Policy team", "--sampling", "a random sample of 2,000 addresses", "--weighting",
            "the age and sex of residents"]
    assert run_cli(argv, capsys)[0] == 0
    text = "\n".join(p.text for p in docx.Document(str(out / "brief.docx")).paragraphs)
    assert "Who was asked: a random sample of 2,000 addresses." in text
    assert "Contact: Policy team." in text
    assert "May 2026" in text
    assert "The figures are weighted to match the age and sex of residents." in text
