"""The course's one rule for deciding a claim about a method (introduced in notebook 04, used by
every notebook that says "X beats Y", "Z is unbiased" or "within the noise").

A claim is decided by a Student-t interval for a mean at level ``1 - alpha / comparisons``:

- ``compare(a, b)``: paired samples (the same seeds, or the same draws, for both arms); the interval
  is for the mean of ``a - b``. Its verdict is ``"greater"`` (a beats b: the interval lies above 0),
  ``"less"``, or ``"within the noise"``.
- ``check_unbiased(samples, exact)``: independent repeats of an estimator; each component's
  interval must contain the exact value.

**Error rate.** ``ALPHA = 1e-3``: when the two arms have equal means (or the estimator is
unbiased), a call wrongly says otherwise with probability at most ``alpha`` (two-sided), for the
whole call when it makes ``comparisons`` decisions (a Bonferroni correction: each decision at
``alpha / comparisons``). ``check_unbiased`` on k components corrects for the k itself. The course
makes a few dozen such decisions per seed, so a correct course fails one with probability of a
few per cent per seed. The other error, missing a real difference, is the experiment's to keep
small: enough seeds or draws that the effect is several interval half-widths.

**Assumption.** The mean of the samples is close to normal (the central limit theorem): true for
means of thousands of bounded draws, and for a handful of seeds when per-seed values are not
heavy-tailed. Compare logarithms of times or step counts, which are skewed. For spread, compare
squared errors against the exact value on the same draws: ``compare((a - v)**2, k**2 * (b - v)**2)``
says whether a's spread is more than k times b's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ALPHA = 1e-3


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the regularised incomplete beta function (modified Lentz)."""
    tiny, c, d = 1e-300, 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return result


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b), for 0 <= x <= 1."""
    if x <= 0.0 or x >= 1.0:
        return 0.0 if x <= 0.0 else 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) = p, by bisection (p in (0, 1))."""
    if not 0.0 < p < 1.0 or df <= 0:
        raise ValueError(f"t_quantile needs 0 < p < 1 and df > 0; got p={p}, df={df}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if t_cdf(mid, df) < p else (low, mid)
    return 0.5 * (low + high)


@dataclass(frozen=True)
class Interval:
    """A mean with its interval at ``level``; ``n`` samples."""

    estimate: float
    low: float
    high: float
    level: float
    n: int

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def __str__(self) -> str:
        return f"{self.estimate:.4g} [{self.low:.4g}, {self.high:.4g}] ({_percent(self.level)} interval, n = {self.n})"


def _percent(level: float) -> str:
    return f"{100 * level:.{max(1, -int(math.floor(math.log10(1 - level))) - 2)}f} %"


def _samples(values, name: str) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    if x.ndim == 0 or x.shape[0] < 2:
        raise ValueError(f"{name}: need at least 2 samples along the first axis; got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: every sample must be finite; got {int((~np.isfinite(x)).sum())} that are not")
    return x


def mean_interval(samples, *, alpha: float = ALPHA, comparisons: int = 1) -> Interval:
    """Student-t interval for the mean of independent ``samples`` (1-D), at level 1 - alpha / comparisons."""
    x = _samples(samples, "mean_interval").ravel()
    level = 1.0 - alpha / comparisons
    half = t_quantile(1.0 - (1.0 - level) / 2.0, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)
    mean = float(x.mean())
    return Interval(mean, mean - half, mean + half, level, x.size)


@dataclass(frozen=True)
class Comparison:
    """The paired comparison of arm ``a`` with arm ``b``: the interval of mean(a - b) and its verdict."""

    names: tuple[str, str]
    difference: Interval

    @property
    def verdict(self) -> str:
        """``"greater"`` (a's mean above b's), ``"less"``, or ``"within the noise"``."""
        if self.difference.low > 0:
            return "greater"
        return "less" if self.difference.high < 0 else "within the noise"

    def __str__(self) -> str:
        a, b = self.names
        return f"{a} - {b}: {self.difference} -> {self.verdict}"


def compare(a, b, *, alpha: float = ALPHA, comparisons: int = 1, names: tuple[str, str] = ("a", "b")) -> Comparison:
    """Compare two arms measured on the same seeds (or draws): ``a[i]`` and ``b[i]`` share seed i.

    Introduced in notebook 04. Pairing removes what the seed does to both arms, so far fewer seeds
    decide a real difference than two separate intervals would.
    """
    a, b = _samples(a, names[0]), _samples(b, names[1])
    if a.shape != b.shape:
        raise ValueError(f"compare: the arms must be paired, one value per seed each; got shapes {a.shape} and {b.shape}")
    return Comparison(names, mean_interval(a - b, alpha=alpha, comparisons=comparisons))


@dataclass(frozen=True)
class UnbiasedCheck:
    """Each component's interval (repeats of an estimator) against its exact value."""

    intervals: tuple[Interval, ...]
    exact: tuple[float, ...]

    @property
    def holds(self) -> bool:
        return all(i.contains(v) for i, v in zip(self.intervals, self.exact))

    def __str__(self) -> str:
        rows = [f"  {v:+.4g} in {i}: {'yes' if i.contains(v) else 'NO'}" for i, v in zip(self.intervals, self.exact)]
        return "\n".join(["exact value in the interval of the mean:", *rows])


def check_unbiased(samples, exact, *, alpha: float = ALPHA, comparisons: int = 1) -> UnbiasedCheck:
    """Is an estimator unbiased? ``samples``: (repeats,) or (repeats, k) independent estimates;
    ``exact``: the true value, scalar or (k,). Each of the k components is decided at
    ``alpha / (k * comparisons)``, so the whole check errs with probability at most ``alpha``.

    Introduced in notebook 04 (every advantage estimate is unbiased).
    """
    x = _samples(samples, "check_unbiased")
    x = x.reshape(x.shape[0], -1)
    exact_flat = np.broadcast_to(np.asarray(exact, dtype=float), x.shape[1:]).ravel()
    k = x.shape[1]
    intervals = tuple(mean_interval(x[:, j], alpha=alpha, comparisons=k * comparisons) for j in range(k))
    return UnbiasedCheck(intervals, tuple(float(v) for v in exact_flat))
