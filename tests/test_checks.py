"""pg_helpers.checks: each check passes on good input and fails with an expected/got message."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import pg_helpers as pg


def test_to_numpy_accepts_tensors_lists_scalars():
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    assert np.array_equal(pg.to_numpy(t), [1.0, 2.0])
    assert pg.to_numpy([[1, 2]]).shape == (1, 2)
    assert pg.to_numpy(3.5).shape == ()


def test_none_says_return_was_forgotten():
    with pytest.raises(AssertionError, match="forget to `return`"):
        pg.check_close("softmax(z)", None, [1.0])


def test_check_shape():
    pg.check_shape("x", np.zeros((2, 3)), (2, 3))
    with pytest.raises(AssertionError, match=r"expected shape \(3,\), got shape \(1, 3\)"):
        pg.check_shape("x", np.zeros((1, 3)), (3,))


def test_check_close_passes_within_tolerance_and_reports_differences():
    pg.check_close("p", [0.1, 0.2 + 1e-9], [0.1, 0.2])
    pg.check_close("p", torch.tensor([1.0]), np.array([1.0]))
    with pytest.raises(AssertionError) as info:
        pg.check_close("p", [0.1, 0.3], [0.1, 0.2])
    message = str(info.value)
    assert "expected: [0.1, 0.2]" in message and "got:      [0.1, 0.3]" in message
    assert "at index (1,)" in message


def test_check_close_does_not_broadcast():
    with pytest.raises(AssertionError, match="expected shape"):
        pg.check_close("p", [[1.0, 2.0]], [1.0, 2.0])


def test_check_close_rejects_nan_even_if_expected_is_nan_free():
    with pytest.raises(AssertionError, match="non-finite"):
        pg.check_close("p", [np.nan], [0.0], atol=np.inf)


def test_check_finite():
    pg.check_finite("z", [1e300, -1e300])
    with pytest.raises(AssertionError, match=r"1 non-finite \(first at index \(0, 1\)\)"):
        pg.check_finite("z", [[0.0, np.inf]])
    with pytest.raises(AssertionError, match="expected numbers"):
        pg.check_finite("z", np.array(["a"]))


def test_check_probability_vector():
    pg.check_probability_vector("pi", [[0.2, 0.8], [1.0, 0.0]])
    with pytest.raises(AssertionError, match="sum to 1"):
        pg.check_probability_vector("pi", [0.2, 0.7])
    with pytest.raises(AssertionError, match=r"in \[0, 1\]"):
        pg.check_probability_vector("pi", [-0.5, 1.5])


def test_check_true_and_passed(capsys):
    pg.check_true(1 + 1 == 2, "arithmetic")
    with pytest.raises(AssertionError, match="the row sums must be zero"):
        pg.check_true(False, "the row sums must be zero")
    pg.passed("softmax")
    assert "softmax: visible tests passed" in capsys.readouterr().out


def test_long_arrays_are_elided():
    with pytest.raises(AssertionError, match=r"\.\.\.\] \(shape \(100,\)\)"):
        pg.check_close("v", np.ones(100), np.zeros(100))
