"""Least squares and logit fits on a design matrix, in numpy, with the errors we report.

Why not statsmodels here: at a million respondents its OLS spends most of its time in
``pinv`` (an SVD of the whole n×p design) and its GLM in a least-squares solve per IRLS
step, and each builds copies of the design (perf_baseline.md; issue 11: 47 of 58 s). The
estimators below are the same ones — WLS with HC3/HC1 or council-clustered (CRV1) errors
and t inference; logit maximum likelihood with model-based, sandwich (HC0) or clustered
errors — computed from p×p cross-products accumulated over blocks of rows, so the only
n×p array is the design itself. Their figures equal statsmodels' to rounding (the tests
compare them, and the results of main before this module, to 1e-8).

Numerics: the cross-product is equilibrated (columns scaled to unit length) before its
Cholesky factorisation, so a design mixing 0/1 dummies with age in years is solved as
accurately as by QR; aliased designs are refused before any fit (``design._refusal``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.special

BLOCK = 8192
"""Rows per block when accumulating over rows: bounded temporary memory, and a block of
8,192 rows × 40 columns (2.6 MB) stays in cache (measured at a million rows: twice as
fast as blocks of 65,536, whose temporaries go back to main memory)."""


@dataclass
class Fit:
    """Coefficients, their covariance and inference (``df`` None: normal, else t)."""

    params: np.ndarray
    cov: np.ndarray
    df: float | None = None
    rsquared: float | None = None
    converged: bool = True
    separated: bool = False
    leverage_max: float = 0.0
    bread: np.ndarray | None = None  # logit: the inverse information, whatever ``cov`` is

    @property
    def bse(self) -> np.ndarray:
        return np.sqrt(np.maximum(np.diag(self.cov), 0.0))

    def _crit(self, q: float) -> float:
        if self.df is None:
            return float(scipy.special.ndtri(q))
        return float(scipy.special.stdtrit(self.df, q))

    @property
    def pvalues(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = np.abs(self.params / self.bse)
        if self.df is None:
            return 2 * scipy.special.ndtr(-stat)
        return 2 * scipy.special.stdtr(self.df, -stat)

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        half = self._crit(1 - alpha / 2) * self.bse
        return np.column_stack([self.params - half, self.params + half])


def logistic(eta: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The logistic function 1/(1 + e^−η), elementwise.

    Why not ``scipy.special.expit``: it evaluates one scalar exponential per element
    (4.3 ns here); numpy's exponential is vectorised (0.6 ns), so this is 1.8 ns, and a
    logit evaluates it on every row in every pass (and on every row × effect for the
    average changes). Equal to expit to 3e-16 relative; ±inf give 1 and 0.
    """
    with np.errstate(over="ignore"):
        out = np.negative(eta, out=out)
        np.exp(out, out=out)
        out += 1.0
        return np.reciprocal(out, out=out)


