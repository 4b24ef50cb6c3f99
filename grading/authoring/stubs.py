"""What the release puts where a solution was: a stub that says which TODO is unfinished.

nbgrader's ``ClearSolutions`` puts one configured stub in every answer cell, a bare
``raise NotImplementedError()``. A fresh notebook then fails with an empty message in the visible
test, a concept check's test fails with ``NameError: ANSWER_x``, and a later cell that calls an
unfinished function fails with whatever that cell does next. ``NamedStubs`` gives each answer
cell its own stub, read from the solution it replaces:

- inside a function (``def softmax``), ``raise NotImplementedError("softmax is not written yet:
  ...")``: every cell that calls it, the visible test or a later experiment, names the TODO; inside
  a method, the stub names the class (``GaussianPolicy is not written yet``), since every region
  of the cell gets the same stub;
- a concept check's ``ANSWER_x = "b"`` becomes ``ANSWER_x = None``: the visible test then says
  "ANSWER_x: expected one letter ..., got None";
- anything else raises ``NotImplementedError`` naming the cell's grade_id.

``import pg_helpers`` recognises the message to explain later errors (``pg_helpers.todo``).

A stub never passes a test, so a blank submission still scores 0.
"""

from __future__ import annotations

import ast
import json

from nbgrader import utils
from nbgrader.preprocessors import ClearSolutions

from ..base import pyparse
from ..base.cells import BEGIN_SOLUTION, END_SOLUTION

TODO_LINE = "# YOUR CODE HERE"
# pg_helpers.todo recognises "<name> is not written yet" to explain later errors; a test keeps the two
# in step (importing pg_helpers here would cost every nbgrader command seconds).
STUB_MESSAGE = "{name} is not written yet: fill in its TODO cell, then run the cells below it"
ANSWER_STUB = "{name} = None  # replace None with your letter, in quotes"
ANSWER_PREFIX = "ANSWER_"


def _solution_lines(source: str) -> tuple[list[int], list[str]]:
    """Line numbers (1-based) of the BEGIN SOLUTION markers, and the lines inside the regions."""
    begins, inside, in_region = [], [], False
    for number, line in enumerate(source.splitlines(), start=1):
        if line.strip() == BEGIN_SOLUTION:
            begins.append(number)
            in_region = True
        elif line.strip() == END_SOLUTION:
            in_region = False
        elif in_region:
            inside.append(line)
    return begins, inside


def _enclosing_function(tree: ast.AST, line: int) -> str | None:
    """Name of the innermost function whose body spans ``line``; for a method, its class's name.

    One stub replaces every solution region of a cell, so a class whose methods each hold a region
    (``__init__``, ``log_prob``, ...) is named as a whole: "GaussianPolicy is not written yet".
    """
    spanning = [node for node in ast.walk(tree)
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno < line <= node.end_lineno]
    if not spanning:
        return None
    innermost = max(spanning, key=lambda node: node.lineno)
    owners = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and innermost in node.body]
    return owners[0].name if owners else innermost.name


def _answer_names(region_lines: list[str]) -> list[str]:
    """``ANSWER_*`` names the solution region assigns at its top level."""
    try:
        body = pyparse.parse("\n".join(region_lines)).body
    except SyntaxError:
        return []
    names = []
    for node in body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names += [t.id for t in targets if isinstance(t, ast.Name) and t.id.startswith(ANSWER_PREFIX)]
    return list(dict.fromkeys(names))


def _raise(name: str) -> str:
    return f"raise NotImplementedError({json.dumps(STUB_MESSAGE.format(name=name))})"  # a double-quoted literal


def stub_for(source: str, gid: str) -> str:
    """The stub replacing the solution region of an answer cell with this ``source`` and ``gid``.

    Cells whose markers are not valid Python around them (the solution a student would not see
    anyway) fall back to naming the grade_id.
    """
    begins, inside = _solution_lines(source)
    if not begins:
        return f"{TODO_LINE}\n{_raise(gid)}"
    try:
        tree = pyparse.parse(source)
    except SyntaxError:
        tree = None
    function = _enclosing_function(tree, begins[0]) if tree is not None else None
    if function:
        return f"{TODO_LINE}\n{_raise(function)}"
    answers = _answer_names(inside)
    if answers:
        return "\n".join([TODO_LINE, *(ANSWER_STUB.format(name=n) for n in answers)])
    return f"{TODO_LINE}\n{_raise(gid)}"


class NamedStubs(ClearSolutions):
    """nbgrader's ClearSolutions with a stub per answer cell (see the module's docstring)."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code" or not utils.is_solution(cell):
            return super().preprocess_cell(cell, resources, cell_index)
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {cell_index}")
        configured = self.code_stub
        self.code_stub = {**configured, "python": stub_for(cell.source, gid)}
        try:
            return super().preprocess_cell(cell, resources, cell_index)
        finally:
            self.code_stub = configured


def generate_assignment_preprocessors() -> list[type]:
    """nbgrader's ``GenerateAssignment`` steps with ``NamedStubs`` in place of ``ClearSolutions``,
    followed by the student header (before the checksums are computed)."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearSolutions as Default

    from .student_header import StudentHeader

    steps = GenerateAssignment.class_traits()["preprocessors"].default()
    if Default not in steps:
        raise RuntimeError(f"nbgrader's GenerateAssignment no longer runs ClearSolutions: {steps}")
    at = steps.index(Default)
    return [*steps[:at], NamedStubs, StudentHeader, *steps[at + 1:]]
