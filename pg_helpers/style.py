"""The course's plot style: one look for every figure (notebook 01 on).

- colours: matplotlib's ``petroff10`` (chosen for colour-vision deficiencies; Petroff 2021),
  ``tableau-colorblind10`` where matplotlib is older than 3.10;
- each colour comes with its own line style, so curves differ without colour (greyscale, print);
- room between titles and axes; figures are saved with ``bbox_inches="tight"`` (Jupyter's inline
  backend does this too), so a legend outside the axes is kept whole (constrained layout is not
  switched on: notebooks that call ``plt.tight_layout()`` would then warn);
- ``legend_outside`` puts a legend to the right of the data, never on it;
- ``reference_line`` draws a reference (CartPole's 500, an optimum) that stays visible: never on
  the frame, drawn above the curves, labelled;
- ``describe`` titles a figure and prints its one-line alt text (the figure's message) for
  screen-reader users, and attaches it to the figure.

``import pg_helpers`` applies the style (``use_course_style``); the plotting functions follow it.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler

# Distinct dash patterns, one per colour: the 10th curve still differs from the 1st without colour.
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 2, 1, 2)),
              (0, (3, 3)), (0, (6, 1, 1, 1))]
REFERENCE_STYLE = {"color": "black", "linestyle": (0, (4, 2)), "linewidth": 1.3, "zorder": 5}


def palette() -> list[str]:
    """The course's ten colours, in cycle order."""
    library = mpl.style.library
    name = "petroff10" if "petroff10" in library else "tableau-colorblind10"
    return list(library[name]["axes.prop_cycle"].by_key()["color"])


def course_rc() -> dict:
    """The rcParams of the course style."""
    colours = palette()
    return {
        "axes.prop_cycle": cycler(color=colours) + cycler(linestyle=LINESTYLES[: len(colours)]),
        "patch.facecolor": colours[0],
        "axes.titlepad": 8.0,
        "savefig.bbox": "tight",  # keeps a legend outside the axes in saved files
        "axes.titlesize": "medium",
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "lines.linewidth": 1.8,
    }


def use_course_style() -> None:
    """Apply the course style to every later figure."""
    mpl.rcParams.update(course_rc())


def legend_outside(ax: plt.Axes, **kwargs) -> mpl.legend.Legend:
    """A legend to the right of ``ax``, off the data."""
    kwargs.setdefault("loc", "upper left")
    kwargs.setdefault("bbox_to_anchor", (1.01, 1.0))
    kwargs.setdefault("borderaxespad", 0.0)
    return ax.legend(**kwargs)


def reference_line(ax: plt.Axes, y: float, label: str | None = None, **style) -> mpl.lines.Line2D:
    """A horizontal reference at ``y`` that stays visible: above the curves and inside the frame.

    If ``y`` is at or beyond an edge of the y-range (CartPole's 500 on a curve that reaches 500),
    the range grows by 5 % so the line does not sit on the frame. ``style`` overrides the line's
    look, to tell a second reference on the same axes from the first (e.g. ``linestyle=":"``).
    """
    line = ax.axhline(y, label=label, **{**REFERENCE_STYLE, **style})
    low, high = ax.get_ylim()
    margin = 0.05 * max(high - low, abs(y), 1e-12)
    if y >= high - margin / 5:
        ax.set_ylim(low, y + margin)
    elif y <= low + margin / 5:
        ax.set_ylim(y - margin, high)
    return line


def describe(fig_or_ax, title: str, alt: str) -> str:
    """Title the figure (or axes) and print its alt text; returns the alt text.

    ``alt`` is the figure's message in one line, e.g. "Returns rise from about 20 to 500 within
    40 updates on all three seeds". It is printed under the cell and attached to the figure
    (``fig.pg_alt_text``) for tools that export figures.
    """
    if not title.strip() or not alt.strip():
        raise ValueError(f"describe: a figure needs a title and a one-line alt text, got {title!r} and {alt!r}")
    if "\n" in alt:
        raise ValueError(f"describe: the alt text must be one line, got {alt!r}")
    if isinstance(fig_or_ax, plt.Axes):
        fig_or_ax.set_title(title)
        fig = fig_or_ax.figure
    else:
        fig = fig_or_ax
        fig.suptitle(title)
    fig.pg_alt_text = alt
    print(f"Figure: {title}. {alt}")
    return alt
