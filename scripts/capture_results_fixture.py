"""Store every figure of the reference cases, as the code computes them now.

Why: the equality test (tests/core/test_results_unchanged.py) compares the analysis
against figures captured *before* a rewrite, so they must come from a run of the code,
never be typed in. Run on the commit whose figures are the reference, then commit the
fixtures with a message saying which commit produced them:

    .venv/bin/python scripts/capture_results_fixture.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coprod_gui.core.io.files import atomic_write_text  # noqa: E402
from tests.core.reference_cases import CASES, FIXTURES  # noqa: E402


def main() -> int:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        for name, case in CASES.items():
            doc = {"captured_from": commit, "result": case(Path(tmp))}
            path = FIXTURES / f"results_{name}.json"
            atomic_write_text(path, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
