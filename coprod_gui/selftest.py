"""``--self-test``: prove the whole program works on this computer, from source or frozen.

Runs, in order, each check printing one line ``PASS``/``FAIL`` plus what it checked:

1. the XML protections the spreadsheet readers rely on (``openpyxl.DEFUSEDXML`` and an
   expat of 2.6 or later: shared reliability.md test 7);
2. every file reader (SPSS, Excel, ODS, CSV) reads a small file back, and the bundled
   example survey is there;
3. the whole analysis (``run_pipeline``) on it;
4. the Word and Excel brief written to a temporary folder (``export_all``), reopened with
   python-docx and openpyxl: headings present, the percentages in the key messages equal
   the results, no formula cells;
5. the Qt binding keeps reference counts on signal emission (``ui.qt_binding``);
6. the window, built offscreen, analysing the example through the real worker
   (``smoke_test_window``).

The temporary folder is removed afterwards. Exit status 0 only if every check passed.
Output is plain ASCII so it prints on any Windows console code page. On Windows use
``coprod-analyser-cli.exe --self-test`` to see the report: the windowed executable has no
console (its output goes to the log in the user's data folder).

Start-up timing: with ``COPROD_STARTUP_PROBE=1``, ``--self-test`` instead opens the real
window as a normal launch would, prints ``COPROD_WINDOW_SHOWN <epoch seconds>`` on the
first event-loop tick after it is shown, and quits. ``scripts/build_exe.py --startup``
turns that into launch -> window times.

Only the standard library is imported at module level: importing this module is instant.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("coprod_gui.selftest")

MIN_EXPAT = (2, 6, 0)
WINDOW_TIMEOUT_S = 180


class CheckFailed(Exception):
    """A check found something wrong; the message says what, in plain words."""


@dataclass
class Outcome:
    name: str
    ok: bool
    detail: str
    seconds: float
    warned: bool = False


@dataclass
class _State:
    """What earlier checks hand to later ones."""

    tmp: Path
    paths: list[Path] | None = None
    result: Any = None
    files: dict[str, Path] | None = None


def _say(line: str) -> None:
    print(line.encode("ascii", "replace").decode("ascii"), flush=True)


# --------------------------------------------------------------------------- checks


def check_defusedxml(state: _State) -> str:
    import openpyxl

    if not getattr(openpyxl, "DEFUSEDXML", False):
        raise CheckFailed("openpyxl.DEFUSEDXML is False: spreadsheets would be parsed unprotected")
    try:
        from .core.io.safety import xml_protection_ok
    except ImportError:
        pass
    else:
        if not xml_protection_ok():
            raise CheckFailed("core.io.safety.xml_protection_ok() says the protection is off")
    return "openpyxl parses sheets through defusedxml"


class CheckWarned(Exception):
    """A known, explicitly accepted shortfall: printed as WARN, not counted as a failure."""


ALLOW_OLD_EXPAT = "COPROD_SELFTEST_ALLOW_OLD_EXPAT"


def check_expat(state: _State) -> str:
    import pyexpat

    version = tuple(pyexpat.version_info)
    text = ".".join(map(str, version))
    if version < MIN_EXPAT:
        message = (
            f"expat {text} is older than 2.6.0 (known XML denial-of-service bugs); "
            f"build with Python 3.11.9 or newer"
        )
        if os.environ.get(ALLOW_OLD_EXPAT) == "1":
            raise CheckWarned(f"{message} - accepted because {ALLOW_OLD_EXPAT}=1")
        raise CheckFailed(message)
    return f"expat {text} >= 2.6.0"


def check_readers(state: _State) -> str:
    """Each file reader's compiled parts load and read a small file back (frozen builds
    can miss a reader's hidden modules or libraries)."""
    import pandas as pd
    import pyreadstat

    from .core.io.reading import read_survey

    frame = pd.DataFrame({"q1": [1.0, 2.0, 3.0], "area": ["North", "South", "East"]})
    folder = state.tmp / "readers"
    folder.mkdir()
    sav = folder / "check.sav"
    pyreadstat.write_sav(
        frame, str(sav), variable_value_labels={"q1": {1.0: "Never", 3.0: "Often"}}
    )
    xlsx = folder / "check.xlsx"
    frame.to_excel(xlsx, index=False, engine="openpyxl")
    ods = folder / "check.ods"
    frame.to_excel(ods, index=False, engine="odf")
    csv = folder / "check.csv"
    frame.to_csv(csv, index=False)
    read = []
    for path in (sav, xlsx, ods, csv):
        table = read_survey(path)
        if len(table.frame) != 3 or "q1" not in table.frame.columns:
            raise CheckFailed(f"reading {path.suffix} gave {table.frame.shape} instead of 3 rows")
        read.append(path.suffix.lstrip("."))
    return "file readers work: " + ", ".join(read)


