"""How much memory the computer has free, and the plain message for running out of it.

Why here: the command line, the window's worker and the reading checks all need the same
"too big for this computer: about X GB needed, Y GB free" message (issue 12, item 7), and
the same stdlib-only way to ask the system (no extra dependency in the frozen build).
"""

from __future__ import annotations

import contextlib
import os
import sys

from .errors import InputError

GB = 1024**3


def available_bytes() -> int | None:
    """Memory the system can give this process now (MemAvailable on Linux), or None."""
    if sys.platform.startswith("linux"):
        with (
            contextlib.suppress(OSError, ValueError),
            open("/proc/meminfo", encoding="ascii") as fh,
        ):
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
        return None
    if os.name == "nt":  # pragma: no cover - Windows only
        import ctypes

        class _Status(ctypes.Structure):
            _fields_ = [
                ("dwLength", ctypes.c_ulong),
                ("dwMemoryLoad", ctypes.c_ulong),
                ("ullTotalPhys", ctypes.c_ulonglong),
                ("ullAvailPhys", ctypes.c_ulonglong),
                ("ullTotalPageFile", ctypes.c_ulonglong),
                ("ullAvailPageFile", ctypes.c_ulonglong),
                ("ullTotalVirtual", ctypes.c_ulonglong),
                ("ullAvailVirtual", ctypes.c_ulonglong),
                ("sullAvailExtendedVirtual", ctypes.c_ulonglong),
            ]

        status = _Status()
        status.dwLength = ctypes.sizeof(_Status)
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return int(status.ullAvailPhys)
        return None
    with contextlib.suppress(AttributeError, ValueError, OSError):  # macOS and other Unixes
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return None


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
