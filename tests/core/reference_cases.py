"""The surveys whose every figure must not move when the readers or models are rewritten.

Why fixed cases: issue 11 rewrites the readers, the recoding and the model fitting for
speed; the statistics must stay equal to 1e-8. ``scripts/capture_results_fixture.py``
ran these cases on main before that work and stored ``AnalysisResult.to_dict()`` in
``tests/core/fixtures/``; ``test_results_unchanged.py`` runs them again and compares every
number. Whoever changes a figure on purpose (a new unit, a corrected model) regenerates
the fixtures with that script and says why in the commit.

Three cases cover the fitting paths: the bundled example (five councils, weighted: HC3
least squares, weighted logit with sandwich errors); a planted survey with 24 councils,
unweighted (clustered errors, the unweighted Newton logit); and a smaller planted survey
with the robustness checks (ordered logits per item, random council effect).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from coprod_gui.core.io.files import atomic_write_bytes
from coprod_gui.core.pipeline import load_tables
from coprod_gui.core.stats.analysis import AnalysisOptions, analyse
from coprod_gui.core.survey.example import example_survey_paths
from coprod_gui.core.survey.mapping import suggest_mapping
from coprod_gui.core.survey.prepare import prepare
from coprod_gui.core.survey.synthetic import generate_survey

FIXTURES = Path(__file__).resolve().parent / "fixtures"
COUNCILS_24 = tuple(f"Planted Council {i:02d}" for i in range(1, 25))


def _run(paths: list[Path], options: AnalysisOptions) -> dict[str, Any]:
    tables = load_tables(paths)
    mapping, _ = suggest_mapping(tables)
    return analyse(prepare(tables, mapping), options).to_dict()


def _planted_csv(folder: Path, n: int, seed: int, councils: tuple[str, ...]) -> Path:
    path = folder / f"planted_{n}_{seed}.csv"
    text = generate_survey(n, seed, councils).to_csv(index=False)
    atomic_write_bytes(path, text.encode("utf-8"))
    return path


def example(folder: Path) -> dict[str, Any]:
    return _run(example_survey_paths(), AnalysisOptions())


def planted_24_councils(folder: Path) -> dict[str, Any]:
    path = _planted_csv(folder, 6000, 11, COUNCILS_24)
    return _run([path], AnalysisOptions(weighted=False))


def planted_robustness(folder: Path) -> dict[str, Any]:
    path = _planted_csv(folder, 1500, 12, COUNCILS_24[:6])
    return _run([path], AnalysisOptions(robustness=True))


CASES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "example": example,
    "planted_24_councils": planted_24_councils,
    "planted_robustness": planted_robustness,
}
