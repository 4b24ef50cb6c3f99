"""pg_helpers.config, seeding and gradcheck."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

import pg_helpers as pg


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("ON", True), ("0", False), ("", False)])
def test_fast_mode_reads_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("PG_FAST", value)
    assert pg.fast_mode() is expected
    assert pg.pick(1000, 10) == (10 if expected else 1000)


def test_fast_mode_unset_is_full(monkeypatch):
    monkeypatch.delenv("PG_FAST", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert pg.fast_mode() is False


@pytest.mark.parametrize("execution, expected", [("validate", True), ("autograde", False)])
def test_nbgrader_validate_is_fast_unless_pg_fast_says_otherwise(monkeypatch, execution, expected):
    monkeypatch.delenv("PG_FAST", raising=False)
    monkeypatch.setenv("NBGRADER_EXECUTION", execution)
    assert pg.fast_mode() is expected
    monkeypatch.setenv("PG_FAST", "0")  # an explicit setting wins
    assert pg.fast_mode() is False


def test_fast_mode_rejects_unknown_values(monkeypatch):
    monkeypatch.setenv("PG_FAST", "maybe")
    with pytest.raises(ValueError, match="got 'maybe'"):
        pg.fast_mode()


def test_set_seed_makes_every_source_repeat():
    def draw(seed):
        rng = pg.set_seed(seed)
        return random.random(), np.random.rand(), torch.rand(1).item(), rng.random()

    assert draw(7) == draw(7)
    assert all(a != b for a, b in zip(draw(7), draw(8)))


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError), (True, TypeError)])
def test_set_seed_rejects_bad_seeds(bad, error):
    with pytest.raises(error, match="seed"):
        pg.set_seed(bad)


def test_numerical_gradient_matches_analytic_and_leaves_input_alone():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    grad = pg.numerical_gradient(lambda v: float(np.sum(v**3)), x)
    assert np.allclose(grad, 3 * before**2, atol=1e-5)
    assert np.array_equal(x, before)


def test_numerical_gradient_rejects_bad_eps():
    with pytest.raises(ValueError, match="eps must be positive"):
        pg.numerical_gradient(lambda v: 0.0, np.zeros(2), eps=0)
