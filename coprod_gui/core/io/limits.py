"""Will this file fit in this computer's memory? Checked before reading, not after a crash.

Why: a 294 KB ``.zsav`` can declare 25 million rows, and a national CSV can need more
memory than a council laptop has; reading first and failing later kills the window or
prints an internal error (issue 12). Each reader estimates what the whole analysis will
need from what the file declares (rows × columns) or from its size, and refuses with a
plain "too big for this computer: about X GB needed, Y GB free" when that is more than the
machine has free. A MemoryError that still happens becomes the same message.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from ..errors import InputError

BYTES_PER_CELL = 8 * 6
"""Memory per cell for the whole run: the read frame, the prepared survey (scores as
floats), and a design matrix of the same size twice over during a fit (measured: about
1.3 GB for 1,048,576 rows × 29 columns, i.e. 40-50 bytes a cell)."""

TEXT_FACTOR = 5
"""Memory per byte of a text file: the bytes, their decoded text, Arrow's columns and
the cells' codes (measured: 1.2 GB for a 235 MB CSV at 1,048,576 rows)."""

HEADROOM = 200 * 1024**2
"""Kept free for the program itself and the window."""


def available_bytes() -> int | None:
    """Memory this process can still use: the machine's available memory, or a container
    or job limit when that is smaller. ``None`` when it cannot be told (then no check)."""
    free: int | None = None
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemAvailable:"):
                    free = int(line.split()[1]) * 1024
        with contextlib.suppress(OSError, ValueError):
            limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
            used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
            if limit != "max":
                room = int(limit) - used
                free = room if free is None else min(free, room)
    elif sys.platform.startswith("win"):  # pragma: no cover - Windows only
        free = _windows_available()
    else:  # pragma: no cover - macOS and other Unixes
        with contextlib.suppress(AttributeError, ValueError, OSError):
            free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    with contextlib.suppress(ValueError, OSError, AttributeError):
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft not in (resource.RLIM_INFINITY, -1) and soft > 0:
            room = soft - _address_space_used()
            free = room if free is None else min(free, room)
    return free


def _address_space_used() -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _windows_available() -> int | None:  # pragma: no cover - Windows only
    import ctypes

    class Status(ctypes.Structure):
        _fields_ = [
            ("dwLength", ctypes.c_ulong),
            ("dwMemoryLoad", ctypes.c_ulong),
            ("ullTotalPhys", ctypes.c_ulonglong),
            ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong),
            ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong),
            ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = Status()
    status.dwLength = ctypes.sizeof(Status)
    try:
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return int(status.ullAvailPhys)
    except (AttributeError, OSError):
        return None
    return None


def _gb(n: float) -> str:
    gb = n / 1024**3
    return f"{gb:.1f} GB" if gb < 10 else f"{gb:,.0f} GB"


def too_big(name: str, needed: float | None, free: int | None) -> InputError:
    """The plain message for a file this computer cannot hold."""
    if needed is not None and free is not None:
        what = f"about {_gb(needed)} needed, {_gb(max(free, 0))} free"
    elif free is not None:
        what = f"it needs more memory than the {_gb(max(free, 0))} free"
    else:
        what = "it needs more memory than is free"
    return InputError(
        f"{name!r} is too big for this computer: {what}.",
        hint="Close other programs and try again, or analyse a smaller file: for example "
        "save only the columns you need, or one council or wave at a time.",
    )


def check_fits(name: str, needed: float) -> None:
    """Refuse before reading when ``needed`` bytes (plus headroom) are not free."""
    free = available_bytes()
    if free is not None and needed + HEADROOM > free:
        raise too_big(name, needed, free)


def check_cells(name: str, rows: int, columns: int) -> None:
    """For a file that declares its size (SPSS, Stata): rows × columns of cells."""
    if rows > 0 and columns > 0:
        check_fits(name, float(rows) * columns * BYTES_PER_CELL)


def check_text(name: str, path: Path) -> None:
    """For a text file: its size on disk, times what reading and analysing it costs."""
    with contextlib.suppress(OSError):
        check_fits(name, float(os.path.getsize(path)) * TEXT_FACTOR)
