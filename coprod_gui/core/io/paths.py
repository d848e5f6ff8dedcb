"""Where the program's own files live: bundled resources and the per-user data folder.

Why here and not in ``app.py``: the core needs the example survey's location, and the
core may not import the start-up module (which reaches the window). One definition serves
the window, the command line, the self-test and the frozen executable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def is_frozen() -> bool:
    """True inside the PyInstaller executable."""
    return bool(getattr(sys, "frozen", False))


def user_data_dir() -> Path:
    """Per-user folder for logs and settings; never beside the executable."""
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "CoprodAnalyser"


def resource_path(*parts: str) -> Path:
    """A file under ``resources/``, both from source and inside the frozen bundle."""
    root = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[3]))
    return root.joinpath("resources", *parts)
