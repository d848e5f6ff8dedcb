"""The ``analyse`` command's maths-library (BLAS) threads: one, chosen on measurement.

Why one and not every core: on this project's 2-core test machine, shared with other work
(load 5-6), the million-row analysis took 18-20 s with one OpenBLAS thread and 80-96 s
with two (CPU time 10 s against 54-56 s: OpenBLAS's threads spin while they wait for a
core). Officers run the command on laptops that are doing other things too. This test
pins the choice, so that changing it is a decision made with new measurements
(``benchmarks/README.md``), not an accident.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from coprod_gui.core.runtime import BLAS_THREAD_VARIABLES

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(
    """
    import ctypes, glob, json, os, sys
    from coprod_gui.app import main
    status = main(["analyse", "--help"])  # the real entry point, as a user starts it
    import numpy
    libs = glob.glob(os.path.join(os.path.dirname(numpy.__file__) + ".libs", "*openblas*.so*"))
    threads = None
    for lib in libs:
        dll = ctypes.CDLL(lib)
        for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                     "openblas_get_num_threads"):
            if hasattr(dll, name):
                threads = getattr(dll, name)()
                break
    env = {k: os.environ.get(k) for k in %r}
    print(json.dumps({"status": status, "threads": threads, "env": env}))
    """
)


def _run_cli_probe() -> dict:
    import json

    env = {k: v for k, v in os.environ.items() if k not in BLAS_THREAD_VARIABLES}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE % (BLAS_THREAD_VARIABLES,)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_analyse_command_uses_one_blas_thread() -> None:
    out = _run_cli_probe()
    assert out["status"] == 0
    assert out["env"] == dict.fromkeys(BLAS_THREAD_VARIABLES, "1")
    if out["threads"] is not None:  # numpy's bundled OpenBLAS answers how many it runs
        assert out["threads"] == 1


def test_a_thread_count_the_user_set_is_kept() -> None:
    from coprod_gui.core import runtime

    saved = {k: os.environ.get(k) for k in BLAS_THREAD_VARIABLES}
    try:
        for k in BLAS_THREAD_VARIABLES:
            os.environ[k] = "2"
        runtime.limit_blas_threads()
        assert [os.environ[k] for k in BLAS_THREAD_VARIABLES] == ["2", "2", "2"]
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
