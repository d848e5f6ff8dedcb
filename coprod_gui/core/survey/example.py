"""Where the bundled example survey lives.

Why: "Try the example survey", ``--demo``, the self-test and many tests all start from the
same shipped file, so its location is defined once, through ``resource_path`` (which also
works inside the frozen executable).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..io.paths import resource_path

EXAMPLE_FILE_NAMES: tuple[str, ...] = ("example_survey.xlsx",)


def example_survey_paths() -> list[Path]:
    """The example survey file(s); a plain-English error if the install lost them."""
    paths = [resource_path(name) for name in EXAMPLE_FILE_NAMES]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise InputError(
            f"The example survey ({', '.join(missing)}) is missing from this installation.",
            hint="Reinstall the Co-production Analyser, or open your own survey file instead.",
        )
    return paths
