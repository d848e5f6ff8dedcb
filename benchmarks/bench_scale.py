"""Scale benchmark: every step of ``analyse`` from 5,000 to 1,048,576 respondents.

Why: officers hold council surveys of a few thousand rows but also national files of up to
a million (Excel's limit). For each size and format this prints the time and the peak
memory of each step of the product — read, suggest (the mapping), prepare, models, brief,
exports — beside the plain pandas/statsmodels script an analyst would write (read,
dictionary recoding, the two index OLS models with HC3 errors; ``bench_pipeline.baseline``
generalised to CSV and SPSS) on the same file, in the same run, with ratios.

Each job runs in a fresh process (a process's peak memory never goes down), with the
heavy imports done before the clock starts and one BLAS thread, as the ``analyse``
command sets. Product and baseline alternate, so a busy moment on a shared machine hits
both. The whole run of the product is the sum of its steps.

Run:  .venv/bin/python benchmarks/bench_scale.py [--sizes 5000,50000] [--formats csv,xlsx]
          [--cases csv:5000,xlsx:50000] [--repeats 1] [--readme]

Default: CSV at 5,000, 50,000, 500,000 and 1,048,576 rows; xlsx up to 500,000; .sav at
1,048,576. ``--readme`` writes the table, with the machine and versions, into
benchmarks/README.md between the ``bench_scale`` markers. The big files take minutes to
build the first time (cached in benchmarks/data/).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import SAV_WEIGHT, ensure_survey, machine_line

README = Path(__file__).resolve().parent / "README.md"
BEGIN, END = "<!-- bench_scale:begin -->", "<!-- bench_scale:end -->"
SIZES = (5_000, 50_000, 500_000, 1_048_576)
CASES = [("csv", n) for n in SIZES] + [("xlsx", n) for n in SIZES if n <= 500_000]
CASES += [("sav", 1_048_576)]
PRODUCT_STEPS = ("read", "suggest", "prepare", "models", "brief", "exports")
BASELINE_STEPS = ("read", "recode", "models")
TARGETS = {("xlsx", 50_000): 0.5, ("csv", 1_048_576): 0.5}
"""Largest acceptable whole-run ratio (DESIGN.md §8)."""
MEMORY_TARGET_MB = 2048
READ_TARGET = {("xlsx", 50_000): 0.1}
"""xlsx read at least 10x pandas.read_excel (ratio <= 0.1)."""


# --------------------------------------------------------------------------- child jobs


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM on Linux: ``ru_maxrss`` survives exec,
    so a child would report its parent's peak (the driver that built a big file)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _preimport() -> None:
    """Every heavy library either side may touch, imported before any clock starts:
    imports cost the same in both and are not what this benchmark is about."""
    import contextlib
    import importlib

    for name in (
        "pandas", "statsmodels.api", "statsmodels.formula.api", "openpyxl", "python_calamine",
        "pyreadstat", "pyarrow.csv", "fastexcel", "matplotlib.figure",
        "matplotlib.backends.backend_agg", "docx", "xlsxwriter",
    ):  # fmt: skip
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _private_mb(pid: int) -> float:
    """Memory only this process holds (pages it wrote itself, not the ones it shares with
    the process it was forked from): Private_Clean + Private_Dirty of smaps_rollup."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    except OSError:
        return 0.0
    return total / 1024


def _children() -> list[int]:
    out: list[int] = []
    for task in Path("/proc/self/task").glob("*/children"):
        with contextlib.suppress(OSError):
            out += [int(p) for p in task.read_text().split()]
    return out


