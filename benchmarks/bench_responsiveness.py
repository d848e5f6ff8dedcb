"""GUI responsiveness: the worst stall of the GUI thread while a big survey is analysed.

Why: DESIGN.md §8 promises that the window never freezes; an officer with a 50,000-row file
must be able to move, resize and cancel while it is read and analysed. This script opens
the real window offscreen, starts a ``QTimer`` ticking every 10 ms on the GUI thread, runs
the window's own read job and analysis job on a 50,000-row agency workbook (built once and
cached in ``benchmarks/data/``), and records the largest gap between ticks. The target is
under 50 ms (issue 12). Not a pass/fail test in CI: the machine is noisy; the figure is reported.

Python's GIL means a worker thread can still stall the GUI when it runs long pure-Python
stretches; the per-step report below shows which step the worst gaps fall in.

    .venv/bin/python benchmarks/bench_responsiveness.py [--rows 50000] [--switch-ms 5]

``--switch-ms`` sets ``sys.setswitchinterval`` (Python's default is 5 ms) to show how the
GIL hand-over interval affects the worst gap.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

from common import ensure_survey_xlsx

TARGET_MS = 50.0  # issue 12 (was 100 ms before the helper process)
TICK_MS = 10


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--switch-ms", type=float, default=None)
    parser.add_argument(
        "--run-at-once",
        action="store_true",
        help="start the analysis in the same moment the survey is shown (as --demo does)",
    )
    parser.add_argument("--pause-s", type=float, default=1.0, help="pause before Run analysis")
    parser.add_argument(
        "--all-cores", action="store_true", help="let BLAS use every core (no run_gui cap)"
    )
    parser.add_argument(
        "--no-warm-up", action="store_true", help="skip the launch warm-up (imports + gc.freeze)"
    )
    parser.add_argument(
        "--idle-s",
        type=float,
        default=10.0,
        help="seconds of ticking with no job first: the machine's own noise, for comparison",
    )
    args = parser.parse_args(argv)

    from coprod_gui.core.runtime import limit_blas_threads

    if not args.all_cores:
        limit_blas_threads()  # as run_gui does, before numpy is imported
    path = ensure_survey_xlsx(args.rows)
    if args.switch_ms is not None:
        sys.setswitchinterval(args.switch_ms / 1000)
    os.environ["COPROD_SETTINGS_FILE"] = str(Path(tempfile.mkdtemp()) / "bench.ini")

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from coprod_gui.ui import dialogs
    from coprod_gui.ui.main_window import MainWindow
    from coprod_gui.ui.worker import warm_up_imports

    app = QApplication.instance() or QApplication([])
    shown: list[str] = []
    dialogs.show_message = lambda _p, _i, title, text, detail="": shown.append(f"{title}: {text}")
    # The officer confirms the guesses and, at the end, discards the scratch work (as the
    # self-test does): either question, unanswered, would wait for ever offscreen.
    dialogs.ask_confirm = lambda *_a, **_k: "confirm"
    dialogs.ask_save_changes = lambda *_a, **_k: "discard"
    window = MainWindow()
    window.show()
    app.processEvents()
    if not args.no_warm_up:
        warm_up_imports()  # as run_gui does in the background at launch

    clock = QElapsedTimer()
    clock.start()
    ticks: list[float] = []
    step = {"name": "idle"}
    gaps: list[tuple[float, str]] = []

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        if ticks:
            gaps.append((now - ticks[-1], step["name"]))
        ticks.append(now)

    # Long garbage collections hold the GIL: record them, to tell them from long C calls.
    import gc

    collections: list[tuple[float, int, str]] = []
    gc_start: dict[str, float] = {}

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_start["t"] = time.perf_counter()
        elif "t" in gc_start:
            ms = (time.perf_counter() - gc_start["t"]) * 1000
            if ms > 20:
                collections.append((ms, info["generation"], step["name"]))

    gc.callbacks.append(on_gc)

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)

    def on_progress(_fraction: float, message: str) -> None:
        step["name"] = message.split(" (")[0][:60]

    window.runner.progress.connect(on_progress)
    phases: dict[str, float] = {}
    start = time.perf_counter()

    def run() -> None:
        nonlocal start
        start = time.perf_counter() - phases["read"]  # the pause is not job time
        step["name"] = "starting the analysis"
        window.run_analysis()

    def loaded(_l: object) -> None:
        phases["read"] = time.perf_counter() - start
        if args.run_at_once:
            run()
        else:  # the officer looks at the matched questions, then clicks Run analysis
            step["name"] = "survey shown, before Run analysis"
            QTimer.singleShot(int(args.pause_s * 1000), run)

    def analysed(_a: object) -> None:
        phases["read + analysis"] = time.perf_counter() - start
        QTimer.singleShot(300, app.quit)  # keep ticking while the results are shown

    def failed(message: str, hint: str) -> None:
        print(f"job failed: {message} {hint}")
        app.quit()

    window.survey_loaded.connect(loaded)
    window.analysis_done.connect(analysed)
    window.job_failed.connect(failed)

    def start_job() -> None:
        nonlocal start
        start = time.perf_counter()
        step["name"] = "starting to read"
        window.open_files([path])

    step["name"] = "idle (no job running)"
    timer.start()
    QTimer.singleShot(int(args.idle_s * 1000), start_job)
    QTimer.singleShot(15 * 60 * 1000, app.quit)
    app.exec()
    timer.stop()
    window.close()

    if not gaps or "read + analysis" not in phases:
        print(f"FAIL  the job did not finish ({shown or 'no message'})")
        return 1
    idle = [g for g, name in gaps if name.startswith("idle")]
    gaps = [(g, name) for g, name in gaps if not name.startswith("idle")]
    values = [g for g, _ in gaps]
    worst, worst_step = max(gaps)
    by_step: dict[str, float] = {}
    for gap, name in gaps:
        by_step[name] = max(by_step.get(name, 0.0), gap)
    print(f"survey: {path.name} ({args.rows:,} rows)")
    print(
        f"read {phases['read']:.1f} s; read + analysis {phases['read + analysis']:.1f} s; "
        f"switch interval {sys.getswitchinterval() * 1000:.1f} ms"
    )
    print(
        f"timer ticks: {len(values)}; median gap {statistics.median(values):.1f} ms; "
        f"99th percentile {sorted(values)[int(len(values) * 0.99) - 1]:.1f} ms"
    )
    if idle:
        print(
            f"machine noise, no job running ({args.idle_s:.0f} s): worst gap {max(idle):.1f} ms, "
            f"99th percentile {sorted(idle)[int(len(idle) * 0.99) - 1]:.1f} ms"
        )
    print("worst gap per step (ms):")
    for name, gap in sorted(by_step.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {gap:7.1f}  {name}")
    if collections:
        print("garbage collections over 20 ms (ms, generation, step):")
        for ms, generation, name in sorted(collections, reverse=True)[:5]:
            print(f"  {ms:7.1f}  gen {generation}  {name}")
    else:
        print("no garbage collection took over 20 ms")
    ok = worst < TARGET_MS
    print(
        f"{'PASS' if ok else 'FAIL'}  GUI responsiveness: worst gap between {TICK_MS} ms "
        f"ticks {worst:.1f} ms (during '{worst_step}'); target < {TARGET_MS:.0f} ms"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
