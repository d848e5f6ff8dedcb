"""Whole-pipeline benchmark: ``main.py analyse`` against a hand-written analysis script.

Why: an officer should never wait longer for the product than an analyst would for the
quick script they would otherwise write. Both run on the same 50,000-row agency xlsx in
the same process, interleaved:

- product: the ``analyse`` command in-process (``cli.main``): read (safety scan, header
  detection), suggest the mapping, prepare (recode every answer, data-quality report),
  levels, indices, both index models, both participation models, the comparison model,
  the efficacy curve, results.json, mapping.json and, when the report layer is present,
  the Word and Excel brief;
- baseline: ``pandas.read_excel`` (default engine) of the data sheet with the header row
  given, recoding of the answers with dict maps, the two indices, and the two OLS models
  (statsmodels formula API, council fixed effects, HC3 errors) an analyst would fit.

Target: ratio <= 1.0 (the product no slower than the plain script). Both run with one
BLAS thread, as the ``analyse`` command sets (see ``core.runtime.limit_blas_threads``).

Run:  .venv/bin/python benchmarks/bench_pipeline.py [--rows 50000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ensure_survey_xlsx, interleaved_medians, peak_rss_mb, print_ratio

from coprod_gui.core.runtime import limit_blas_threads

# Before numpy loads (common and cli do not load it), as the analyse command does: one
# BLAS thread, for the product and the baseline alike.
limit_blas_threads()

TARGET = 1.0


def product(path: Path, out: Path) -> None:
    """The ``analyse`` command, in-process, its output thrown away."""
    from coprod_gui.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        status = main([str(path), "--out", str(out)])
    if status != 0:
        raise SystemExit(f"analyse failed with exit status {status}")


def baseline(path: Path) -> tuple[float, float]:
    """What an analyst would write: read, recode with dicts, two OLS models."""
    import pandas as pd
    import statsmodels.formula.api as smf

    from coprod_gui.core.survey import synthetic as syn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = pd.read_excel(path, sheet_name=syn.DATA_SHEET, header=syn.HEADER_ROW_INDEX)
    freq = {"Never": 0, "Rarely": 1, "Sometimes": 2, "Often": 3}
    agree = {
        "Definitely disagree": 0,
        "Tend to disagree": 1,
        "Tend to agree": 2,
        "Definitely agree": 3,
    }
    sat = {
        "Very dissatisfied": 0,
        "Fairly dissatisfied": 1,
        "Neither satisfied nor dissatisfied": 2,
        "Fairly satisfied": 3,
        "Very satisfied": 4,
    }
    model = pd.DataFrame({"council": df[syn.COUNCIL_COL]})
    for construct, scale, top in (
        ("individual_coproduction", freq, 3),
        ("collective_coproduction", freq, 3),
        ("efficacy", agree, 3),
        ("consultation_satisfaction", sat, 4),
    ):
        cols = syn.CONSTRUCT_COLUMNS[construct]
        scores = pd.DataFrame({c: df[c].map(scale) / top for c in cols})
        for c in cols:
            if c in syn.REVERSED:
                scores[c] = 1 - scores[c]
        model[construct] = scores.mean(axis=1) * (100 if "coproduction" in construct else 1)
    model["age"] = df[syn.AGE_COL].map(syn.AGE_MIDPOINTS)
    model["gender"] = df[syn.GENDER_COL].where(df[syn.GENDER_COL].isin(["Female", "Male"]))
    fits = []
    for outcome in ("individual_coproduction", "collective_coproduction"):
        res = smf.ols(
            f"{outcome} ~ efficacy + consultation_satisfaction + age + C(gender) + C(council)",
            data=model,
        ).fit(cov_type="HC3")
        fits.append(float(res.params["efficacy"]))
    return fits[0], fits[1]


def breakdown(path: Path, out: Path) -> None:
    """One product run step by step, to show where its time goes."""
    from coprod_gui.core.pipeline import load_tables
    from coprod_gui.core.stats.analysis import analyse
    from coprod_gui.core.survey.mapping import suggest_mapping
    from coprod_gui.core.survey.prepare import prepare
    from coprod_gui.report.export import export_all

    steps: list[tuple[str, float]] = []

    def step(name: str, fn):
        start = time.perf_counter()
        value = fn()
        steps.append((name, time.perf_counter() - start))
        return value

    tables = step("read", lambda: load_tables([path]))
    mapping, _ = step("suggest mapping", lambda: suggest_mapping(tables))
    survey = step("prepare", lambda: prepare(tables, mapping))
    result = step("analyse (levels, indices, 5 models, curve)", lambda: analyse(survey))
    step("Word + Excel export", lambda: export_all(result, out))
    print("product steps: " + ", ".join(f"{name} {secs:.2f} s" for name, secs in steps))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)

    path = ensure_survey_xlsx(args.rows)
    out = Path(tempfile.mkdtemp(prefix="coprod-bench-"))
    try:
        # One untimed run of each: imports (statsmodels, matplotlib, docx) happen once per
        # process for both, and the product's outputs are checked to exist.
        start = time.perf_counter()
        product(path, out)
        first = time.perf_counter() - start
        written = sorted(p.name for p in out.iterdir())
        print(f"first product run (with imports) {first:.2f} s; wrote {', '.join(written)}")
        start = time.perf_counter()
        b_ind, b_col = baseline(path)
        print(
            f"first baseline run (with imports) {time.perf_counter() - start:.2f} s; "
            f"efficacy estimates {b_ind:.2f} / {b_col:.2f} index points"
        )
        breakdown(path, out)
        times = interleaved_medians(
            {"product": lambda: product(path, out), "baseline": lambda: baseline(path)},
            repeat=args.repeats,
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"product  (analyse command, median of {args.repeats}): {times['product']:.2f} s")
    print(
        f"baseline (read_excel + recode + 2 OLS, median of {args.repeats}): {times['baseline']:.2f} s"
    )
    ok = print_ratio(
        f"whole analyse run, {args.rows:,} rows", times["product"], times["baseline"], TARGET
    )
    print(f"peak memory of this process {peak_rss_mb():.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
