"""Helpers shared by the benchmark scripts (import, whole pipeline, GUI responsiveness).

Why shared: every benchmark compares the product with a plain pandas/statsmodels baseline
timed in the same run on the same machine, on the same realistic survey file. Keeping the
timing, memory and data helpers in one place keeps those comparisons honest and alike.

Targets are ratios (product time / baseline time), never absolute seconds: machines differ,
ratios measured side by side do not (much).

Use from a script in benchmarks/:

    from common import ensure_survey_xlsx, median_time, print_ratio

or, from the project root, ``from benchmarks.common import ...``.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = Path(__file__).resolve().parent / "data"
"""Cache of generated benchmark files (git-ignored)."""

BENCH_SEED = 20240602
"""Seed of the benchmark surveys: not the example's seed, so they are different people."""


def median_time(fn: Callable[[], object], repeat: int = 3, *, warmup: int = 0) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeat`` runs (after ``warmup`` runs).

    The median, not the mean or minimum: one run disturbed by the OS should not decide.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    for _ in range(warmup):
        fn()
    return statistics.median(_timed(fn) for _ in range(repeat))


def interleaved_medians(
    jobs: dict[str, Callable[[], object]], repeat: int = 3, *, seed: int = 1
) -> dict[str, float]:
    """Median seconds of each job, running the jobs in a shuffled order each round.

    Interleaving spreads slow periods (other processes, thermal throttling, a cold disk
    cache) over product and baseline alike, instead of penalising whichever ran second.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    times: dict[str, list[float]] = {name: [] for name in jobs}
    order = random.Random(seed)
    names = list(jobs)
    for _ in range(repeat):
        order.shuffle(names)
        for name in names:
            times[name].append(_timed(jobs[name]))
    return {name: statistics.median(ts) for name, ts in times.items()}


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (NaN if it cannot be read).

    Measure memory in a fresh process per case: the peak never goes down.
    """
    if sys.platform.startswith("win"):
        return _peak_rss_windows_mb()
    try:
        import resource
    except ImportError:  # pragma: no cover - exotic platforms
        return math.nan
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB; macOS reports bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _peak_rss_windows_mb() -> float:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [
            ("cb", wintypes.DWORD),
            ("PageFaultCount", wintypes.DWORD),
            ("PeakWorkingSetSize", ctypes.c_size_t),
            ("WorkingSetSize", ctypes.c_size_t),
            ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
            ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
            ("PagefileUsage", ctypes.c_size_t),
            ("PeakPagefileUsage", ctypes.c_size_t),
        ]

    counters = Counters()
    counters.cb = ctypes.sizeof(Counters)
    try:
        handle = ctypes.windll.kernel32.GetCurrentProcess()
        ok = ctypes.windll.psapi.GetProcessMemoryInfo(handle, ctypes.byref(counters), counters.cb)
    except (AttributeError, OSError):
        return math.nan
    return counters.PeakWorkingSetSize / (1024 * 1024) if ok else math.nan


def _generator_tag() -> str:
    """Short hash of the generator's source: a changed generator invalidates the cache."""
    from coprod_gui.core.survey import synthetic

    return hashlib.sha256(Path(synthetic.__file__).read_bytes()).hexdigest()[:8]


def _cached(stem: str, suffix: str, write: Callable[[Path], None]) -> Path:
    path = DATA / f"{stem}-{_generator_tag()}{suffix}"
    if path.is_file():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    for stale in DATA.glob(f"{stem}-*{suffix}"):  # built by an older generator
        stale.unlink(missing_ok=True)
    print(f"building {path.name} (once; cached in benchmarks/data/) ...", flush=True)
    start = time.perf_counter()
    write(path)
    print(f"  built in {time.perf_counter() - start:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")
    return path


def ensure_survey_xlsx(n_rows: int = 50_000, seed: int = BENCH_SEED) -> Path:
    """A survey of ``n_rows`` respondents in the agency xlsx layout, built once and cached.

    Same generator, columns and layout as the bundled example (title rows, 'About' sheet),
    so a benchmark measures what an officer's real file would cost.
    """
    from coprod_gui.core.survey.synthetic import generate_survey, write_agency_xlsx

    def write(path: Path) -> None:
        write_agency_xlsx(generate_survey(n_rows, seed), path)

    return _cached(f"survey_{n_rows}_{seed}", ".xlsx", write)


