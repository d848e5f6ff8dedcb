"""Domain exceptions.

Every problem a user can fix (a bad file, a mapping naming a missing column, too few
answers to fit a model) is raised as :class:`InputError` with a plain-English message
that says what is wrong and what to do. The window shows ``str(error)`` as it is; the
command line prints it and exits with status 2. Anything else is a bug (status 1).

Messages must never contain survey cell values (they may reach logs).
"""

from __future__ import annotations


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
