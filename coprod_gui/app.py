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
from .core.paths import is_frozen, user_data_dir
from .core.paths import resource_path as resource_path  # re-exported for callers

log = logging.getLogger("coprod_gui")

USAGE = f"""{APP_NAME} {__version__}

usage:
  main.py                                   open the window
  main.py --demo                            open the window with the example survey
  main.py analyse FILE [FILE ...] [--mapping M.json] [--out DIR]
  main.py analyse --demo [--out DIR]        analyse the bundled example survey
  main.py --self-test                       check the whole program works; exit 0 if so
  main.py --version
"""


def _frozen_fixes() -> None:
    """Windowed builds have no stdout/stderr and a read-only install folder."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if is_frozen() and "MPLCONFIGDIR" not in os.environ:
        mpl_dir = user_data_dir() / "matplotlib"
        mpl_dir.mkdir(parents=True, exist_ok=True)
        os.environ["MPLCONFIGDIR"] = str(mpl_dir)


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Log to a rotating file in the user's data folder.

    Log records name steps, files and columns, never survey cell values (see
    reliability.md §4.5); tracebacks carry no local variables.
    """
    root = logging.getLogger("coprod_gui")
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return None
    root.setLevel(level)
    try:
        folder = Path(os.environ.get("COPROD_LOG_DIR") or user_data_dir() / "logs")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "coprod-analyser.log"
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return path


def main(argv: list[str] | None = None) -> int:
    """Dispatch on the command line; returns the process exit status."""
    multiprocessing.freeze_support()
    _frozen_fixes()
    args = list(sys.argv[1:] if argv is None else argv)
    setup_logging()

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
