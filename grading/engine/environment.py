"""Environment failures: a notebook that fails because the grading set-up is broken, not
because of anything the student wrote.

A run failed because of the environment when the reference solution would fail the same way:

- the kernel never became ready (the sandbox, the executor or the kernel did not start), so no
  notebook code ran at all;
- the first error is in a cell identical to the reference's, and every cell that ran before it
  is identical to the reference's too: up to there the reference runs the very same code;
- a failing cell imports a *course module* (``pg_helpers`` and its modules, or a module the
  reference notebook imports) that does not import on its own in a fresh sandbox either.

A student's own import error stays theirs: a package that does not exist, a name ``pg_helpers``
does not have, a module their code hid (``sys.modules[...] = None``), a message they raised
themselves. Only the last rule needs a fresh sandbox (one per module and grading process).
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
import sys

from ..base import pyparse
from .cold import probe_import
from .sandbox_layers import Limits

COURSE_PACKAGE = "pg_helpers"
NO_MODULE = re.compile(r"No module named '([\w.]+)'")


@functools.lru_cache(maxsize=4096)
def imported_modules(source: str) -> frozenset[str]:
    """Dotted module names a cell imports, with their parents (``a.b`` gives ``a`` and ``a.b``)."""
    try:
        tree = pyparse.parse(source)
    except SyntaxError:
        return frozenset()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return frozenset(".".join(n.split(".")[:k]) for n in names for k in range(1, n.count(".") + 2))


@functools.lru_cache(maxsize=256)
def _exists_on_host(module: str) -> bool:
    """True if the grader's own Python finds ``module`` (a ``pg_helpers`` module, say)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def is_course_module(module: str, reference_imports: set[str]) -> bool:
    """A module the reference needs: one it imports, or part of the course package."""
    if module in reference_imports:
        return True
    return (module == COURSE_PACKAGE or module.startswith(COURSE_PACKAGE + ".")) and _exists_on_host(module)


def error_lines(cell) -> list[str]:
    """``Name: first line of the message`` for each error output of an executed cell."""
    lines = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            message = str(output.get("evalue", "")).strip().splitlines()
            name = output.get("ename", "Error")
            lines.append(f"{name}: {message[0]}" if message else name)
    return lines


def modules_in_failure(cell, reference_imports: set[str]) -> list[str]:
    """Course modules a failing cell imports or its error names, outermost first."""
    named = set(imported_modules(cell.get("source", "")))
    for line in error_lines(cell):
        match = NO_MODULE.search(line)
        if match:
            named.add(match.group(1))
    return sorted((m for m in named if is_course_module(m, reference_imports)), key=lambda m: (m.count("."), m))


@functools.lru_cache(maxsize=64)
def probe(module: str, limits: Limits, fast: bool) -> dict:
    """``sandbox.probe_import``, once per module and options in this process."""
    return probe_import(module, limits, fast)


def failure(run: dict, nb, reference_sources: set[str], reference_imports: set[str],
            limits: Limits, fast: bool) -> str | None:
    """Why the run in ``run`` (``sandbox.run_notebook``'s result for the executed ``nb``) failed
    because of the environment, or None when it did not (or the submission may have caused it)."""
    if run.get("kernel", "ok") != "ok" and not run.get("kernel_started", True):
        return f"the kernel did not start ({run['kernel'][:160]})"
    outcomes = {int(k): v for k, v in run.get("cells", {}).items()}
    failed = sorted(i for i, v in outcomes.items() if v in ("error", "timeout"))
    if not failed:
        return None
    ran = [i for i, v in sorted(outcomes.items()) if v in ("ok", "error", "timeout") and i <= failed[0]]
    if all(nb.cells[i].source.strip() in reference_sources for i in ran):
        first = (error_lines(nb.cells[failed[0]]) or [outcomes[failed[0]]])[0]
        return f"cell {failed[0]}, before any code of the student's, failed: {first[:160]}"
    for index in failed:
        for module in modules_in_failure(nb.cells[index], reference_imports):
            found = probe(module, limits, fast)
            if found.get("error"):
                return f"the sandbox cannot import {module} ({found['error'][:160]})"
    return None


def reference_context(source_nb) -> tuple[set[str], set[str]]:
    """The reference's code cell sources and the modules it imports, for ``failure``."""
    sources = [c.source for c in source_nb.cells if c.cell_type == "code"]
    imports = set().union(*(imported_modules(s) for s in sources)) if sources else set()
    return {s.strip() for s in sources}, imports


def editable_install_note(module: str) -> str:
    """If ``module``'s distribution is installed in editable mode from a folder other than the
    one this grader imports it from, say so (the usual reason a sandbox cannot import it)."""
    import json
    from importlib import metadata
    from pathlib import Path
    from urllib.parse import unquote, urlparse

    top = module.split(".")[0]
    spec = importlib.util.find_spec(top)
    here = Path(spec.origin).resolve().parent if spec and spec.origin else None
    for dist_name in set(metadata.packages_distributions().get(top, [])):
        # Several may answer (an .egg-info in the working folder, say); the installed one records its origin.
        origins = [d.read_text("direct_url.json") for d in metadata.distributions(name=dist_name)]
        try:
            direct = json.loads(next((o for o in origins if o), "{}"))
        except ValueError:
            continue
        if not direct.get("dir_info", {}).get("editable"):
            continue
        target = Path(unquote(urlparse(direct.get("url", "")).path)).resolve()
        if here is None or here.parent != target:
            return (f"The virtual environment {sys.prefix} has {dist_name} installed in editable mode from "
                    f"{target}, a folder the sandbox does not show"
                    + (f" (this grader imports {top} from {here})" if here else "") + ".")
    return ""
