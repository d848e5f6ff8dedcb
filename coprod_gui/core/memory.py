"""How much memory the computer has free, and the plain message for running out of it.

Why here: the command line, the window's worker and the reading checks all need the same
"too big for this computer: about X GB needed, Y GB free" message (issue 12, item 7), and
the same stdlib-only way to ask the system (no extra dependency in the frozen build).
"""

from __future__ import annotations

from .errors import InputError

GB = 1024**3


def available_bytes() -> int | None:
    """Memory this process can still use, or None: the one probe in ``io.limits``
    (available memory, container and address-space limits; Linux, Windows), looked up at
    call time so a test that narrows it there narrows it here too."""
    from .io import limits

    return limits.available_bytes()


def needed_bytes(exc: BaseException) -> int | None:
    """The size of the allocation that failed, when numpy says (its MemoryError does)."""
    size = getattr(exc, "_total_size", None)
    return int(size) if isinstance(size, int) else None


def gigabytes(n: float) -> str:
    return f"{n / GB:,.1f} GB"


def too_big_error(needed: int | None = None) -> InputError:
    """The plain error for a job that does not fit in this computer's memory."""
    free = available_bytes()
    parts = []
    if needed is not None:
        parts.append(f"about {gigabytes(needed)} needed")
    if free is not None:
        parts.append(f"{gigabytes(free)} free")
    detail = ", ".join(parts) if parts else "it ran out of memory"
    return InputError(
        f"The survey is too big for this computer: {detail}.",
        hint="Close other programs and try again, or analyse fewer rows or columns "
        "(for example one council's file at a time), or use a computer with more memory.",
    )


def memory_error(exc: MemoryError) -> InputError:
    """A :class:`MemoryError` from anywhere, as the plain "too big" error."""
    return too_big_error(needed_bytes(exc))
