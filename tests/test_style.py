"""pg_helpers.style: one colour-blind-safe look, legends off the data, visible references, alt text."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import pg_helpers as pg  # noqa: E402
from pg_helpers import style  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_import_applies_a_colour_blind_safe_cycle_with_a_line_style_per_colour():
    cycle = list(matplotlib.rcParams["axes.prop_cycle"])
    assert [c["color"] for c in cycle] == style.palette()
    assert style.palette()[:2] == ["#3f90da", "#ffa90e"] or "petroff10" not in matplotlib.style.library
    styles = [c["linestyle"] for c in cycle]
    assert len(set(map(str, styles))) == len(styles), "two curves would differ by colour only"


def test_legend_outside_sits_right_of_the_axes():
    _, ax = plt.subplots()
    ax.plot([0, 1], label="curve")
    legend = style.legend_outside(ax)
    plt.gcf().canvas.draw()
    assert legend.get_window_extent().x0 >= ax.get_window_extent().x1


def test_a_reference_at_the_top_is_moved_off_the_frame():
    _, ax = plt.subplots()
    ax.plot([0, 250, 500])
    ax.set_ylim(0, 500)
    line = style.reference_line(ax, 500, "solved")
    low, high = ax.get_ylim()
    assert high > 500 and low == 0, "CartPole's 500 must not sit on the frame"
    assert line.get_zorder() > 2 and line.get_label() == "solved"


def test_a_second_reference_can_look_different():
    _, ax = plt.subplots()
    first = style.reference_line(ax, 500, "500 (maximum)")
    second = style.reference_line(ax, 475, "475 (solved)", linestyle=":", color="gray")
    assert first.get_linestyle() != second.get_linestyle() and second.get_zorder() == first.get_zorder()
    plt.close("all")


def test_learning_curve_keeps_its_lines_and_puts_the_legend_outside():
    ax = pg.plot_learning_curve(np.linspace(0, 500, 10), smooth_window=3, reference=500, reference_label="solved",
                                label="REINFORCE")
    assert len(ax.lines) == 3 and ax.get_ylim()[1] > 500
    assert ax.get_legend().get_bbox_to_anchor() is not None and ax.get_legend()._loc == 2  # upper left, outside
    raw, smoothed = ax.lines[1], ax.lines[0]
    assert raw.get_color() == smoothed.get_color()


def test_describe_titles_and_prints_one_line_of_alt_text(capsys):
    fig, ax = plt.subplots()
    assert style.describe(ax, "Returns per update", "Returns rise to 500 on every seed.") == "Returns rise to 500 on every seed."
    assert ax.get_title() == "Returns per update" and fig.pg_alt_text.startswith("Returns rise")
    assert capsys.readouterr().out == "Figure: Returns per update. Returns rise to 500 on every seed.\n"
    style.describe(fig, "Two panels", "Both panels agree.")
    assert fig.get_suptitle() == "Two panels"
    with pytest.raises(ValueError, match="needs a title and a one-line alt text"):
        style.describe(fig, "", "x")
    with pytest.raises(ValueError, match="must be one line"):
        style.describe(fig, "t", "a\nb")