def ensure_survey_csv(
    n_rows: int = 50_000, seed: int = BENCH_SEED, encoding: str = "utf-8-sig"
) -> Path:
    """The same survey as a CSV export (header on the first row, UTF-8 with BOM by default,
    as Excel saves it), built once and cached."""
    from coprod_gui.core.io.files import atomic_write_bytes
    from coprod_gui.core.survey.synthetic import generate_survey

    def write(path: Path) -> None:
        text = generate_survey(n_rows, seed).to_csv(index=False, lineterminator="\r\n")
        atomic_write_bytes(path, text.encode(encoding))

    tag = encoding.replace("-", "")
    return _cached(f"survey_{n_rows}_{seed}_{tag}", ".csv", write)


SAV_WEIGHT = "weight"
"""Variable name of the survey weight in the benchmark .sav (labels carry the questions)."""


def ensure_survey_sav(n_rows: int = 50_000, seed: int = BENCH_SEED) -> Path:
    """The same survey as an SPSS .sav, as agencies deliver it: short variable names
    (``v01``…) with the question text as variable label, and every text answer stored as
    a numeric code with a value label. Built once and cached."""
    import pandas as pd
    import pyreadstat

    from coprod_gui.core.survey.synthetic import generate_survey

    def write(path: Path) -> None:
        df = generate_survey(n_rows, seed)
        out: dict[str, object] = {}
        labels: list[str] = []
        value_labels: dict[str, dict[float, str]] = {}
        for i, col in enumerate(df.columns, start=1):
            name = SAV_WEIGHT if col == "Weight" else f"v{i:02d}"
            s = df[col]
            if col == "Respondent ID" or pd.api.types.is_numeric_dtype(s):
                out[name] = s
            else:
                cats = sorted(s.dropna().unique())
                codes = s.map({c: float(k) for k, c in enumerate(cats, start=1)})
                out[name] = codes.astype(float)
                value_labels[name] = {float(k): c for k, c in enumerate(cats, start=1)}
            labels.append(str(col))
        tmp = path.with_name(path.name + ".tmp")
        pyreadstat.write_sav(
            pd.DataFrame(out), str(tmp), column_labels=labels, variable_value_labels=value_labels
        )
        tmp.replace(path)

    return _cached(f"survey_{n_rows}_{seed}", ".sav", write)


def ensure_survey(fmt: str, n_rows: int, seed: int = BENCH_SEED) -> Path:
    """The benchmark survey of ``n_rows`` in ``fmt`` ("csv", "xlsx" or "sav")."""
    builders = {"csv": ensure_survey_csv, "xlsx": ensure_survey_xlsx, "sav": ensure_survey_sav}
    return builders[fmt](n_rows, seed)


def machine_line() -> str:
    """CPU, cores, memory and the versions that decide the timings, for the README table."""
    import os
    import platform
    from importlib import metadata

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(Exception):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(Exception):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024**2:.0f} GiB RAM"
    versions = []
    for pkg in (
        "pandas", "numpy", "scipy", "statsmodels", "pyarrow", "fastexcel", "python-calamine",
        "pyreadstat", "openpyxl",
    ):  # fmt: skip
        with contextlib.suppress(Exception):
            versions.append(f"{pkg} {metadata.version(pkg)}")
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; " + ", ".join(versions)
    )


def ratio_line(name: str, product_s: float, baseline_s: float, target: float) -> tuple[str, bool]:
    """The line :func:`print_ratio` prints, and whether the target was met."""
    if product_s <= 0 or baseline_s <= 0:
        raise ValueError("times must be positive")
    ratio = product_s / baseline_s
    speed = (
        f"{baseline_s / product_s:.1f}x faster than" if ratio < 1 else f"{ratio:.1f}x the time of"
    )
    ok = ratio <= target
    line = (
        f"{'PASS' if ok else 'FAIL'}  {name}: product {product_s:.3f} s, "
        f"baseline {baseline_s:.3f} s -> ratio {ratio:.2f} ({speed} the baseline); "
        f"target ratio <= {target:g}"
    )
    return line, ok


def print_ratio(name: str, product_s: float, baseline_s: float, target: float) -> bool:
    """Print one clear PASS/FAIL line; return True if met.

    ``target`` is the largest acceptable product/baseline time ratio: 0.2 means "at least
    5x faster than the baseline", 1.5 means "at most 50% slower than the baseline".
    """
    line, ok = ratio_line(name, product_s, baseline_s, target)
    print(line, flush=True)
    return ok
