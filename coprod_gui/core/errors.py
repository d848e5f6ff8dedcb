"""Domain exceptions.

Every problem a user can fix (a bad file, a mapping naming a missing column, too few
answers to fit a model) is raised as :class:`InputError` with a plain-English message
that says what is wrong and what to do. The window shows ``str(error)`` as it is; the
command line prints it and exits with status 2. Anything else is a bug (status 1).

Messages must never contain survey cell values (they may reach logs).
"""

from __future__ import annotations

import errno
import os
from typing import NoReturn


class CoprodError(Exception):
    """Base class for errors the product expects and explains."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message} {hint}")


class InputError(CoprodError):
    """The input (file, mapping, options) is unusable; the user can fix it."""


class AnalysisError(CoprodError):
    """A model could not be fitted for a reason we can explain in plain words."""


class Cancelled(CoprodError):
    """The user cancelled a running job. Not an error to show, just a stop."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


def os_error(exc: OSError, path: str | os.PathLike[str] | None = None) -> InputError:
    """An :class:`OSError` (a name too long, no permission, a full disk) in plain words.

    Only the last part of the path is named, so a message never shows a user's folders.
    """
    name = exc.filename if exc.filename is not None else path
    short = os.path.basename(os.fsdecode(name).rstrip("/\\")) if name is not None else ""
    if exc.errno == errno.ENAMETOOLONG or getattr(exc, "winerror", None) == 206:
        shown = short if len(short) <= 40 else short[:40] + "…"
        return InputError(
            f"A file or folder name is too long for this computer: {shown!r} "
            f"({len(short)} characters).",
            hint="Rename it (or choose an output folder) with a shorter name and try again.",
        )
    reason = exc.strerror or "the computer refused"
    what = f"{short!r}" if short else "a file"
    return InputError(
        f"Could not read or write {what}: {reason}.",
        hint="Check that it exists, that you may read it (or write to the folder), "
        "and that the disk has free space.",
    )


def raise_os_error(exc: OSError, path: str | os.PathLike[str] | None = None) -> NoReturn:
    """Raise :func:`os_error` of ``exc`` (chained)."""
    raise os_error(exc, path) from exc
