"""Progress moves during a long read (issue 11, item 5): rows read so far, not one line
for half a minute. Behaviour, not timing: the messages are counted and must advance."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd

from coprod_gui.core.io.reading import read_survey
from coprod_gui.core.progress import heartbeat
from coprod_gui.core.survey.synthetic import generate_survey


def test_a_big_csv_reports_rows_read_so_far(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    pd.concat([generate_survey(2000, seed=51)] * 40, ignore_index=True).to_csv(path, index=False)
    seen: list[tuple[float, str]] = []
    table = read_survey(path, progress=lambda f, m: seen.append((f, m)))
    assert len(table.frame) == 80_000
    counts = [
        int(m.group(1).replace(",", ""))
        for _, msg in seen
        if (m := re.search(r"([\d,]+) rows so far", msg))
    ]
    assert len(counts) >= 3, seen  # the file is read in blocks, each one reported
    assert counts == sorted(counts) and counts[-1] > counts[0]
    assert counts[-1] == 80_000  # rows read, counted as they arrive
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)


def test_heartbeat_keeps_a_long_call_moving() -> None:
    seen: list[str] = []
    with heartbeat(lambda f, m: seen.append(m), 0.4, "Reading survey.sav", every=0.2):
        time.sleep(0.9)
    assert len(seen) >= 3
    assert seen[0] == "Reading survey.sav: 0 s so far"
    with heartbeat(lambda f, m: seen.append(m), 0.4, "quick", every=5):
        pass
    assert not any(m.startswith("quick") for m in seen)  # short calls say nothing extra