class _Together:
    """The peak of this process plus the memory of its own of any forked second process
    (the analysis' second lane, core/stats/lanes.py), sampled every 0.1 s: the peak MB the
    table reports must include the second process, or it would flatter the product."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        status = Path("/proc/self/status")
        while not self._stop.wait(0.1):
            try:
                rss = next(
                    int(ln.split()[1]) / 1024
                    for ln in status.read_text().splitlines()
                    if ln.startswith("VmRSS:")
                )
            except (OSError, StopIteration):
                return
            kids = _children()
            if kids:
                self.peak_mb = max(self.peak_mb, rss + sum(_private_mb(k) for k in kids))

    def __enter__(self) -> _Together:
        if Path("/proc/self/task").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


class _Clock:
    def __init__(self) -> None:
        self.steps: dict[str, dict[str, float]] = {}

    def __call__(self, name, fn):
        start = time.perf_counter()
        value = fn()
        self.steps[name] = {"s": time.perf_counter() - start, "peak_mb": _peak_mb()}
        return value


def child_product(path: Path) -> dict:
    """The steps of ``cli.run`` one by one, each timed, outputs into a temporary folder."""
    from coprod_gui.core.runtime import limit_blas_threads

    limit_blas_threads()
    import json as _json

    _preimport()

    from coprod_gui.core.io.files import atomic_write_text
    from coprod_gui.core.pipeline import load_tables
    from coprod_gui.core.stats.analysis import AnalysisOptions, analyse
    from coprod_gui.core.survey.mapping import save_mapping, suggest_mapping
    from coprod_gui.core.survey.prepare import prepare
    from coprod_gui.report.brief import build_brief
    from coprod_gui.report.docx_writer import write_docx
    from coprod_gui.report.options import BriefOptions
    from coprod_gui.report.suppression import protected_results
    from coprod_gui.report.xlsx_writer import write_xlsx

    base = _peak_mb()
    clock = _Clock()
    options = BriefOptions()
    with tempfile.TemporaryDirectory(prefix="coprod-scale-") as tmp:
        out = Path(tmp)
        beats: list[float] = [time.perf_counter()]
        tables = clock(
            "read",
            lambda: load_tables([path], progress=lambda f, m: beats.append(time.perf_counter())),
        )
        beats.append(time.perf_counter())
        gap = max(b - a for a, b in itertools.pairwise(beats))
        mapping, _ = clock("suggest", lambda: suggest_mapping(tables))
        survey = clock("prepare", lambda: prepare(tables, mapping))
        with _Together() as together:
            result = clock("models", lambda: analyse(survey, AnalysisOptions()))
        clock.steps["models"]["peak_mb"] = max(clock.steps["models"]["peak_mb"], together.peak_mb)
        brief = clock("brief", lambda: build_brief(result, options))

        def exports() -> None:
            doc = _json.dumps(protected_results(result, options), indent=2, allow_nan=False)
            atomic_write_text(out / "results.json", doc + "\n")
            save_mapping(mapping, out / "mapping.json")
            write_docx(brief, result, out / "brief.docx", options)
            write_xlsx(brief, result, out / "results.xlsx", options)

        clock("exports", exports)
        check = {
            "n": result.n_respondents,
            "efficacy_individual": result.models["individual"].terms["efficacy"].estimate,
        }
    return {"steps": clock.steps, "import_mb": base, "check": check, "progress_gap_s": gap}


def _plain_read(path: Path):
    """How an analyst reads each format with pandas (default engines)."""
    import warnings

    import pandas as pd

    from coprod_gui.core.survey import synthetic as syn

    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".xlsx":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.read_excel(path, sheet_name=syn.DATA_SHEET, header=syn.HEADER_ROW_INDEX)
    import pyreadstat

    df, meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
    df.columns = [
        "Weight" if c == SAV_WEIGHT else meta.column_names_to_labels.get(c) or c for c in df.columns
    ]
    return df


def child_baseline(path: Path) -> dict:
    """Read, recode with dicts, the two OLS models (formula API, council effects, HC3)."""
    from coprod_gui.core.runtime import limit_blas_threads

    limit_blas_threads()
    _preimport()
    import pandas as pd
    import statsmodels.formula.api as smf

    from coprod_gui.core.survey import synthetic as syn

    base = _peak_mb()
    clock = _Clock()
    df = clock("read", lambda: _plain_read(path))
    freq = {"Never": 0, "Rarely": 1, "Sometimes": 2, "Often": 3}
    agree = {"Definitely disagree": 0, "Tend to disagree": 1, "Tend to agree": 2,
             "Definitely agree": 3}  # fmt: skip
    sat = {"Very dissatisfied": 0, "Fairly dissatisfied": 1,
           "Neither satisfied nor dissatisfied": 2, "Fairly satisfied": 3,
           "Very satisfied": 4}  # fmt: skip

    def recode() -> pd.DataFrame:
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
        return model

    model = clock("recode", recode)

    def models() -> float:
        est = 0.0
        for outcome in ("individual_coproduction", "collective_coproduction"):
            res = smf.ols(
                f"{outcome} ~ efficacy + consultation_satisfaction + age + C(gender) + C(council)",
                data=model,
            ).fit(cov_type="HC3")
            est = est or float(res.params["efficacy"])
        return est

    est = clock("models", models)
    return {"steps": clock.steps, "import_mb": base, "check": {"efficacy_individual": est}}


# --------------------------------------------------------------------------- driver


def run_child(kind: str, path: Path) -> dict:
    """One job in a fresh interpreter; its JSON result (or an ``error``)."""
    cmd = [sys.executable, __file__, "--child", kind, str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}
    return json.loads(lines[-1])


def _median_steps(runs: list[dict], steps: tuple[str, ...]) -> dict[str, dict[str, float]]:
    out = {}
    for s in steps:
        out[s] = {
            "s": statistics.median(r["steps"][s]["s"] for r in runs),
            "peak_mb": max(r["steps"][s]["peak_mb"] for r in runs),
        }
    return out


def measure(fmt: str, n: int, repeats: int) -> dict:
    path = ensure_survey(fmt, n)
    product: list[dict] = []
    baseline: list[dict] = []
    for i in range(repeats):
        order = [("product", product), ("baseline", baseline)]
        if i % 2:
            order.reverse()
        for kind, bucket in order:
            print(f"  {fmt} {n:,}: {kind} run {i + 1}/{repeats} ...", flush=True)
            res = run_child(kind, path)
            if "error" in res:
                return {"fmt": fmt, "n": n, "error": f"{kind}: {res['error']}"}
            bucket.append(res)
    p = _median_steps(product, PRODUCT_STEPS)
    b = _median_steps(baseline, BASELINE_STEPS)
    return {
        "fmt": fmt,
        "n": n,
        "size_mb": path.stat().st_size / 1e6,
        "product": p,
        "baseline": b,
        "product_total": sum(v["s"] for v in p.values()),
        "baseline_total": sum(v["s"] for v in b.values()),
        "product_peak_mb": max(v["peak_mb"] for v in p.values()),
        "baseline_peak_mb": max(v["peak_mb"] for v in b.values()),
        "check": {"product": product[0]["check"], "baseline": baseline[0]["check"]},
        "progress_gap_s": max(r.get("progress_gap_s", 0.0) for r in product),
    }


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b > 0 else "–"


def table(rows: list[dict]) -> str:
    """The Markdown table: one row per case; seconds, then ratios product/plain."""
    head = (
        "| rows | format | read | suggest | prepare | models | brief | exports | **whole** "
        "| plain: read / recode / models = whole | ratio read | ratio prepare† | ratio models "
        "| **ratio whole** | peak MB (plain) |\n"
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['n']:,} | {r['fmt']} | failed: {r['error']} |" + " |" * 12)
            continue
        p, b = r["product"], r["baseline"]
        prep = p["suggest"]["s"] + p["prepare"]["s"]
        lines.append(
            f"| {r['n']:,} | {r['fmt']} | "
            + " | ".join(f"{p[s]['s']:.2f}" for s in PRODUCT_STEPS)
            + f" | **{r['product_total']:.2f}** | "
            + f"{b['read']['s']:.2f} / {b['recode']['s']:.2f} / {b['models']['s']:.2f} = "
            + f"{r['baseline_total']:.2f} | "
            + f"{_ratio(p['read']['s'], b['read']['s'])} | {_ratio(prep, b['recode']['s'])} | "
            + f"{_ratio(p['models']['s'], b['models']['s'])} | "
            + f"**{_ratio(r['product_total'], r['baseline_total'])}** | "
            + f"{r['product_peak_mb']:,.0f} ({r['baseline_peak_mb']:,.0f}) |"
        )
    return head + "\n".join(lines) + "\n"


def verdicts(rows: list[dict]) -> list[str]:
    out = []
    for r in rows:
        if "error" in r:
            continue
        key = (r["fmt"], r["n"])
        ratio = r["product_total"] / r["baseline_total"]
        if key in TARGETS:
            ok = ratio <= TARGETS[key]
            out.append(
                f"{'PASS' if ok else 'FAIL'}  whole analyse, {r['n']:,} rows {r['fmt']}: "
                f"ratio {ratio:.2f} (target <= {TARGETS[key]})"
            )
        if key in READ_TARGET:
            rr = r["product"]["read"]["s"] / r["baseline"]["read"]["s"]
            ok = rr <= READ_TARGET[key]
            out.append(
                f"{'PASS' if ok else 'FAIL'}  xlsx read, {r['n']:,} rows: {1 / rr:.1f}x "
                f"pandas.read_excel (target >= {1 / READ_TARGET[key]:.0f}x)"
            )
        if r["n"] >= 1_000_000 and "progress_gap_s" in r:
            gap = r["progress_gap_s"]
            out.append(
                f"{'PASS' if gap <= 2 else 'FAIL'}  progress during the read, {r['n']:,} rows "
                f"{r['fmt']}: longest gap {gap:.1f} s (target <= 2 s)"
            )
            ok = r["product_peak_mb"] < MEMORY_TARGET_MB
            out.append(
                f"{'PASS' if ok else 'FAIL'}  peak memory, {r['n']:,} rows {r['fmt']}: "
                f"{r['product_peak_mb']:,.0f} MB (target < {MEMORY_TARGET_MB:,} MB)"
            )
    return out


def write_readme(rows: list[dict], repeats: int, load: str) -> None:
    text = README.read_text(encoding="utf-8")
    body = (
        f"{BEGIN}\n"
        f"Generated by `benchmarks/bench_scale.py --readme` on {time.strftime('%Y-%m-%d')} "
        f"(median of {repeats} run(s) per job, each in a fresh process; load average at the "
        f"start {load}).\n\n"
        f"Machine: {machine_line()}.\n\n"
        "Seconds per step of the product, then the plain script's read / recode / models, "
        "then ratios (product ÷ plain; below 1 the product is faster). † prepare = suggest + "
        "prepare against the plain script's recode. Peak MB is the whole process (imports "
        "included), plus what a second analysis process (core/stats/lanes.py) holds of its "
        "own while the models run (sampled every 0.1 s). The machine is shared by several people, so **compare ratios within one "
        "run**, not seconds across runs.\n\n"
        + table(rows)
        + "\n"
        + "\n".join(f"    {v}" for v in verdicts(rows))
        + f"\n{END}"
    )
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + body + after
    else:
        text = text.rstrip() + "\n\n## Scale: every step from 5,000 to 1,048,576 rows\n\n"
        text += body + "\n"
    from coprod_gui.core.io.files import atomic_write_text

    atomic_write_text(README, text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--sizes", help="comma-separated row counts (default: all)")
    ap.add_argument("--formats", default="csv,xlsx,sav")
    ap.add_argument(
        "--cases",
        help="exact cases instead of sizes x formats, e.g. csv:5000,xlsx:50000,sav:1048576",
    )
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--readme", action="store_true", help="write the table into README.md")
    ap.add_argument("--json", type=Path, help="also save the raw results here")
    args = ap.parse_args(argv)
    if args.child:
        kind, path = args.child
        fn = child_product if kind == "product" else child_baseline
        print(json.dumps(fn(Path(path))), flush=True)
        return 0
    sizes = {int(s) for s in args.sizes.split(",")} if args.sizes else set(SIZES)
    formats = set(args.formats.split(","))
    cases = [(f, n) for f, n in CASES if f in formats and n in sizes]
    if args.cases:
        wanted = {(f, int(n)) for f, n in (c.split(":") for c in args.cases.split(","))}
        cases = [c for c in CASES if c in wanted]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = []
    for fmt, n in cases:
        rows.append(measure(fmt, n, args.repeats))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
    print()
    print(table(rows))
    for v in verdicts(rows):
        print(v)
    if args.readme:
        write_readme(rows, args.repeats, load)
        print(f"table written into {README.name}")
    return 0 if all("error" not in r for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
