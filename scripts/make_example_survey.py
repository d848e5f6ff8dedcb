"""Regenerate ``resources/example_survey.xlsx``, the bundled fictional example survey.

Why a script: the example is generated, not hand-edited, so it can be rebuilt exactly
(fixed seed) and ``tests/core/test_example.py`` can check the shipped file still matches
the generator.

Run:  .venv/bin/python scripts/make_example_survey.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coprod_gui.core.survey.synthetic import (  # noqa: E402
    DEFAULT_SEED,
    FIVE_FICTIONAL_COUNCILS,
    generate_survey,
    write_agency_xlsx,
)

EXAMPLE_ROWS = 5000
TARGET = ROOT / "resources" / "example_survey.xlsx"


def main() -> int:
    """Write the example survey; print where and how big."""
    df = generate_survey(EXAMPLE_ROWS, DEFAULT_SEED, FIVE_FICTIONAL_COUNCILS)
    write_agency_xlsx(df, TARGET)
    print(
        f"wrote {TARGET.relative_to(ROOT)}: {len(df):,} respondents, "
        f"{TARGET.stat().st_size / 1024:.0f} KB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
