"""pg_helpers.plotting and progress."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import pg_helpers as pg  # noqa: E402


def test_smooth_is_a_trailing_mean():
    assert np.allclose(pg.smooth([1, 2, 3, 4], 2), [1.0, 1.5, 2.5, 3.5])
    assert np.allclose(pg.smooth([5, 1], 1), [5, 1])
    with pytest.raises(ValueError, match="window must be >= 1"):
        pg.smooth([1], 0)


def test_learning_curve_draws_raw_smoothed_and_reference():
    ax = pg.plot_learning_curve(np.arange(10.0), smooth_window=3, reference=500, reference_label="solved",
                                label="REINFORCE")
    assert len(ax.lines) == 3  # raw, smoothed, reference
    assert ax.get_xlabel() == "episode" and ax.get_ylabel() == "return"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["REINFORCE", "solved"]
    plt.close("all")


def test_learning_curve_rejects_mismatched_x():
    with pytest.raises(ValueError, match="x has 2 points but values has 3"):
        pg.plot_learning_curve([1, 2, 3], x=[0, 1])


def test_action_probs_bars():
    ax = pg.plot_action_probs([0.63, 0.23, 0.14], ["left", "stay", "right"])
    assert [round(p.get_height(), 2) for p in ax.patches] == [0.63, 0.23, 0.14]
    with pytest.raises(ValueError, match="3 probabilities but 2 labels"):
        pg.plot_action_probs([0.5, 0.3, 0.2], ["a", "b"])
    plt.close("all")

