"""Unit tests for pg_helpers.envs.tabular_mdp: the MDP, its sampler and its Gymnasium form."""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from pg_helpers.envs.tabular_mdp import (
    TabularEpisodes,
    TabularMDP,
    TabularMDPEnv,
    sample_episode,
    sample_episodes,
    three_state_mdp,
)

LOGITS = np.array([[0.5, -0.5], [0.0, 1.0], [-1.0, 0.3]])


def _never_ending() -> TabularMDP:
    """One state that never ends (a loop), to exercise truncation."""
    return TabularMDP(P=np.array([[[1.0, 0.0]]]), R=np.array([[1.0]]), mu0=np.array([1.0]))


def test_three_state_mdp_shapes_and_termination():
    mdp = three_state_mdp()
    assert (mdp.num_states, mdp.num_actions, mdp.terminal) == (3, 2, 3)
    assert mdp.P.shape == (3, 2, 4) and mdp.R.shape == (3, 2) and mdp.mu0.shape == (3,)
    assert (mdp.P[:, :, mdp.terminal] >= 0.2).all(), "every (s, a) must end the episode with probability >= 0.2"
    with pytest.raises(ValueError):
        mdp.P[0, 0, 0] = 0.0  # read-only arrays


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(P=np.ones((3, 2, 3)) / 3, R=np.zeros((3, 2)), mu0=np.ones(3) / 3), "S \\+ 1"),
        (dict(P=np.ones((3, 2, 4)) / 3, R=np.zeros((3, 2)), mu0=np.ones(3) / 3), "summing to 1"),
        (dict(P=np.ones((3, 2, 4)) / 4, R=np.zeros((2, 3)), mu0=np.ones(3) / 3), "R: expected shape"),
        (dict(P=np.ones((3, 2, 4)) / 4, R=np.zeros((3, 2)), mu0=np.ones(2) / 2), "mu0: expected shape"),
        (dict(P=np.ones((3, 2, 4)) / 4, R=np.zeros((3, 2)), mu0=np.array([1.5, -0.5, 0.0])), "mu0"),
        (dict(P=np.ones((3, 2, 4)) / 4, R=np.zeros((3, 2)), mu0=np.ones(3) / 3, gamma=1.5), "gamma"),
    ],
)
def test_bad_mdp_is_rejected_with_a_clear_message(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TabularMDP(**kwargs)


def test_policy_is_a_stable_softmax():
    mdp = three_state_mdp()
    pi = mdp.policy(LOGITS)
    np.testing.assert_allclose(pi.sum(axis=1), 1.0)
    np.testing.assert_allclose(pi[0], np.exp([0.5, -0.5]) / np.exp([0.5, -0.5]).sum())
    big = mdp.policy([[1000.0, -1000.0], [0.0, 0.0], [-1000.0, 1000.0]])
    np.testing.assert_allclose(big, [[1, 0], [0.5, 0.5], [0, 1]], atol=1e-12)
    with pytest.raises(ValueError, match="expected shape \\(3, 2\\)"):
        mdp.policy(np.zeros((2, 3)))


def test_log_prob_dynamics_by_hand():
    mdp = three_state_mdp()
    # s0 -a1-> s2 -a0-> s1 -a1-> end
    got = mdp.log_prob_dynamics([0, 2, 1], [1, 0, 1], [2, 1, 3])
    want = np.log(0.7) + np.log(0.6) + np.log(0.3) + np.log(0.4)
    assert got == pytest.approx(want)
    assert mdp.log_prob_dynamics([2], [0], [3]) == -np.inf  # μ0(s2) = 0: impossible
    with pytest.raises(ValueError, match="equal non-zero lengths"):
        mdp.log_prob_dynamics([0, 1], [0], [1])


def test_sampled_batch_is_well_formed_and_reproducible():
    mdp = three_state_mdp()
    batch = sample_episodes(mdp, LOGITS, 500, np.random.default_rng(1))
    again = sample_episodes(mdp, LOGITS, 500, np.random.default_rng(1))
    assert isinstance(batch, TabularEpisodes)
    np.testing.assert_array_equal(batch.obs, again.obs)
    np.testing.assert_array_equal(batch.rew, again.rew)
    n, t_max = batch.obs.shape
    assert n == len(batch) == 500 and t_max == batch.length.max()
    assert batch.terminated.all()
    # The mask is a prefix of each row, and padding holds zeros.
    assert (np.diff(batch.mask.astype(int), axis=1) <= 0).all() and batch.mask[:, 0].all()
    assert (batch.rew[~batch.mask] == 0).all() and (batch.obs[~batch.mask] == 0).all()
    last = batch.next_obs[np.arange(n), batch.length - 1]
    assert (last == mdp.terminal).all()
    # Inside an episode the next state is the following step's state, and rewards are R[s, a].
    inner = batch.mask[:, 1:]
    np.testing.assert_array_equal(batch.next_obs[:, :-1][inner], batch.obs[:, 1:][inner])
    np.testing.assert_array_equal(batch.rew[batch.mask], mdp.R[batch.obs[batch.mask], batch.act[batch.mask]])
    ep = batch.episode(3)
    assert len(ep) == batch.length[3] and ep.next_obs[-1] == mdp.terminal


def test_sampler_frequencies_match_the_model():
    """Start states, actions and transitions follow mu0, π and P (wide margins: about 6 sigma)."""
    mdp = three_state_mdp()
    batch = sample_episodes(mdp, LOGITS, 20_000, np.random.default_rng(2))
    starts = np.bincount(batch.obs[:, 0], minlength=3) / len(batch)
    np.testing.assert_allclose(starts, mdp.mu0, atol=0.02)
    obs, act, nxt = batch.obs[batch.mask], batch.act[batch.mask], batch.next_obs[batch.mask]
    pi = mdp.policy(LOGITS)
    for s in range(3):
        in_s = obs == s
        np.testing.assert_allclose(np.bincount(act[in_s], minlength=2) / in_s.sum(), pi[s], atol=0.03)
        for a in range(2):
            here = in_s & (act == a)
            np.testing.assert_allclose(np.bincount(nxt[here], minlength=4) / here.sum(), mdp.P[s, a], atol=0.05)


def test_truncation_and_bad_arguments():
    loop = _never_ending()
    batch = sample_episodes(loop, [[0.0]], 4, np.random.default_rng(0), max_steps=7)
    assert batch.obs.shape == (4, 7) and not batch.terminated.any()
    assert not sample_episode(loop, [[0.0]], np.random.default_rng(0), max_steps=3).terminated
    with pytest.raises(TypeError, match="Generator"):
        sample_episodes(three_state_mdp(), LOGITS, 3, rng=0)
    with pytest.raises(ValueError, match=">= 1"):
        sample_episodes(three_state_mdp(), LOGITS, 0, np.random.default_rng(0))


def test_env_passes_check_env_and_follows_the_model():
    env = TabularMDPEnv()
    check_env(env, skip_render_check=True)
    obs, info = env.reset(seed=5)
    again, _ = TabularMDPEnv().reset(seed=5)
    assert obs == again and info == {}
    total, steps, terminated, truncated = 0.0, 0, False, False
    while not (terminated or truncated):
        state = obs
        obs, rew, terminated, truncated, _ = env.step(1)
        assert rew == env.mdp.R[state, 1]
        total, steps = total + rew, steps + 1
    assert terminated and steps >= 1
    with pytest.raises(ValueError, match="action"):
        env.step(5)
    with pytest.raises(AssertionError, match="reset"):
        TabularMDPEnv().step(0)


def test_env_truncates_at_max_episode_steps():
    env = TabularMDPEnv(_never_ending(), max_episode_steps=3)
    env.reset(seed=0)
    flags = [env.step(0)[2:4] for _ in range(3)]
    assert flags == [(False, False), (False, False), (False, True)]
