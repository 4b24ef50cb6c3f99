"""Unit tests for pg_helpers.corridor_exact: the short corridor's value v(p), two ways."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pg_helpers.corridor_exact import P_STAR, V_STAR, corridor_value, corridor_values_linear_solve


def test_closed_form_and_linear_solve_agree():
    for p in np.linspace(0.01, 0.99, 99):
        assert math.isclose(corridor_value(p), corridor_values_linear_solve(p)[0], rel_tol=1e-10)


def test_linear_solve_satisfies_the_bellman_equations():
    p = 0.3
    v0, v1, v2 = corridor_values_linear_solve(p)
    assert math.isclose(v0, -1 + (1 - p) * v0 + p * v1)
    assert math.isclose(v1, -1 + (1 - p) * v2 + p * v0)  # switched actions
    assert math.isclose(v2, -1 + (1 - p) * v1 + p * 0.0)


def test_book_numbers():
    assert math.isclose(P_STAR, 2 - math.sqrt(2)) and round(P_STAR, 3) == 0.586
    assert round(V_STAR, 2) == -11.66
    assert round(corridor_value(0.05), 1) == -82.1
    assert round(corridor_value(0.95), 1) == -44.2
    assert math.isclose(V_STAR, -2 * math.sqrt(2) / (3 * math.sqrt(2) - 4))


def test_p_star_is_the_maximum():
    grid = np.linspace(0.001, 0.999, 99_801)
    assert abs(grid[np.argmax(corridor_value(grid))] - P_STAR) < 1e-4
    h = 1e-6
    assert abs(corridor_value(P_STAR + h) - corridor_value(P_STAR - h)) / (2 * h) < 1e-4


def test_array_input_keeps_its_shape_and_scalars_give_floats():
    assert corridor_value(np.full((2, 3), 0.5)).shape == (2, 3)
    assert isinstance(corridor_value(0.5), float) and corridor_value(0.5) == -12.0


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.2, 1.5])
def test_probabilities_outside_the_open_interval_are_rejected(bad):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        corridor_value(bad)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        corridor_values_linear_solve(bad)
