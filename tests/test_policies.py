"""pg_helpers.policies: the reference softmax policy of notebook 01."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import pg_helpers as pg
from pg_helpers.policies import (
    grad_log_prob,
    log_softmax,
    policy_probs,
    sample_action,
    softmax,
    temperature_softmax,
)


def test_softmax_hand_value_and_batch():
    np.testing.assert_allclose(softmax([2.0, 1.0, 0.5]), [0.628532, 0.231224, 0.140244], atol=1e-6)
    z = np.array([[0.0, 0.0], [1.0, 3.0], [5.0, 1.0]])  # (3, 2): rows are independent
    np.testing.assert_allclose(softmax(z), torch.softmax(torch.tensor(z), dim=-1).numpy(), atol=1e-12)


def test_softmax_stable_at_large_logits():
    np.testing.assert_allclose(softmax([1000.0, 0.0, -1000.0]), [1.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(softmax([1000.0, 1000.0]), [0.5, 0.5])


def test_log_softmax_matches_torch_and_is_finite():
    z = np.array([[0.0, -1000.0, 3.0], [2.0, 1.0, 0.5]])
    np.testing.assert_allclose(log_softmax(z), torch.log_softmax(torch.tensor(z), dim=-1).numpy(), atol=1e-12)
    assert np.isfinite(log_softmax([1000.0, -1000.0])).all()


def test_temperature_limits_and_errors():
    z = [2.0, 1.0, 0.5]
    np.testing.assert_allclose(temperature_softmax(z, 1.0), softmax(z))
    np.testing.assert_allclose(temperature_softmax(z, 0.01), [1.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(temperature_softmax(z, 1e4), [1 / 3] * 3, atol=1e-3)
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="temperature must be"):
            temperature_softmax(z, bad)


def test_empty_logits_rejected():
    with pytest.raises(ValueError, match="at least one entry"):
        softmax([])
    with pytest.raises(ValueError, match="at least one entry"):
        log_softmax(3.0)


def test_policy_probs_uses_theta_transpose():
    theta = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, -1.0]])  # (d=2, k=3)
    np.testing.assert_allclose(policy_probs(theta, [1.0, 0.0]), softmax([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(policy_probs(theta, [0.5, 2.0]), softmax([0.5, 1.0, -0.5]))
    with pytest.raises(ValueError, match=r"x must have shape \(2,\)"):
        policy_probs(theta, [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"theta must have shape \(d, k\)"):
        policy_probs(np.zeros(3), [1.0])


def test_sample_action_frequencies_and_rng_only():
    theta = np.array([[2.0, 1.0, 0.5], [0.0, 0.0, 0.0]])
    x = np.array([1.0, 0.0])
    rng = np.random.default_rng(0)
    draws = np.array([sample_action(theta, x, rng) for _ in range(20_000)])
    freq = np.bincount(draws, minlength=3) / draws.size
    np.testing.assert_allclose(freq, softmax([2.0, 1.0, 0.5]), atol=0.02)  # ~6 standard errors
    again = [sample_action(theta, x, np.random.default_rng(5)) for _ in range(3)]
    assert len(set(again)) == 1  # same seed, same draw


def test_grad_log_prob_matches_autograd_and_finite_differences():
    rng = np.random.default_rng(1)
    theta = rng.normal(size=(4, 3))
    x = rng.normal(size=4)
    for a in range(3):
        g = grad_log_prob(theta, x, a)
        assert g.shape == (4, 3)
        np.testing.assert_allclose(g.sum(axis=1), 0.0, atol=1e-12)
        t = torch.tensor(theta, requires_grad=True)
        torch.log_softmax(t.T @ torch.tensor(x), dim=-1)[a].backward()
        np.testing.assert_allclose(g, t.grad.numpy(), atol=1e-12)
        num = pg.numerical_gradient(lambda th: np.log(policy_probs(th, x)[a]), theta)
        np.testing.assert_allclose(g, num, atol=1e-6)


@pytest.mark.parametrize("a", [-1, 3, 1.0, True])
def test_grad_log_prob_rejects_bad_actions(a):
    with pytest.raises(ValueError, match=r"a must be an int in \[0, 3\)"):
        grad_log_prob(np.zeros((2, 3)), [1.0, 0.0], a)


def test_notebook_01_does_not_import_its_own_answers():
    """These are notebook 01's answers: its source and its release must not import them."""
    import nbformat

    from grading.base.course import Course

    course = Course()
    for path in (course.source_notebook("01_softmax_policy"), course.release_notebook("01_softmax_policy")):
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assert "policies" not in code, f"{path} mentions pg_helpers.policies, which holds its answers"
