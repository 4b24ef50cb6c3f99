"""Progress bars for training loops (used from notebook 01's experiment on)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress(iterable: Iterable[T] | None = None, total: int | None = None, desc: str = "", **kwargs) -> tqdm:
    """A tqdm bar: a widget in Jupyter and Colab, text in a terminal or under nbval.

    ``progress(range(n), desc="training")`` or ``bar = progress(total=n)`` with ``bar.update()``.
    Updates are throttled (``mininterval``) so fast loops do not pay for the bar.
    """
    kwargs.setdefault("mininterval", 0.2)
    kwargs.setdefault("leave", True)
    return tqdm(iterable, total=total, desc=desc, **kwargs)
