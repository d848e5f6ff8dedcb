"""Import benchmark: ``read_survey`` against ``pandas.read_excel`` on a 50,000-row xlsx.

Why: officers' files are often tens of thousands of rows; the import must feel quick.
Target: ``read_survey`` (with its safety scan, header detection and type conversion)
at least 5x faster than ``pandas.read_excel(path)`` with pandas' default engine.

Run:  .venv/bin/python benchmarks/bench_import.py [--rows 50000] [--repeats 3]

The test file is built once and cached under benchmarks/data/ (git-ignored).
Not part of the pytest suite.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coprod_gui.core.io import safety  # noqa: E402
from coprod_gui.core.io.reading import read_survey  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


def survey_frame(n: int, seed: int = 42) -> pd.DataFrame:
    """Survey-like answers: the shared generator if present, else a similar 40 columns."""
    try:
        from coprod_gui.core.survey.synthetic import generate_survey

        return generate_survey(n, seed)
    except ImportError:
        pass
    rng = np.random.default_rng(seed)
    freq = np.array(["Never", "Rarely", "Sometimes", "Often", "Don't know"])
    agree = np.array(
        ["Strongly agree", "Tend to agree", "Neither", "Tend to disagree", "Strongly disagree"]
    )
    cols: dict[str, object] = {
        "Respondent ID": [f"{i:06d}" for i in range(1, n + 1)],
        "Council": rng.choice(["Northshire", "Southvale", "Eastbury", "Westmoor", "Midham"], n),
        "Age": rng.integers(16, 95, n),
        "Gender": rng.choice(["Female", "Male", "Prefer not to say"], n),
        "Weight": np.round(rng.uniform(0.3, 3.0, n), 4),
        "Interview date": [
            f"2024-{m:02d}-{d:02d}"
            for m, d in zip(rng.integers(1, 13, n), rng.integers(1, 29, n), strict=True)
        ],
    }
    for i in range(1, 16):
        cols[f"Q{i} How often do you ...? (item {i})"] = rng.choice(freq, n)
    for i in range(1, 15):
        cols[f"Q{15 + i} How much do you agree ...? (item {i})"] = rng.choice(agree, n)
    cols["Overall score 0-10"] = rng.integers(0, 11, n)
    cols["Satisfied"] = rng.integers(0, 2, n)
    cols["Household size"] = rng.integers(1, 7, n)
    cols["Tenure"] = rng.choice(["Owner", "Private rent", "Social rent", "Other"], n)
    cols["Comment"] = rng.choice(["", "Good service", "More bins please", "n/a"], n)
    return pd.DataFrame(cols)


def _cell(v: object) -> object:
    """A workbook cell value: numpy scalars as Python, NaN/NA as a blank cell."""
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    return v.item() if hasattr(v, "item") else v


def build(path: Path, n: int) -> None:
    """Write the workbook with two title rows on top of the header.

    xlsxwriter (if installed) writes shared strings as Excel does; otherwise openpyxl's
    streaming writer is used, which writes inline strings (a bigger sheet XML).
    """
    df = survey_frame(n)
    tmp = path.with_suffix(".tmp.xlsx")
    try:
        import xlsxwriter
    except ImportError:
        xlsxwriter = None
    if xlsxwriter is not None:
        wb = xlsxwriter.Workbook(str(tmp))  # shared strings, like Excel
        ws = wb.add_worksheet("Data")
        ws.write_row(0, 0, ["Resident survey 2024: all respondents"])
        ws.write_row(1, 0, ["Source: synthetic benchmark data"])
        ws.write_row(2, 0, [str(c) for c in df.columns])
        for i, row in enumerate(df.itertuples(index=False), start=3):
            ws.write_row(i, 0, [_cell(v) for v in row])
        wb.close()
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Data")
        ws.append(["Resident survey 2024: all respondents"])
        ws.append(["Source: synthetic benchmark data"])
        ws.append([str(c) for c in df.columns])
        for row in df.itertuples(index=False):
            ws.append([v.item() if hasattr(v, "item") else v for v in row])
        wb.save(tmp)
    tmp.replace(path)


def pandas_default(path: Path) -> pd.DataFrame:
    """pandas.read_excel with its default engine (openpyxl for xlsx in pandas 3.1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the "default engine will change" notice
        return pd.read_excel(path)


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)

    DATA.mkdir(parents=True, exist_ok=True)
    try:
        import xlsxwriter  # noqa: F401

        kind = "shared"
    except ImportError:
        kind = "inline"
    path = DATA / f"survey_{args.rows}_{kind}.xlsx"
    if not path.exists():
        print(f"building {path.name} ...", flush=True)
        t = timed(lambda: build(path, args.rows))
        print(f"  built in {t:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")

    scan = timed(lambda: safety.check_zip_workbook(path, "xlsx"))
    table = read_survey(path)
    print(
        f"read_survey: {len(table.frame):,} rows x {len(table.frame.columns)} columns, "
        f"header row {table.header_row}; safety scan alone {scan:.3f} s"
    )

    ours: list[float] = []
    theirs: list[float] = []
    order = random.Random(1)
    for _ in range(args.repeats):
        jobs = [("ours", lambda: read_survey(path)), ("pandas", lambda: pandas_default(path))]
        order.shuffle(jobs)
        for name, job in jobs:
            (ours if name == "ours" else theirs).append(timed(job))
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"read_survey        median {a:.3f} s  {[round(x, 3) for x in ours]}")
    print(f"pandas.read_excel  median {b:.3f} s  {[round(x, 3) for x in theirs]}")
    print(f"ratio pandas / read_survey = {b / a:.1f}x (target >= 5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
