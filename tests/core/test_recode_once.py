"""Answers are recoded once per distinct value, never once per cell (issue 11, item 3).

A regression guard that is not a timed test: the per-value functions of the reader (the
number rule, ``grid._text_number``) and of the recoding (the matching key, ``norm``) are
counted while the same survey is read and prepared at 1,000 and at 10,000 rows. The
answers are the same, so the counts must be too (the mapping suggester's sample of answers
makes the recoding count wobble slightly); per-cell work would make them ten times larger. (At 1,048,576 rows the per-cell reader spent 44 of 64 s in such calls.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.io import grid
from coprod_gui.core.io.reading import read_survey
from coprod_gui.core.survey import prepare as prep
from coprod_gui.core.survey import scales
from coprod_gui.core.survey.mapping import suggest_mapping
from coprod_gui.core.survey.synthetic import generate_survey


def _survey_csv(folder: Path, n: int) -> Path:
    """The same 1,000 respondents' answers repeated up to ``n`` rows (IDs left out: an ID
    column has one distinct value per respondent by nature)."""
    base = generate_survey(1000, seed=41).drop(columns=["Respondent ID"])
    df = pd.concat([base] * (n // 1000), ignore_index=True)
    path = folder / f"survey_{n}.csv"
    df.to_csv(path, index=False)
    return path


def _count(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    calls = [0]
    original = getattr(module, name)

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_reader_and_recoding_work_per_distinct_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = {}
    for n in (1000, 10_000):
        path = _survey_csv(tmp_path, n)
        with monkeypatch.context() as m:
            number_rule = _count(m, grid, "_text_number")
            key_scales = _count(m, scales, "norm")
            key_prepare = _count(m, prep, "norm")
            table = read_survey(path)
            mapping, _ = suggest_mapping([table])
            survey = prep.prepare([table], mapping)
        counts[n] = (number_rule[0], key_scales[0] + key_prepare[0])
        assert len(survey.data) == n
        # the answers a user checks came through: a score of 0-100 for most respondents
        assert np.nanmean(survey.data["efficacy"]) == pytest.approx(
            np.nanmean(survey.data["efficacy"].iloc[:1000]), rel=1e-9
        )
    assert counts[1000][0] > 0 and counts[1000][1] > 0  # the functions are really used
    assert counts[10_000][0] == counts[1000][0], counts  # the reader: exactly per distinct value
    # the recoding: per distinct answer (suggesting a mapping samples a few answers, so
    # the count wobbles a little), nowhere near ten times as many
    assert counts[10_000][1] <= 1.1 * counts[1000][1], counts
