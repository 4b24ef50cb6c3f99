"""Execute a solution notebook as a student's Run All: a fresh kernel, full mode or ``PG_FAST=1``,
with the setup cell's ``SEED = 0`` set to another seed if asked. Every cell runs; the cells that
raised are returned with their error, so one run reports every claim that failed.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

SEED_LINE = re.compile(r"^SEED = 0$", re.MULTILINE)  # the setup cell's line, in every notebook


@contextmanager
def environment(**values: str | None):
    """Set (or, for None, remove) environment variables for the kernels started inside."""
    saved = {k: os.environ.get(k) for k in values}
    for key, value in values.items():
        os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    try:
        yield
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def with_seed(nb, seed: int):
    """The notebook with its setup cell's ``SEED = 0`` replaced by ``SEED = seed`` (exactly one such line)."""
    hits = [c for c in nb.cells if c.cell_type == "code" and SEED_LINE.search(c.source)]
    if len(hits) != 1:
        raise ValueError(f"expected one setup cell with the line 'SEED = 0'; found {len(hits)}")
    hits[0].source = SEED_LINE.sub(f"SEED = {seed}", hits[0].source)
    return nb


@dataclass(frozen=True)
class FailedCell:
    index: int  # 0-based, as in solutions/
    error: str  # "AssertionError: the text says ..."

    def __str__(self) -> str:
        return f"c{self.index}: {self.error}"


@dataclass(frozen=True)
class RunResult:
    seconds: float
    failed: tuple[FailedCell, ...]


def _errors(nb) -> tuple[FailedCell, ...]:
    failed = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                message = f"{out.get('ename', '')}: {out.get('evalue', '')}".strip(": ")
                failed.append(FailedCell(i, message.splitlines()[0][:300] if message else "error"))
    return tuple(failed)


def run_notebook(path: Path, *, fast: bool, seed: int = 0, stop_on_error: bool = False, timeout: int = 900) -> RunResult:
    """Run the notebook top to bottom in a fresh kernel; the seconds it took and the cells that raised."""
    nb = nbformat.read(path, as_version=4)
    if seed != 0:
        with_seed(nb, seed)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=not stop_on_error,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with environment(PG_FAST="1" if fast else "0", NBGRADER_EXECUTION=None):
        client.execute()
    return RunResult(time.perf_counter() - start, _errors(nb))
