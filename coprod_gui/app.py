"""Start-up: frozen-app fixes, logging, and dispatch to the window, CLI or self-test.

Heavy imports (pandas, statsmodels, matplotlib, Qt) happen only in the branch that needs
them, so ``--help`` is instant and the window can show before statsmodels is loaded.

    python main.py                       the window
    python main.py --demo                the window with the example survey analysed
    python main.py analyse FILE... [--mapping M.json] [--out DIR]
    python main.py analyse --demo --out DIR
    python main.py --self-test           whole pipeline + window offscreen; exit 0 if all well
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import os
import sys
from pathlib import Path

from . import APP_NAME, __version__
from .core.io.paths import is_frozen, user_data_dir
from .core.logs import SafeFormatter, route_warnings_to_log
from .core.runtime import limit_blas_threads

log = logging.getLogger("coprod_gui")

USAGE = f"""{APP_NAME} {__version__}

usage:
  main.py                                   open the window
  main.py --demo                            open the window with the example survey
  main.py analyse FILE [FILE ...] [--mapping M.json] [--out DIR]
                 [--sheet NAME] [--header-row N] [--robustness]
  main.py analyse --demo [--out DIR]        analyse the bundled example survey
  main.py --self-test                       check the whole program works; exit 0 if so
  main.py --version
"""


def _frozen_fixes() -> None:
    """Windowed builds have no stdout/stderr and a read-only install folder.

    Nothing is ever written beside the executable: the log, crash traces and matplotlib's
    font cache all go to the per-user data folder (``core.io.paths.user_data_dir``).
    """
    no_stderr = sys.stderr is None
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if no_stderr:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        _crash_trace_to_file()
    if is_frozen():
        # PyInstaller's matplotlib run-time hook points MPLCONFIGDIR at a new temporary
        # folder on every start, so the font cache would be rebuilt each time (+0.5 s on
        # the first chart): keep it in the user's data folder instead.
        try:
            mpl_dir = user_data_dir() / "matplotlib"
            mpl_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # matplotlib falls back to a temporary folder by itself
        os.environ["MPLCONFIGDIR"] = str(mpl_dir)


def _crash_trace_to_file() -> None:
    """Without a console, a hard crash (e.g. in a compiled reader) would leave no trace:
    send faulthandler's output (file, line and function names only) to the log folder."""
    import faulthandler

    try:
        folder = _log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        trace = open(folder / "crash-trace.log", "a", encoding="utf-8")  # noqa: SIM115
    except OSError:
        return
    faulthandler.enable(file=trace)


def _log_dir() -> Path:
    return Path(os.environ.get("COPROD_LOG_DIR") or user_data_dir() / "logs")


def _log_uncaught(exc_type: type[BaseException], exc: BaseException, tb: object) -> None:
    """Uncaught errors go to the log as type and stack only: the message of a pandas or
    reader error can quote a survey cell, which the log must never hold."""
    import traceback

    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)  # type: ignore[arg-type]
        return
    stack = "".join(traceback.format_tb(tb))  # type: ignore[arg-type]
    log.critical("uncaught %s.%s\n%s", exc_type.__module__, exc_type.__qualname__, stack)
    if sys.stderr is not None:
        sys.__excepthook__(exc_type, exc, tb)  # type: ignore[arg-type]


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Log to a rotating file in the user's data folder.

    Log records name steps, files and columns, never survey cell values (see
    reliability.md §4.5); tracebacks carry no local variables; control characters in the
    names a record quotes are escaped (:class:`~.core.logs.SafeFormatter`), so a file
    name cannot write a forged line.
    """
    root = logging.getLogger("coprod_gui")
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return None
    root.setLevel(level)
    try:
        folder = _log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "coprod-analyser.log"
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return path


def main(argv: list[str] | None = None) -> int:
    """Dispatch on the command line; returns the process exit status."""
    multiprocessing.freeze_support()
    limit_blas_threads()  # before anything imports numpy (self-test, window, CLI alike)
    _frozen_fixes()
    args = list(sys.argv[1:] if argv is None else argv)
    setup_logging()
    route_warnings_to_log()  # warnings are logged (kind and place), never console noise
    if sys.excepthook is sys.__excepthook__:  # leave a test runner's or debugger's hook alone
        sys.excepthook = _log_uncaught

    if args[:1] == ["analyse"] or args[:1] == ["analyze"]:
        from .cli import main as cli_main

        return cli_main(args[1:])
    if "--help" in args or "-h" in args:
        print(USAGE)
        return 0
    if "--version" in args:
        print(f"{APP_NAME} {__version__}")
        return 0
    if "--self-test" in args:
        from .selftest import run as run_self_test

        return run_self_test()
    unknown = [a for a in args if a.startswith("-") and a not in ("--demo",)]
    if unknown:
        print(f"Unknown option {unknown[0]}.\n\n{USAGE}", file=sys.stderr)
        return 2
    from .ui.main_window import run_gui

    files = [Path(a) for a in args if not a.startswith("-")]
    return run_gui(demo="--demo" in args, files=files)