def softplus(eta: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """log(1 + e^η) elementwise, as max(η, 0) + log1p(e^−|η|): ``np.logaddexp(0, η)``
    to 3e-16 but 2.3 ns a value instead of 15 (the logit's deviance, every pass)."""
    tmp = np.abs(eta)
    np.negative(tmp, out=tmp)
    np.exp(tmp, out=tmp)
    np.log1p(tmp, out=tmp)
    out = np.maximum(eta, 0.0, out=out)
    out += tmp
    return out


def gram(x: np.ndarray, v: np.ndarray | None = None) -> np.ndarray:
    """X'diag(v)X (X'X when ``v`` is None), accumulated over blocks of rows."""
    n, p = x.shape
    out = np.zeros((p, p))
    if v is None:
        for a in range(0, n, BLOCK):
            xb = x[a : a + BLOCK]
            out += xb.T @ xb
        return out
    buf = np.empty((min(BLOCK, n), p))  # one scratch block, reused
    nonneg = v.min(initial=0.0) >= 0
    root = np.sqrt(v) if nonneg else v
    for a in range(0, n, BLOCK):
        xb = x[a : a + BLOCK]
        xs = np.multiply(xb, root[a : a + BLOCK, None], out=buf[: len(xb)])
        # A'A of one array is a symmetric rank-k update in BLAS: half the work of A'B
        out += xs.T @ xs if nonneg else xs.T @ xb
    return out


def _gram_with(x: np.ndarray, v: np.ndarray | None, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`gram` (X'diag(v)X) and X'z in the same pass over the rows."""
    if v is not None and v.min(initial=0.0) < 0:  # no square roots: two plain passes
        return gram(x, v), x.T @ z
    n, p = x.shape
    out = np.zeros((p, p))
    xz = np.zeros(p)
    buf = np.empty((min(BLOCK, n), p))
    root = None if v is None else np.sqrt(v)
    for a in range(0, n, BLOCK):
        xb = x[a : a + BLOCK]
        if root is None:
            out += xb.T @ xb
        else:
            xs = np.multiply(xb, root[a : a + BLOCK, None], out=buf[: len(xb)])
            out += xs.T @ xs
        xz += xb.T @ z[a : a + BLOCK]
    return out, xz


def _inverse(g: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric positive definite cross-product, equilibrated first."""
    d = np.sqrt(np.diag(g))
    d[d == 0] = 1.0
    scaled = g / np.outer(d, d)
    chol = scipy.linalg.cho_factor(scaled, lower=True, check_finite=False)
    inv = scipy.linalg.cho_solve(chol, np.eye(len(g)), check_finite=False)
    inv = inv / np.outer(d, d)
    return (inv + inv.T) / 2


def _solve(g: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = np.sqrt(np.diag(g))
    d[d == 0] = 1.0
    chol = scipy.linalg.cho_factor(g / np.outer(d, d), lower=True, check_finite=False)
    return scipy.linalg.cho_solve(chol, b / d, check_finite=False) / d


def leverages(x: np.ndarray, inv: np.ndarray, v: np.ndarray | None = None) -> np.ndarray:
    """Diagonal of the hat matrix: v_i · x_i' inv x_i, block by block."""
    h = np.empty(len(x))
    for a in range(0, len(x), BLOCK):
        xb = x[a : a + BLOCK]
        h[a : a + BLOCK] = np.einsum("ij,ij->i", xb @ inv, xb)
    return h if v is None else h * v


def _group_sums(x: np.ndarray, u: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Σ over each group of x_i·u_i (rows: groups present, columns: parameters)."""
    _, g = np.unique(groups, return_inverse=True)
    return np.column_stack(
        [np.bincount(g, weights=x[:, j] * u) for j in range(x.shape[1])]
    ).reshape(-1, x.shape[1])


def _cluster_cov(
    bread: np.ndarray, x: np.ndarray, u: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, int]:
    """CRV1: bread·(Σ_g s_g s_g')·bread × G/(G−1)·(n−1)/(n−k), as statsmodels."""
    sums = _group_sums(x, u, groups)
    n, k = x.shape
    n_groups = len(sums)
    meat = sums.T @ sums * (n_groups / (n_groups - 1.0)) * ((n - 1.0) / (n - k))
    return bread @ meat @ bread, n_groups


def ols(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    cov: str = "HC3",
    groups: np.ndarray | None = None,
) -> Fit:
    """(Weighted) least squares with HC3, HC1 or clustered (``groups``) errors, t inference.

    The same estimator as ``statsmodels`` ``WLS(y, x, weights).fit(cov_type=..., use_t=True)``:
    HC3 scales each squared whitened residual by 1/(1−h)², HC1 by n/(n−k); clustered
    errors take t with G−1 degrees of freedom. R² is 1 − SSR/centred TSS (weighted).
    """
    n, k = x.shape
    w = weights
    if groups is None and cov not in ("HC3", "HC1"):
        raise ValueError(f"unknown covariance {cov!r}")
    # Three passes over the rows, block by block (was seven): X'WX with X'Wy; the
    # residuals with the refinement's right-hand side; the final residuals with the
    # leverages and the robust "meat".
    g, xty = _gram_with(x, w, y if w is None else w * y)
    inv = _inverse(g)
    params = inv @ xty
    # refine once (iterative refinement): equal to a QR solve to rounding
    correction = np.zeros(k)
    for a in range(0, n, BLOCK):
        xb = x[a : a + BLOCK]
        rb = y[a : a + BLOCK] - xb @ params
        correction += xb.T @ (rb if w is None else w[a : a + BLOCK] * rb)
    params = params + _solve(g, correction)
    sw = None if w is None else np.sqrt(w)
    wresid = np.empty(n)
    h = np.empty(n)
    meat = np.zeros((k, k))
    buf = np.empty((min(BLOCK, n), k))
    for a in range(0, n, BLOCK):
        xb = x[a : a + BLOCK]
        rb = y[a : a + BLOCK] - xb @ params
        hb = np.einsum("ij,ij->i", xb @ inv, xb)  # the hat matrix's diagonal
        if sw is not None:
            rb *= sw[a : a + BLOCK]
            hb *= w[a : a + BLOCK]
        wresid[a : a + BLOCK] = rb
        h[a : a + BLOCK] = hb
        if groups is None:
            scale = (rb / (1 - hb)) ** 2 if cov == "HC3" else n / (n - k) * rb**2
            root = np.sqrt(scale if w is None else scale * w[a : a + BLOCK])
            xs = np.multiply(xb, root[:, None], out=buf[: len(xb)])
            meat += xs.T @ xs
    fit = Fit(params=params, cov=inv, leverage_max=float(h.max()) if n else 0.0)
    if groups is not None:
        u = wresid if sw is None else wresid * sw
        fit.cov, n_groups = _cluster_cov(inv, x, u, groups)
        fit.df = float(n_groups - 1)
    else:
        fit.cov = inv @ meat @ inv
        fit.df = float(n - k)
    ybar = np.average(y, weights=w)
    tss = float(np.sum((y - ybar) ** 2 if w is None else w * (y - ybar) ** 2))
    ssr = float(wresid @ wresid)
    fit.rsquared = 1 - ssr / tss if tss > 0 else math.nan
    return fit


def _irls_pass(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    eta: np.ndarray,
    params: np.ndarray | None = None,
    mu_out: np.ndarray | None = None,
) -> tuple[float, np.ndarray, np.ndarray, bool]:
    """One pass over the rows for an IRLS step: the deviance, the information X'WX, the
    working right-hand side X'W z at ``params`` (``eta`` = Xb is written into ``eta``),
    or at the given ``eta`` when ``params`` is None (the start), and whether every fitted
    chance equals the answer (separation); the chances go into ``mu_out`` when given.

    Why one pass: the linear predictor, the deviance, the cross-product and the right-hand
    side each read the whole design; block by block they read it once per step instead of
    three times (at a million respondents a step went from ~180 ms to ~100 ms). The
    separation test and the final chances came from two more passes of their own.
    """
    n, k = x.shape
    info = np.zeros((k, k))
    rhs = np.zeros(k)
    dev = 0.0
    exact = True
    buf = np.empty((min(BLOCK, n), k))
    for a in range(0, n, BLOCK):
        xb = x[a : a + BLOCK]
        eb = eta[a : a + BLOCK]
        if params is not None:
            np.matmul(xb, params, out=eb)
        yb, wb = y[a : a + BLOCK], w[a : a + BLOCK]
        mu = logistic(eb, None if mu_out is None else mu_out[a : a + BLOCK])
        # np.allclose(mu - y, 0): |mu - y| <= 1e-8 everywhere (NaN fails)
        exact = exact and bool(np.all(np.abs(mu - yb) <= 1e-8))
        var = mu * (1 - mu)
        dev += float(wb @ softplus(eb)) - float(wb @ (yb * eb))
        xs = np.multiply(xb, np.sqrt(wb * var)[:, None], out=buf[: len(xb)])
        info += xs.T @ xs
        rhs += xb.T @ (wb * (var * eb + (yb - mu)))
    return 2 * dev, info, rhs, exact


START_SAMPLE_FROM = 100_000
"""From this many rows a logit starts from its fit on every k-th row (about 25,000 rows):
Newton's steps converge quadratically, so from there the whole data need about 3 steps
instead of 7 (each a pass over the design). The estimate is the same maximum: the steps
stop at the same tolerance whatever the start (tested against the usual start)."""

START_SAMPLE_ROWS = 25_000


def _start_from_sample(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray | None, max_iter: int
) -> np.ndarray | None:
    """The logit's estimates on every k-th row, or None when that fit is not a usable
    start (a category missing from the sample, separation, no convergence)."""
    every = max(len(x) // START_SAMPLE_ROWS, 1)
    ws = None if weights is None else weights[::every]
    ys = y[::every]
    if len(ys) == 0 or ys.min() == ys.max():
        return None
    try:
        sub = logit(np.ascontiguousarray(x[::every]), ys, ws, max_iter=max_iter)
    except (np.linalg.LinAlgError, ValueError):
        return None
    ok = sub.converged and not sub.separated and bool(np.all(np.isfinite(sub.params)))
    return sub.params.copy() if ok else None


def logit(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    robust: bool = False,
    groups: np.ndarray | None = None,
    max_iter: int = 100,
) -> Fit:
    """Logit maximum likelihood by IRLS, started as a GLM is (μ = (y + ½)/2), or, from
    ``START_SAMPLE_FROM`` rows, from the fit on a systematic sample of the rows.

    Errors: model-based (inverse information) by default; sandwich HC0 when ``robust``
    (weighted pseudo-likelihood, as ``GLM(..., var_weights=w).fit(cov_type="HC0")``);
    CRV1 clustered by ``groups``. Normal inference. ``separated`` when every fitted
    chance equals the answer (statsmodels' PerfectSeparationWarning test); ``converged``
    False when the steps do not settle in ``max_iter`` iterations.
    """
    n, k = x.shape
    w = np.ones(n) if weights is None else weights
    mu = (y + 0.5) / 2
    eta = np.log(mu / (1 - mu))
    params = np.zeros(k)
    converged = separated = False
    dev = math.inf
    start = _start_from_sample(x, y, weights, max_iter) if n >= START_SAMPLE_FROM else None
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        mu = np.empty(n)  # the chances at ``eta``, written by each pass
        if start is None:
            _, info, rhs, _ = _irls_pass(x, y, w, eta, mu_out=mu)
            last_exact = False  # the start is no fit (μ from the answers themselves)
        else:
            params = start
            dev, info, rhs, last_exact = _irls_pass(x, y, w, eta, params, mu)
        for _ in range(max_iter):
            try:
                new = _solve(info, rhs)
            except (np.linalg.LinAlgError, ValueError):
                break
            step = new - params
            if float(np.max(np.abs(step), initial=0.0)) < 1e-10 * max(
                1.0, float(np.max(np.abs(new), initial=0.0))
            ):
                # A step this small (Newton's steps shrink quadratically) changes the
                # information, the chances and the deviance by less than 1e-10 relative:
                # the last pass's are kept instead of one more pass over the data.
                params = new
                if last_exact:
                    separated = True
                else:
                    converged = True
                break
            new_eta = np.empty(n)  # filled by the pass (fresh ones: eta and mu are kept)
            new_mu = np.empty(n)
            new_dev, new_info, new_rhs, exact = _irls_pass(x, y, w, new_eta, new, new_mu)
            halvings = 0
            while not new_dev <= dev * (1 + 1e-12) + 1e-12 and halvings < 20 and np.isfinite(dev):
                step /= 2
                new = params + step
                new_dev, new_info, new_rhs, exact = _irls_pass(x, y, w, new_eta, new, new_mu)
                halvings += 1
            params, eta, mu, info, rhs = new, new_eta, new_mu, new_info, new_rhs
            last_exact = exact
            change = float(np.max(np.abs(step))) if k else 0.0
            old_dev, dev = dev, new_dev
            if exact:
                separated = True
                break
            if change < 1e-10 * max(1.0, float(np.max(np.abs(params)))) or (
                abs(old_dev - dev) <= 1e-13 * max(1.0, abs(dev)) and change < 1e-6
            ):
                converged = True
                break
        # ``mu`` and ``info`` are the chances and the information at these ``params``
    try:
        bread = _inverse(info)
    except (np.linalg.LinAlgError, ValueError):
        return Fit(params, np.full((k, k), np.nan), None, None, False, separated)
    u = w * (y - mu)
    if groups is not None:
        cov, _ = _cluster_cov(bread, x, u, groups)
    elif robust:
        cov = bread @ gram(x, u**2) @ bread
    else:
        cov = bread
    return Fit(params, cov, None, None, converged, separated, bread=bread)
