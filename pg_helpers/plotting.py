"""Plots the notebooks share: learning curves and action-probability bars.

Introduced in notebook 01 (bars) and notebook 01's experiment (curves). Every function draws on
a given ``ax`` (or a new one) and returns the ``Axes``, so cells can add to the figure. They follow
the course style (``pg_helpers.style``): legends outside the data, reference lines kept visible.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from .checks import to_numpy
from .style import legend_outside, palette, reference_line


def smooth(values: Sequence[float], window: int) -> np.ndarray:
    """Trailing moving average: entry t averages values[max(0, t-window+1) : t+1].

    Same length as ``values``; the first entries average what exists so far.
    """
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    x = to_numpy(values, "values").astype(np.float64).ravel()
    csum = np.concatenate([[0.0], np.cumsum(x)])
    idx = np.arange(1, x.size + 1)
    start = np.maximum(0, idx - window)
    return (csum[idx] - csum[start]) / (idx - start)


def plot_learning_curve(
    values: Sequence[float],
    *,
    ax: plt.Axes | None = None,
    x: Sequence[float] | None = None,
    smooth_window: int = 1,
    label: str | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
    xlabel: str = "episode",
    ylabel: str = "return",
    title: str | None = None,
    show_raw: bool = True,
) -> plt.Axes:
    """Plot a curve (raw, faint) and its moving average, with an optional horizontal reference.

    ``reference`` draws a dashed line, e.g. CartPole's 500 or an exact optimum, kept off the frame;
    the legend goes to the right of the axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    y = to_numpy(values, "values").astype(np.float64).ravel()
    xs = np.arange(y.size) if x is None else to_numpy(x, "x").ravel()
    if xs.shape != y.shape:
        raise ValueError(f"x has {xs.size} points but values has {y.size}")
    (main,) = ax.plot(xs, smooth(y, smooth_window), label=label)
    if show_raw and smooth_window > 1:  # the raw values, faint, in the smoothed curve's colour and style
        ax.plot(xs, y, alpha=0.25, linewidth=0.8, color=main.get_color(), linestyle=main.get_linestyle(),
                zorder=main.get_zorder() - 0.1)
    if reference is not None:
        reference_line(ax, reference, reference_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if label or reference_label:
        legend_outside(ax)
    return ax


def plot_action_probs(
    probs: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    ax: plt.Axes | None = None,
    title: str | None = None,
    annotate: bool = True,
) -> plt.Axes:
    """Bar chart of a probability vector over actions, each bar labelled with its value."""
    p = to_numpy(probs, "probs").astype(np.float64).ravel()
    names = [f"a={i}" for i in range(p.size)] if labels is None else list(labels)
    if len(names) != p.size:
        raise ValueError(f"{p.size} probabilities but {len(names)} labels")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3))
    bars = ax.bar(names, p, color=palette()[0])
    if annotate:
        for bar, value in zip(bars, p):
            ax.text(bar.get_x() + bar.get_width() / 2, value, f"{value:.2f}", ha="center", va="bottom", zorder=6,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.0})  # readable over a reference line
    ax.set_ylim(0, 1.15 if annotate else 1.05)  # room for a label above a bar near 1, clear of the title
    ax.set_ylabel("probability")
    if title:
        ax.set_title(title)
    return ax
