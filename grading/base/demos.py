"""Demonstration cells: experiments no grade depends on, which the grader may leave unrun.

A source cell tagged ``demo`` (a training run, a sweep, a figure) is skipped at grading time
when no cell that runs after it reads a name it binds. The decision is made per submission,
backwards from the last cell: a cell the grader runs "needs" the names it reads; a demo cell
runs only if it binds a needed name (and then needs what it reads in turn). So a student who
uses a demo's result in their own cell gets the demo run, exactly as in a full run.

Names are found statically (``ast``, after IPython's own translation of ``!shell`` lines).
Every doubt errs towards running: a demo's bindings include every name it stores anywhere,
and a cell that does not parse or runs a ``%magic`` (which can run any code) needs everything.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Sequence

from . import pyparse

DEMO_TAG = "demo"
EVERYTHING = None  # what an unparsable cell reads


def is_demo(cell) -> bool:
    return cell.get("cell_type") == "code" and DEMO_TAG in cell.get("metadata", {}).get("tags", [])


def code_sources(cells) -> list[str]:
    """One source per cell, "" for markdown and raw cells (which bind and read nothing)."""
    return [c.source if c.cell_type == "code" else "" for c in cells]


@functools.lru_cache(maxsize=1024)  # a cell is asked both what it binds and what it reads
def _parse(source: str) -> ast.AST | None:
    """The cell's syntax tree; None if it does not parse or runs a magic (which may run any code)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        source = TransformerManager().transform_cell(source)  # %magic and !shell to Python
    except Exception:  # IPython missing, or a cell it cannot transform
        pass
    if "run_line_magic(" in source or "run_cell_magic(" in source:  # %time f(x), %%capture, %run ...
        return None
    try:
        return pyparse.parse(source)
    except (SyntaxError, ValueError):
        return None


@functools.lru_cache(maxsize=4096)  # every student's copy of a course cell has the same answer
def bound_names(source: str) -> frozenset[str] | None:
    """Every name the cell stores, defines or imports, at any depth (None: unknown, see ``_parse``)."""
    tree = _parse(source)
    if tree is None:
        return None
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            names.add(node.name)
    return frozenset(names)


@functools.lru_cache(maxsize=4096)
def read_names(source: str, own_bindings_count: bool = True) -> frozenset[str] | None:
    """Names the cell reads (None: it may read anything, see ``_parse``).

    With ``own_bindings_count``, names the cell binds itself are not counted as read from
    earlier cells (exact for course code, which defines before it uses).
    """
    tree = _parse(source)
    if tree is None:
        return EVERYTHING
    loads = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    if own_bindings_count:
        loads -= bound_names(source) or set()
    return frozenset(loads)


def cells_to_skip(sources: Sequence[str], demos: set[int], student: set[int]) -> list[int]:
    """Indices of the demo cells among ``sources`` (one per cell; "" for markdown) that need not run.

    ``demos``: indices of demo cells; ``student``: indices of cells the student wrote or
    changed, whose reads are counted conservatively (every name they load).
    """
    needed: set[str] = set()
    everything = False
    skip: list[int] = []
    for index in range(len(sources) - 1, -1, -1):
        source = sources[index]
        if index in demos and index not in student:
            binds = bound_names(source)
            if binds is not None and not everything and not (binds & needed):
                skip.append(index)
                continue
        reads = read_names(source, own_bindings_count=index not in student)
        if reads is EVERYTHING:
            everything = True
        else:
            needed |= reads
    return sorted(skip)
