"""The logit of a big survey starts from its fit on a sample of the rows (issue 11: "the
logit by IRLS from a good start"). The estimate must be the same maximum as from the
usual start, to far better than the 1e-8 the results are held to, and the full data must
be passed over fewer times (a count, not a timing)."""

from __future__ import annotations

import numpy as np
import pytest

from coprod_gui.core.stats import fitting


def _data(n: int, seed: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    driver = rng.integers(0, 4, n) / 3
    age = rng.uniform(16, 90, n)
    council = rng.integers(0, 5, n)
    x = np.column_stack([np.ones(n), driver, age, *(council == k for k in range(1, 5))]).astype(
        float
    )
    eta = -2.0 + 2.5 * driver + 0.01 * age + np.array([0, 0.3, -0.2, 0.5, 0.1])[council]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    w = rng.uniform(0.4, 2.5, n)
    return x, y, w


@pytest.mark.parametrize("weighted", [False, True])
def test_the_sample_start_reaches_the_same_estimate_in_fewer_passes(
    weighted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    x, y, w = _data(60_000)
    weights = w if weighted else None
    passes: list[int] = []
    original = fitting._irls_pass

    def counting(xx, *args, **kwargs):  # type: ignore[no-untyped-def]
        passes.append(len(xx))
        return original(xx, *args, **kwargs)

    monkeypatch.setattr(fitting, "_irls_pass", counting)
    monkeypatch.setattr(fitting, "START_SAMPLE_FROM", 10**9)
    usual = fitting.logit(x, y, weights, robust=weighted)
    usual_passes = passes.count(len(x))
    passes.clear()
    monkeypatch.setattr(fitting, "START_SAMPLE_FROM", 50_000)
    monkeypatch.setattr(fitting, "START_SAMPLE_ROWS", 6_000)
    started = fitting.logit(x, y, weights, robust=weighted)
    full_passes = passes.count(len(x))
    assert started.converged and usual.converged
    np.testing.assert_allclose(started.params, usual.params, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(started.cov, usual.cov, rtol=1e-9, atol=1e-14)
    assert 0 < full_passes < usual_passes, (full_passes, usual_passes)
    assert any(n < len(x) for n in passes)  # the sample was fitted first
    assert started.params[1] == pytest.approx(2.5, abs=0.15)  # the planted driver effect


def test_an_unusable_sample_falls_back_to_the_usual_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A category the sample happens to miss makes the sample's fit singular: the usual
    start is used and the estimate is still the full data's."""
    x, y, _ = _data(30_000)
    rare = np.zeros(len(x))
    rare[1::10][:40] = 1.0  # never on a row the every-10th sample takes
    x = np.column_stack([x, rare])
    monkeypatch.setattr(fitting, "START_SAMPLE_FROM", 10**9)
    usual = fitting.logit(x, y)
    monkeypatch.setattr(fitting, "START_SAMPLE_FROM", 20_000)
    monkeypatch.setattr(fitting, "START_SAMPLE_ROWS", 3_000)
    assert fitting._start_from_sample(x, y, None, 100) is None
    got = fitting.logit(x, y)
    np.testing.assert_allclose(got.params, usual.params, rtol=1e-10, atol=1e-12)


def test_the_logit_reads_the_rows_only_in_its_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The separation test and the final chances come out of the IRLS passes: no chance
    is worked out for all respondents at once beside them (each was one more pass per
    step at a million rows). Counted as calls of the logistic function on every row."""
    import scipy.special

    x, y, w = _data(40_000)
    original = scipy.special.expit
    whole: list[int] = []

    def counting(values, *args, **kwargs):  # type: ignore[no-untyped-def]
        if np.size(values) == len(x):
            whole.append(1)
        return original(values, *args, **kwargs)

    monkeypatch.setattr(scipy.special, "expit", counting)
    fit = fitting.logit(x, y, w, robust=True)
    assert fit.converged and not fit.separated
    assert fit.params[1] == pytest.approx(2.5, abs=0.2)
    assert whole == []
    perfect = (x[:, 1] > 0.5).astype(float)  # the driver's top answers, and only they, take part
    assert fitting.logit(x[:, :2], perfect).separated
