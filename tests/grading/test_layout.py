"""The layout of ``grading/`` (see its README's floor plan), checked from the imports, read with ``ast``.

- The stages a submission passes through, lowest first: ``base`` (the course tree, its cells, the
  gradebook), ``authoring`` (the release), ``intake`` (the LMS download), ``engine`` (grading),
  ``results`` (grades and feedback). A module may import its own stage and the stages below it,
  never one above; the entry points at the top (``__main__``, ``bench``, ``nbgrader_config``) may
  import any stage, and no stage imports them.
- The ``executor`` package runs inside the sandbox, where ``grading`` is not there: it imports only
  itself.
- No import circle anywhere in the project (``grading``, ``pg_helpers``, ``checks``, ``benchmarks``),
  lazy imports inside functions included.
- No module of ``grading/`` over 300 lines; each stage's ``__init__.py`` a docstring and no import
  (``python -m grading --help`` imports the stages it names, and must stay fast).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from grading.base.course import REPO_ROOT

STAGES = ("base", "authoring", "intake", "engine", "results")
ENTRY_POINTS = ("grading", "grading.__main__", "grading.bench", "grading.nbgrader_config")
EXECUTOR = "grading.engine.executor"
PROJECT = ("grading", "pg_helpers", "checks", "benchmarks")
MAX_LINES = 300


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for top in PROJECT:
        for path in sorted((REPO_ROOT / top).rglob("*.py")):
            if "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
                found[module_name(path)] = path
    return found


MODULES = modules()


def imports(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports, wherever in the file (``from P import m`` counts as
    importing the module ``P.m`` when there is one, else ``P``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # `import a.b.c` of a package: its nearest module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: imports(name, path) for name, path in MODULES.items()}


def stage_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "grading" and len(parts) > 1 and parts[1] in STAGES else None


def test_every_module_of_grading_is_in_a_stage_or_an_entry_point():
    loose = [n for n in MODULES if n.startswith("grading") and stage_of(n) is None and n not in ENTRY_POINTS]
    assert not loose, f"modules of grading/ outside the stages {STAGES}: {loose} (see grading/README.md)"


def test_no_stage_imports_a_higher_stage_or_an_entry_point():
    wrong = []
    for name, targets in GRAPH.items():
        stage = stage_of(name)
        if stage is None:
            continue
        for target in sorted(targets):
            if target in ENTRY_POINTS[1:]:
                wrong.append(f"{name} imports the entry point {target}")
            elif stage_of(target) and STAGES.index(stage_of(target)) > STAGES.index(stage):
                wrong.append(f"{name} ({stage}) imports {target} ({stage_of(target)}): a later stage")
    assert not wrong, "\n".join(wrong)


def test_the_executor_imports_only_itself():
    """It runs inside the sandbox, bound alone at /opt/grader/executor: nothing else of grading is there."""
    outside = [f"{name} imports {target}" for name, targets in GRAPH.items() if name.startswith(EXECUTOR)
               for target in sorted(targets) if not target.startswith(EXECUTOR)]
    assert not outside, "\n".join(outside)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_circles_are_found():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_in_the_project():
    found = circles(GRAPH)
    assert not found, "import circles:\n" + "\n".join(" <-> ".join(c) for c in found)


@pytest.mark.parametrize("name", [n for n in MODULES if n.startswith("grading")])
def test_no_module_of_grading_is_over_300_lines(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(REPO_ROOT)} has {lines} lines (at most {MAX_LINES})"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_owns_and_imports_nothing(stage):
    tree = ast.parse((REPO_ROOT / "grading" / stage / "__init__.py").read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or ""
    assert len(doc.split()) > 30 and "import" in doc, f"grading/{stage}/__init__.py: say what it owns and may import"
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))], (
        f"grading/{stage}/__init__.py imports something: `python -m grading --help` would pay for it")