def check_example(state: _State) -> str:
    from .core.survey.example import example_survey_paths

    paths = [Path(p) for p in example_survey_paths()]
    missing = [p.name for p in paths if not p.is_file()]
    if not paths or missing:
        raise CheckFailed(f"example survey missing: {missing or 'no files'}")
    state.paths = paths
    return "example survey bundled: " + ", ".join(p.name for p in paths)


def check_pipeline(state: _State) -> str:
    if not state.paths:
        raise CheckFailed("skipped: no example survey")
    from .core.pipeline import run_pipeline

    out = run_pipeline(state.paths, progress=lambda *_a, **_k: None, is_cancelled=lambda: False)
    result = out.result
    if result is None or not getattr(result, "n_respondents", 0):
        raise CheckFailed("the analysis returned no respondents")
    shares = []
    for form in ("individual", "collective"):
        level = result.levels.get(form)
        pct = getattr(level, "percent", None)
        if pct is None or not 0 <= pct <= 100:
            raise CheckFailed(f"no valid {form} co-production level ({pct!r})")
        shares.append(f"{form} {pct:.0f}%")
    fitted = [f for f, m in result.models.items() if getattr(m, "ok", False)]
    if not fitted:
        raise CheckFailed("no model could be fitted on the example survey")
    state.result = result
    return (
        f"example analysed: {result.n_respondents} respondents, {', '.join(shares)}, "
        f"models fitted: {', '.join(sorted(fitted))}"
    )


def check_export(state: _State) -> str:
    if state.result is None:
        raise CheckFailed("skipped: no analysis result")
    from .report.export import export_all

    out_dir = state.tmp / "brief"
    out_dir.mkdir()
    files = {k: Path(v) for k, v in export_all(state.result, out_dir).items()}
    by_suffix = {p.suffix.lower(): p for p in files.values()}
    for suffix in (".docx", ".xlsx"):
        path = by_suffix.get(suffix)
        if path is None or not path.is_file() or path.stat().st_size == 0:
            raise CheckFailed(f"export_all wrote no {suffix} file")
    state.files = {"docx": by_suffix[".docx"], "xlsx": by_suffix[".xlsx"]}
    return "Word and Excel brief written: " + ", ".join(sorted(p.name for p in files.values()))


def _docx_blocks(path: Path) -> list[tuple[bool, str]]:
    """(is_heading, text) for every paragraph, and table cells as plain text."""
    import docx

    document = docx.Document(str(path))
    blocks: list[tuple[bool, str]] = []
    for para in document.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        is_heading = style.startswith("Heading") or style == "Title"
        blocks.append((is_heading, para.text))
    for table in document.tables:
        for row in table.rows:
            blocks.append((False, " | ".join(c.text for c in row.cells)))
    return blocks


def _percent_texts(value: float) -> set[str]:
    """How a brief may print a share: 42%, 42 per cent, 41.7%."""
    whole = f"{value:.0f}"
    one = f"{value:.1f}"
    return {f"{whole}%", f"{whole} per cent", f"{whole} percent", f"{one}%"}


def check_docx(state: _State) -> str:
    if not state.files:
        raise CheckFailed("skipped: no Word file")
    blocks = _docx_blocks(state.files["docx"])
    headings = [t.strip() for h, t in blocks if h and t.strip()]
    if len(headings) < 3:
        raise CheckFailed(f"the Word brief has {len(headings)} headings (expected 3 or more)")
    key_idx = [i for i, (h, t) in enumerate(blocks) if h and "key" in t.lower()]
    if not key_idx:
        raise CheckFailed(f"no 'Key messages' heading in the Word brief (headings: {headings[:6]})")
    section: list[str] = []
    for is_heading, text in blocks[key_idx[0] + 1 :]:
        if is_heading:
            break
        section.append(text)
    key_text = "\n".join(section)
    found = []
    for form in ("individual", "collective"):
        pct = state.result.levels[form].percent
        if not any(s in key_text for s in _percent_texts(pct)):
            raise CheckFailed(
                f"the key messages do not state the {form} level {pct:.0f}% from the results"
            )
        found.append(f"{form} {pct:.0f}%")
    return f"Word brief: {len(headings)} headings; key messages state {', '.join(found)}"


def check_xlsx(state: _State) -> str:
    if not state.files:
        raise CheckFailed("skipped: no Excel file")
    import openpyxl

    wb = openpyxl.load_workbook(state.files["xlsx"])
    try:
        cells = 0
        formulas = []
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                raise CheckFailed(f"hidden sheet {ws.title!r} in the Excel results")
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None:
                        continue
                    cells += 1
                    if cell.data_type == "f":
                        formulas.append(f"{ws.title}!{cell.coordinate}")
        if formulas:
            raise CheckFailed(f"formula cells in the Excel results: {formulas[:5]}")
        if cells == 0:
            raise CheckFailed("the Excel results are empty")
        return f"Excel results: {len(wb.worksheets)} sheets, {cells} cells, no formulas"
    finally:
        wb.close()


