"""pg_helpers.claims: the course's rule for claims. Its quantiles, its stated error rate, its verdicts
and its refusals of input it cannot decide on."""

from __future__ import annotations

import numpy as np
import pytest

from pg_helpers import claims

# Student-t quantiles from the standard tables (p, df, t).
TABLE = [(0.975, 1, 12.706), (0.95, 2, 2.920), (0.975, 10, 2.228), (0.9995, 4, 8.610), (0.9995, 9, 4.781),
         (0.9995, 29, 3.659), (0.9995, 1e7, 3.2905)]


@pytest.mark.parametrize(("p", "df", "t"), TABLE)
def test_t_quantile_matches_the_tables(p, df, t):
    assert claims.t_quantile(p, df) == pytest.approx(t, abs=1e-3)
    assert claims.t_quantile(1 - p, df) == pytest.approx(-t, abs=1e-3)
    assert claims.t_cdf(t, df) == pytest.approx(p, abs=1e-5)


def test_the_stated_error_rate_holds_when_the_arms_are_equal():
    # At alpha = 0.05 (so that 4000 trials can measure it), equal arms are called different ~5 % of the time.
    gen = np.random.default_rng(0)
    wrong = sum(claims.compare(gen.normal(size=6), gen.normal(size=6), alpha=0.05).verdict != "within the noise"
                for _ in range(4000))
    assert 0.04 < wrong / 4000 < 0.06, wrong / 4000


def test_bonferroni_widens_the_interval():
    x = np.random.default_rng(1).normal(size=30)
    one, three = claims.mean_interval(x), claims.mean_interval(x, comparisons=3)
    assert three.low < one.low and three.high > one.high and three.level == pytest.approx(1 - 1e-3 / 3)


def test_compare_pairs_the_seeds():
    seed_effect = np.array([0.0, 100.0, 200.0, 300.0, 400.0, 500.0])  # the seed moves both arms alike
    a, b = seed_effect + 1.0 + np.array([0, 0.01, -0.01, 0.02, 0, -0.02]), seed_effect
    assert claims.compare(a, b).verdict == "greater"
    assert claims.compare(b, a).verdict == "less"
    assert claims.compare(a, a + np.array([0.1, -0.1, 0.1, -0.1, 0.1, -0.1])).verdict == "within the noise"
    assert "greater" in str(claims.compare(a, b, names=("K = 4", "K = 1")))


def test_check_unbiased_corrects_for_each_component():
    gen = np.random.default_rng(2)
    samples = gen.normal(size=(5000, 4)) + np.array([0.0, 1.0, 2.0, 3.0])
    assert claims.check_unbiased(samples, [0.0, 1.0, 2.0, 3.0]).holds
    assert not claims.check_unbiased(samples, [0.0, 1.0, 2.0, 3.2]).holds
    check = claims.check_unbiased(samples, [0.0, 1.0, 2.0, 3.0])
    assert all(i.level == pytest.approx(1 - 1e-3 / 4) for i in check.intervals)
    assert "NO" in str(claims.check_unbiased(samples, 0.0))


@pytest.mark.parametrize(("call", "message"), [
    (lambda: claims.compare([1.0], [2.0]), "at least 2 samples"),
    (lambda: claims.compare([1.0, 2.0], [1.0, 2.0, 3.0]), "paired"),
    (lambda: claims.mean_interval([1.0, np.nan]), "finite"),
    (lambda: claims.t_quantile(1.5, 3), "0 < p < 1"),
])
def test_bad_input_says_what_was_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
