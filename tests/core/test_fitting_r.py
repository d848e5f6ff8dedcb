"""The numpy fits (stats/fitting.py) equal R's lm/glm + sandwich to 1e-8.

R's output on the committed data is in tests/reference/fitting_r.tsv (see fitting.R); the
comparison is re-run against a live R when Rscript is installed. Cases: OLS and WLS with
HC3 and council-clustered errors, logit with model-based and clustered errors, and the
weighted logit with sandwich (HC0) errors — every estimator the models report.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.stats import fitting

REF = Path(__file__).resolve().parents[1] / "reference"


def make_data(n: int = 1500, seed: int = 17) -> pd.DataFrame:
    """A design like the survey's: an age in years, 0-1 drivers, dummies, 12 councils."""
    rng = np.random.default_rng(seed)
    g = rng.integers(0, 12, n)
    d = pd.DataFrame(
        {
            "x1": rng.integers(0, 4, n) / 3,
            "x2": rng.random(n),
            "x3": rng.integers(16, 90, n).astype(float),
            "x4": (rng.random(n) < 0.4).astype(float),
            "x5": (g % 3 == 1).astype(float),
        }
    )
    eta = -1 + 1.5 * d.x1 + 0.8 * d.x2 + 0.01 * (d.x3 - 50) - 0.3 * d.x4 + 0.2 * d.x5
    d["y"] = 40 + 20 * d.x1 + 5 * d.x2 + 0.1 * d.x3 + rng.normal(0, 10 + 5 * d.x2, n)
    d["yb"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    d["w"] = np.round(rng.lognormal(0, 0.4, n), 6)
    d["g"] = g
    return d


def python_fits(d: pd.DataFrame) -> dict[str, fitting.Fit]:
    x = np.column_stack([np.ones(len(d)), d[[f"x{i}" for i in range(1, 6)]].to_numpy()])
    y, yb, w, g = (d[c].to_numpy(dtype=float) for c in ("y", "yb", "w", "g"))
    return {
        "ols_hc3": fitting.ols(x, y, cov="HC3"),
        "ols_cluster": fitting.ols(x, y, groups=g),
        "wls_hc3": fitting.ols(x, y, w, cov="HC3"),
        "wls_cluster": fitting.ols(x, y, w, groups=g),
        "logit": fitting.logit(x, yb),
        "logit_cluster": fitting.logit(x, yb, groups=g),
        "logit_weighted_hc0": fitting.logit(x, yb, w, robust=True),
    }


def _parse(text: str) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {}
    for line in text.splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 4:
            out.setdefault(parts[0], []).append((float(parts[2]), float(parts[3])))
    return out


def _check(reference: dict[str, list[tuple[float, float]]]) -> None:
    fits = python_fits(make_data())
    assert set(reference) == set(fits)
    for case, rows in reference.items():
        b = np.array([r[0] for r in rows])
        se = np.array([r[1] for r in rows])
        np.testing.assert_allclose(fits[case].params, b, rtol=1e-8, atol=1e-10, err_msg=case)
        np.testing.assert_allclose(fits[case].bse, se, rtol=1e-8, atol=1e-10, err_msg=case)


def test_fits_equal_the_committed_r_output() -> None:
    data = pd.read_csv(REF / "fitting_data.csv")
    pd.testing.assert_frame_equal(data, make_data(), check_dtype=False)  # same data as R's
    _check(_parse((REF / "fitting_r.tsv").read_text()))


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_fits_equal_a_live_r(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    make_data().to_csv(path, index=False)
    done = subprocess.run(
        ["Rscript", str(REF / "fitting.R"), str(path)], capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0 and "sandwich" in done.stderr:
        pytest.skip("R's sandwich package is not installed")
    assert done.returncode == 0, done.stderr
    _check(_parse(done.stdout))