def check_qt_binding(state: _State) -> str:
    """The Qt binding counts references right: PySide6 6.12.0 on Python 3.11 lost one
    reference to ``True`` per signal emission, which aborts a long session."""
    from PySide6 import __version__ as pyside_version

    from .ui.qt_binding import emit_miscount

    lost = emit_miscount()
    if lost:
        raise CheckFailed(
            f"PySide6 {pyside_version} loses a reference on every signal emission "
            f"({lost} in 50); a long session would crash. Build with another PySide6 version"
        )
    return f"PySide6 {pyside_version}: signal emission keeps reference counts"


def check_window(state: _State) -> str:
    try:
        from .ui.main_window import smoke_test_window
    except ImportError as exc:
        raise CheckFailed(f"the window's smoke test is not available ({exc})") from exc
    problems = smoke_test_window(timeout_s=WINDOW_TIMEOUT_S)
    if problems:
        raise CheckFailed("; ".join(str(p) for p in problems))
    return "window opened offscreen and analysed the example through the worker"


CheckFn = Callable[["_State"], str]

CHECKS: list[tuple[str, CheckFn]] = [
    ("XML protection (defusedxml)", check_defusedxml),
    ("XML parser (expat)", check_expat),
    ("file readers", check_readers),
    ("example survey", check_example),
    ("analysis", check_pipeline),
    ("export", check_export),
    ("Word brief", check_docx),
    ("Excel results", check_xlsx),
    ("Qt binding", check_qt_binding),
    ("window", check_window),
]


# --------------------------------------------------------------------------- running


def _run_one(name: str, fn: CheckFn, state: _State) -> Outcome:
    start = time.perf_counter()
    warned = False
    try:
        detail = fn(state)
        ok = True
    except CheckWarned as exc:
        ok, warned, detail = True, True, str(exc)
    except CheckFailed as exc:
        ok, detail = False, str(exc)
    except Exception as exc:  # any crash is a failure of that check, never of the run
        ok, detail = False, f"{type(exc).__name__}: {exc}"
        log.error("self-test check %r crashed:\n%s", name, traceback.format_exc())
    return Outcome(name, ok, detail, time.perf_counter() - start, warned)


def run() -> int:
    """Run every check, print one line per check, return 0 if all passed, else 1."""
    if os.environ.get("COPROD_STARTUP_PROBE"):
        # a normal launch: the real screen when there is one (else offscreen)
        if not has_display():
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return startup_probe()
    # The self-test never needs a screen (CI, a server, a locked-down PC): unless the
    # caller chose a Qt platform, the window is built offscreen.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from . import APP_NAME, __version__

    frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
    _say(
        f"{APP_NAME} {__version__} self-test ({frozen}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()})"
    )
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="coprod-selftest-"))
    outcomes: list[Outcome] = []
    try:
        state = _State(tmp=tmp)
        for name, fn in CHECKS:
            outcome = _run_one(name, fn, state)
            outcomes.append(outcome)
            mark = "FAIL" if not outcome.ok else "WARN" if outcome.warned else "PASS"
            _say(f"{mark}  {outcome.detail}  [{outcome.seconds:.1f} s]")
            log.info("self-test %s %s: %s", mark, name, outcome.detail)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [o for o in outcomes if not o.ok]
    total = time.perf_counter() - started
    if failed:
        _say(
            f"Self-test FAILED: {len(failed)} of {len(outcomes)} checks failed "
            f"({', '.join(o.name for o in failed)}) in {total:.1f} s."
        )
        return 1
    warned = [o.name for o in outcomes if o.warned]
    note = f" ({len(warned)} accepted with a warning: {', '.join(warned)})" if warned else ""
    _say(f"Self-test passed: all {len(outcomes)} checks in {total:.1f} s{note}.")
    return 0


def has_display() -> bool:
    """Windows and macOS always have a screen session; on Linux, X11 or Wayland must be set."""
    if sys.platform.startswith("win") or sys.platform == "darwin":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def startup_probe() -> int:
    """Open the window as a normal launch does; print when it is first shown, then quit."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from .ui import main_window

    original_init = main_window.MainWindow.__init__
    fired: list[float] = []

    class _ShowWatcher(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Show and not fired:
                fired.append(time.time())

                def report() -> None:
                    _say(f"COPROD_WINDOW_SHOWN {time.time():.4f}")
                    QApplication.instance().quit()

                QTimer.singleShot(0, report)
            return False

    def patched_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self._coprod_probe = _ShowWatcher(self)
        self.installEventFilter(self._coprod_probe)

    main_window.MainWindow.__init__ = patched_init
    try:
        return main_window.run_gui(demo=False, files=[])
    finally:
        main_window.MainWindow.__init__ = original_init
