"""Progress bars for training loops (used from notebook 01's experiment on).

In a Jupyter kernel (JupyterLab, Colab, VS Code, nbclient) the bar is an ordinary rich output,
HTML with a plain-text twin, redrawn in place through a display id: a saved notebook keeps its
last state and shows it on reopening (a widget would show "model not found" there). Elsewhere
(a script, a terminal) it is one line on stderr, redrawn with a carriage return.

A bar ends in one of three states, in colour and in words:
- ``done``: it reached its total, or ``bar.finish("solved at update 212")`` said why it stopped
  early (the outcome is printed in the bar);
- ``stopped``: closed before its total without a reason;
- ``error``: an exception left the ``with`` block or the loop.
"""

from __future__ import annotations

import html
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

WIDTH = 24  # characters of the text bar
COLOURS = {"running": "#4477aa", "done": "#228833", "stopped": "#888888", "error": "#cc3311"}  # Tol's bright palette


def _kernel_display():
    """IPython's ``display`` when running in a Jupyter kernel, else None."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "kernel"):
        return None
    from IPython.display import display

    return display


class Progress(Generic[T]):
    """A progress bar; see the module docstring. Create it with :func:`progress`."""

    def __init__(self, iterable: Iterable[T] | None = None, total: int | None = None, desc: str = "", *,
                 leave: bool = True, mininterval: float = 0.2, disable: bool = False):
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)
        if total is not None and (not isinstance(total, int) or total < 0):
            raise ValueError(f"progress: total must be a whole number >= 0 or None, got {total!r}")
        self.iterable, self.total, self.desc = iterable, total, desc
        self.leave, self.mininterval, self.disable = leave, mininterval, disable
        self.n, self.state, self.outcome = 0, "running", ""
        self.start = self._last_draw = time.perf_counter()
        self._display = None if disable else _kernel_display()
        self._handle = None
        self._draw(force=True)

    # --- counting -------------------------------------------------------------------------
    def update(self, n: int = 1) -> None:
        """Count ``n`` more steps."""
        self.n += n
        self._draw()

    def __iter__(self) -> Iterator[T]:
        if self.iterable is None:
            raise TypeError("progress: nothing to iterate; pass an iterable, or call update() on a bar made with total=")
        finished = False
        try:
            for item in self.iterable:
                yield item
                self.update()
            finished = True
        except GeneratorExit:  # the loop ended early (break): stopped, or finished if finish() was called
            finished = True
            raise
        finally:
            self.close(error=not finished)

    def __enter__(self) -> Progress[T]:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(error=exc_type is not None)

    # --- ending -----------------------------------------------------------------------------
    def finish(self, outcome: str) -> None:
        """End the bar as done, with ``outcome`` in its text, e.g. ``bar.finish("solved at update 212")``.

        For a run that stops early for a good reason: the bar turns green instead of looking
        like a crash at 21 %.
        """
        self.outcome = outcome
        self._end("done")

    def close(self, error: bool = False) -> None:
        """End the bar: ``error``, ``done`` if it reached its total (or has none), else ``stopped``."""
        if self.state != "running":
            return
        complete = self.total is None or self.n >= self.total
        self._end("error" if error else "done" if complete else "stopped")

    def _end(self, state: str) -> None:
        if self.state != "running":
            return
        self.state = state
        self._draw(force=True)
        if self._display is None and not self.disable:
            sys.stderr.write("\n" if self.leave else "\r" + " " * len(self.text()) + "\r")
            sys.stderr.flush()

    # --- drawing ----------------------------------------------------------------------------
    def fraction(self) -> float | None:
        """Share of the total done, 1.0 once finished; None without a total."""
        if self.state == "done":
            return 1.0
        if not self.total:
            return None
        return min(self.n / self.total, 1.0)

    def words(self) -> str:
        """Count, time and state, e.g. ``212/1000 5.1 s done: solved at update 212``."""
        count = f"{self.n}/{self.total}" if self.total is not None else f"{self.n}"
        elapsed = time.perf_counter() - self.start
        status = "" if self.state == "running" else f" {self.state}" + (f": {self.outcome}" if self.outcome else "")
        return f"{count} {elapsed:.1f} s{status}"

    def text(self) -> str:
        """The bar as one line of text, e.g. ``training |########----| 212/1000 5.1 s done: solved``."""
        fraction = self.fraction()
        filled = round(WIDTH * (fraction or 0.0))
        bar = f"|{'#' * filled}{'-' * (WIDTH - filled)}| " if fraction is not None else ""
        return f"{self.desc + ' ' if self.desc else ''}{bar}{self.words()}"

    def html(self) -> str:
        """The bar as HTML: a coloured bar and the same words as :meth:`text`."""
        percent = 100 * (self.fraction() or 0.0)
        track = ("display:inline-block;width:16em;height:0.9em;vertical-align:middle;"
                 "background:#e0e0e0;margin:0 0.5em")
        fill = f"display:block;height:100%;width:{percent:.1f}%;background:{COLOURS[self.state]}"
        # The classes name the state for readers of the page (and the browser test): pg-progress-done, ...
        return (f'<div class="pg-progress pg-progress-{self.state}" style="font-family:monospace">{html.escape(self.desc)}'
                f'<span style="{track}"><span style="{fill}"></span></span>{html.escape(self.words())}</div>')

    def _draw(self, force: bool = False) -> None:
        if self.disable:
            return
        now = time.perf_counter()
        if not force and now - self._last_draw < self.mininterval:
            return
        self._last_draw = now
        if self._display is None:
            sys.stderr.write("\r" + self.text())
            sys.stderr.flush()
            return
        gone = self.state != "running" and not self.leave
        bundle = {"text/plain": ""} if gone else {"text/plain": self.text(), "text/html": self.html()}
        if self._handle is None:
            self._handle = self._display(bundle, raw=True, display_id=True)
        else:
            self._handle.update(bundle, raw=True)


def progress(iterable: Iterable[T] | None = None, total: int | None = None, desc: str = "", *,
             leave: bool = True, mininterval: float = 0.2, disable: bool = False) -> Progress[T]:
    """A progress bar for a loop: ``for x in progress(range(n), desc="training")``, or
    ``with progress(total=n) as bar:`` with ``bar.update()``; ``bar.finish("solved at update 212")``
    ends a run that stopped early for a good reason.

    Redraws at most every ``mininterval`` seconds, so fast loops do not pay for the bar;
    ``leave=False`` removes the bar when it ends; ``disable=True`` draws nothing.
    """
    return Progress(iterable, total, desc, leave=leave, mininterval=mininterval, disable=disable)
