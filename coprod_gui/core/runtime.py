"""Process-wide settings every entry point applies before numpy is first imported.

Why one place: the command line, the window and the self-test all run the same models,
and they must all avoid the same measured slowdown (below).
"""

from __future__ import annotations

import os

BLAS_THREAD_VARIABLES: tuple[str, ...] = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)


def limit_blas_threads() -> None:
    """Use one maths-library (BLAS) thread unless the user chose otherwise.

    Measured on a 2-core machine: OpenBLAS starts a spinning thread per core; with other
    work running, a 50,000 x 40 cross-product took 1.2 s instead of 0.02 s, the whole
    analysis 13-22 s instead of 3-4 s, and the window's event loop stalled for 100-160 ms.
    Our matrices are tall and thin, so one thread loses little on an idle machine.
    Measured again for the command line, which has no window to protect: the million-row
    analysis took 18-20 s with one thread and 80-96 s with two (load 5-6 on 2 cores),
    so the command line keeps one too (tests/cli/test_cli_threads.py pins it).
    Only takes effect if called before numpy is imported; a variable already set is kept.
    """
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


def usable_cores() -> int:
    """Processor cores this process may run on (its CPU affinity where the system has
    one, else every core): what the CSV readers and the analysis's second process size
    themselves by, so a program confined to one core does not start work for two."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
