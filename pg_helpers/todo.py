"""Unfinished TODOs, named: what a fresh notebook says when a cell fails because of one.

In the student release (``make release``) every TODO function starts as a stub raising
``NotImplementedError("softmax is not written yet: ...")`` (see ``grading/authoring/stubs.py``): a cell that
calls it says which function to write. A cell that only uses the *results* of such a cell (a
variable the failed cell never set, a plot of an empty list) fails with an unrelated error; after
such an error, a note printed under it names the unfinished TODOs that stopped earlier cells.

Installed by ``import pg_helpers`` in a Jupyter kernel (every notebook's setup cell, from 01 on).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

# Every stub's message reads "<name> is not written yet: ..." (grading.authoring.stubs.STUB_MESSAGE).
NOT_WRITTEN = "is not written yet"


def is_stub(obj) -> bool:
    """True for a function whose code still holds its release stub's message, or a class with such a method."""
    if isinstance(obj, type):  # a TODO class (notebook 05's GaussianPolicy): its stubs sit in its methods
        return any(is_stub(member) for member in vars(obj).values())
    code = getattr(obj, "__code__", None)
    return code is not None and any(isinstance(c, str) and NOT_WRITTEN in c for c in code.co_consts)


class StoppedTodos:
    """The TODO functions whose stub stopped a cell of this kernel, while they are still stubs."""

    def __init__(self):
        self.names: dict[str, None] = {}  # insertion-ordered set: the order the cells stopped

    def after_cell(self, error: BaseException | None, namespace: Mapping[str, object]) -> str | None:
        """Record a stub's error, or return the note for another error (None: nothing to add)."""
        if error is None:
            return None
        message = str(error)
        if NOT_WRITTEN in message:  # a stub's own message already names its TODO
            self.names[message.split(" ", 1)[0]] = None
            return None
        self.names = {name: None for name in self.names if is_stub(namespace.get(name))}
        if not self.names:
            return None
        return (f"Note: earlier cells stopped at unfinished TODOs ({', '.join(self.names)}). This cell may need "
                "what they would have computed: write those functions, then run the cells again from the first.")


_STOPPED = StoppedTodos()


def _after_cell(result) -> None:
    shell = _shell()
    note = _STOPPED.after_cell(getattr(result, "error_in_exec", None), shell.user_ns if shell is not None else {})
    if note:
        print(note)


def _shell():
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


def install() -> None:
    """Print the note after failing cells of this kernel (once; nothing outside IPython)."""
    shell = _shell()
    if shell is None or _after_cell in shell.events.callbacks.get("post_run_cell", []):
        return
    shell.events.register("post_run_cell", _after_cell)
