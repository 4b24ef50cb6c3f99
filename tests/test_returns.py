"""Unit tests for pg_helpers.returns: the reference reward-to-go of notebook 02."""

from __future__ import annotations

import numpy as np
import pytest

from pg_helpers.returns import reward_to_go


def by_definition(rew, gamma):
    """G_t = sum_{k >= t} gamma^(k - t) r_k, summed term by term."""
    rew = [float(r) for r in rew]
    return np.array([sum(gamma ** (k - t) * rew[k] for k in range(t, len(rew))) for t in range(len(rew))])


def test_hand_example():
    np.testing.assert_allclose(reward_to_go([1.0, 2.0, 3.0], 0.5), [2.75, 3.5, 3.0])


@pytest.mark.parametrize("gamma", [0.0, 0.5, 0.97, 1.0])
def test_matches_the_definition(gamma):
    rew = np.random.default_rng(3).normal(size=23)
    np.testing.assert_allclose(reward_to_go(rew, gamma), by_definition(rew, gamma), atol=1e-12)


def test_gamma_zero_is_the_rewards_and_one_is_the_sum_of_the_future():
    rew = np.array([0.5, -1.0, 2.0])
    np.testing.assert_array_equal(reward_to_go(rew, 0.0), rew)
    np.testing.assert_allclose(reward_to_go(rew, 1.0), [1.5, 1.0, 2.0])


def test_integer_rewards_give_floats_and_input_is_not_modified():
    rew = [1, 1, 1]
    got = reward_to_go(rew, 0.5)
    assert got.dtype == np.float64 and got.shape == (3,)
    np.testing.assert_allclose(got, [1.75, 1.5, 1.0])
    assert rew == [1, 1, 1]


def test_length_one_and_long_episode():
    np.testing.assert_allclose(reward_to_go([5.0], 0.9), [5.0])
    np.testing.assert_allclose(reward_to_go(np.ones(500), 0.99)[0], (1 - 0.99 ** 500) / (1 - 0.99))


@pytest.mark.parametrize("rew, gamma, phrase", [
    (np.ones((2, 3)), 0.9, "1-D"),
    ([], 0.9, "non-empty"),
    ([1.0, 2.0], 1.5, "gamma must be in [0, 1]"),
    ([1.0, 2.0], -0.1, "gamma must be in [0, 1]"),
])
def test_bad_input_says_what_was_expected(rew, gamma, phrase):
    with pytest.raises(ValueError, match=phrase.replace("[", r"\[").replace("]", r"\]")):
        reward_to_go(rew, gamma)
