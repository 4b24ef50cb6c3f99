"""The benchmark's statistics: the speed-up's bootstrap interval (benchmarks/cartpole_solve.py)."""

from __future__ import annotations

import math

from benchmarks.cartpole_solve import Result, speedup_interval


def _runs(seconds):
    return [Result(s, 1000) for s in seconds]


def test_interval_brackets_the_ratio_of_medians_and_narrows_with_agreeing_seeds():
    slow, fast = _runs([4.0, 4.2, 3.8, 4.1, 3.9]), _runs([1.0, 1.1, 0.9, 1.05, 0.95])
    low, high = speedup_interval(slow, fast)
    assert low <= 4.0 / 1.0 <= high and 3 < low and high < 5
    spread_low, spread_high = speedup_interval(_runs([2.0, 8.0, 3.0, 6.0, 4.0]), fast)
    assert spread_high - spread_low > high - low


def test_unsolved_runs_count_as_infinitely_slow():
    low, high = speedup_interval(_runs([None, None, None, 4.0, 4.0]), _runs([1.0] * 5))
    assert math.isinf(high) and low >= 4.0
    low, high = speedup_interval(_runs([4.0] * 5), _runs([None, None, None, 1.0, 1.0]))
    assert low == 0.0 and high <= 4.0


def test_paired_interval_resamples_seeds_together():
    # each pair shares its seed's load: the slow run is always 4x the fast one, so every paired resample gives 4
    fast = _runs([1.0, 3.0, 0.5, 2.0, 1.5])
    slow = _runs([4 * r.seconds for r in fast])
    low, high = speedup_interval(slow, fast, paired=True)
    assert math.isclose(low, 4.0) and math.isclose(high, 4.0)
    unpaired_low, unpaired_high = speedup_interval(slow, fast)
    assert unpaired_high - unpaired_low > 1.0


def test_paired_interval_needs_one_pair_per_seed():
    import pytest

    with pytest.raises(ValueError):
        speedup_interval(_runs([1.0, 2.0]), _runs([1.0]), paired=True)


def test_cpu_interval_uses_cpu_seconds():
    slow = [Result(10.0, 1000, cpu_seconds=4.0) for _ in range(5)]
    fast = [Result(1.0, 1000, cpu_seconds=2.0) for _ in range(5)]
    assert speedup_interval(slow, fast, paired=True, cpu=True) == (2.0, 2.0)
