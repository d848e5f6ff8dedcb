"""Every figure of the analysis equals the one main computed before the speed work.

Issue 11 rewrote the readers, the recoding and the model fitting; the statistics must
not move (to 1e-8) on the bundled example and on planted surveys. The reference figures
were produced by ``scripts/capture_results_fixture.py`` (see ``reference_cases.py``) and
are never typed in. Only numbers (and the keys that lead to them) are compared: wording
may change, a figure may not. A path the fixture has and the result lacks is a failure.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.core.reference_cases import CASES, FIXTURES

TOL = 1e-8


def _figures(doc: Any, path: str = "") -> dict[str, float | None]:
    """Flatten to {path: number}; lists by position, dicts by key; strings skipped, and
    so are the plain-English notes (``diagnostics`` lists: wording, and others add notes)."""
    out: dict[str, float | None] = {}
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k != "diagnostics":
                out.update(_figures(v, f"{path}/{k}"))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.update(_figures(v, f"{path}[{i}]"))
    elif isinstance(doc, bool | int | float):
        out[path] = float(doc)
    elif doc is None:
        out[path] = None
    return out


def _differences(expected: dict, actual: dict) -> list[str]:
    bad = []
    for path, want in expected.items():
        if path not in actual:
            bad.append(f"{path}: missing (was {want})")
            continue
        got = actual[path]
        if want is None or got is None:
            if want is not got and not (
                (want is None and got is not None and math.isnan(got))
                or (got is None and want is not None and math.isnan(want))
            ):
                bad.append(f"{path}: {got} (was {want})")
            continue
        if abs(got - want) > TOL * max(1.0, abs(want)):
            bad.append(f"{path}: {got!r} (was {want!r})")
    return bad


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_every_figure_equals_the_reference(name: str, tmp_path: Path) -> None:
    fixture = json.loads((FIXTURES / f"results_{name}.json").read_text(encoding="utf-8"))
    expected = _figures(fixture["result"])
    actual = _figures(CASES[name](tmp_path))
    # the figures a user reads are there at all (not a vacuous comparison)
    assert any("/models/individual/terms/efficacy/estimate" in p for p in expected)
    assert any("/participation/" in p and p.endswith("/std_error") for p in expected)
    bad = _differences(expected, actual)
    assert not bad, f"{len(bad)} figures moved, e.g.:\n" + "\n".join(bad[:15])
