"""The pre-flight: before any student is graded, make sure that grading can be right.

``autograde`` runs it first (``--skip-preflight`` skips it, knowingly). For each selected assignment:

1. The release is in step: ``notebooks/<a>/`` is exactly what ``make release`` makes from
   ``solutions/`` now, and the gradebook's copy of the test cells (which nbgrader and formgrader
   use) is the one in ``solutions/``. Otherwise students are graded against tests they never saw.
2. The reference gets full marks: each source notebook, solutions included, is graded like a
   submission, in the same sandbox with the same options. A broken set-up (a module the sandbox
   cannot import, a kernel that does not start, limits too tight) shows here, on the reference.

Any problem stops the batch before a student is graded or anything is written, with the failing
cells, their first error line and the likely cause. What passed is cached, keyed by the checksums
of what it depends on (the source and released notebooks, the options, the interpreter, the
folders the sandbox shows, the ``pg_helpers`` and grader code): a resumed batch does not pay for
it again. The cache is ``autograded/.preflight/``, or the folder ``$PG_GRADING_PREFLIGHT_CACHE``
names (the test suite shares one between its temporary course copies).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..base.cells import grade_id, is_test, nbgrader_meta
from ..base.course import Course, notebooks_of
from . import environment, warm
from .grader import Options, assemble, execute, read_source
from .result_files import Task, new_result
from .sandbox_layers import Limits, protections, python_roots

CACHE_ENV = "PG_GRADING_PREFLIGHT_CACHE"
SKIP_HINT = "To grade anyway, knowingly: autograde --skip-preflight."
MAX_CELL_LINES = 12


class PreflightError(SystemExit):
    """The pre-flight found a problem; the message says what, where and the likely cause."""


# ---- the cache
def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tree_digest(folder: Path, pattern: str = "*") -> list[tuple[str, str]]:
    if not folder.is_dir():
        return []
    return sorted((str(p.relative_to(folder)), _sha(p.read_bytes())) for p in folder.rglob(pattern)
                  if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts)


def _environment_identity() -> dict:
    """What, besides the notebook and the options, decides how the reference runs."""
    spec = importlib.util.find_spec(environment.COURSE_PACKAGE)
    package = Path(spec.origin).parent if spec and spec.origin else None
    return {"python": sys.executable, "sandbox_roots": python_roots(), "protections": protections(announce=False),
            "pg_helpers": _tree_digest(package, "*.py") if package else None,
            "grader": _tree_digest(Path(__file__).parent.parent, "*.py")}  # all of grading/


def cache_dir(course: Course) -> Path:
    return Path(os.environ.get(CACHE_ENV) or course.root / "autograded" / ".preflight")


def _cache_path(course: Course, kind: str, key: dict) -> Path:
    digest = _sha(json.dumps(key, sort_keys=True, default=str).encode())[:32]
    return cache_dir(course) / f"{kind}-{digest}.json"


def _remember(path: Path, what: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(what, indent=1))
    tmp.replace(path)  # atomic: two processes may fill the same entry


# ---- 1. the release and the gradebook are in step with solutions/
def release_problems(course: Course, assignment: str) -> list[str]:
    """Differences between ``notebooks/<assignment>/`` and a fresh release of ``solutions/`` now."""
    from ..authoring.release import release

    key = {"solutions": _tree_digest(course.solutions / assignment),
           "notebooks": _tree_digest(course.notebooks / assignment),
           "config": _sha((course.grading / "nbgrader_config.py").read_bytes()),
           "install": course.colab_install_spec(), "nbgrader": _nbgrader_version()}
    cached = _cache_path(course, f"release-{assignment}", key)
    if cached.is_file():
        return []
    with tempfile.TemporaryDirectory(prefix="pg-preflight-") as tmp:
        fresh = Course(Path(tmp))
        shutil.copytree(course.solutions / assignment, fresh.solutions / assignment)
        shutil.copytree(course.grading, fresh.grading, ignore=shutil.ignore_patterns("__pycache__", "gradebook.db*"))
        shutil.copy2(course.root / "pyproject.toml", fresh.root / "pyproject.toml")
        try:
            release(fresh, [assignment], quiet=True)
        except SystemExit as exc:
            return [f"{assignment}: `make release` fails on solutions/{assignment}: {str(exc)[:300]}"]
        have, want = dict(_tree_digest(course.notebooks / assignment)), dict(_tree_digest(fresh.notebooks / assignment))
    where = f"notebooks/{assignment}/"
    problems = [f"{where}{name}: differs from what `make release` makes from solutions/ now"
                for name in sorted(set(have) & set(want)) if have[name] != want[name]]
    problems += [f"{where}{name}: missing (never released?)" for name in sorted(set(want) - set(have))]
    problems += [f"{where}{name}: not part of a release of solutions/" for name in sorted(set(have) - set(want))]
    if not problems:
        _remember(cached, {"assignment": assignment, "in_step": True})
    return problems


def _nbgrader_version() -> str:
    from importlib.metadata import version

    return version("nbgrader")


def gradebook_problems(url: str, course: Course, assignments: list[str]) -> list[str]:
    """Test cells whose gradebook copy (points, source) differs from ``solutions/``.

    An assignment the gradebook does not know yet (a fresh shared database) has nothing to differ.
    """
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        return []
    import nbformat
    from nbgrader.api import MissingEntry

    from ..base.gradebook import open_gradebook

    problems = []
    with open_gradebook(url) as gb:
        for assignment in assignments:
            for notebook in notebooks_of(course, assignment):
                try:
                    stored = gb.find_notebook(notebook, assignment)
                except MissingEntry:
                    continue
                source = nbformat.read(course.solutions / assignment / f"{notebook}.ipynb", as_version=4)
                tests = {grade_id(c): c for c in source.cells if is_test(c)}
                points = {g.name: float(g.max_score) for g in stored.grade_cells}
                sources = {c.name: c.source for c in stored.source_cells}
                where = f"{assignment}/{notebook}: test cell"
                problems += [f"{where} {gid} is in solutions/ but not in the gradebook" for gid in sorted(set(tests) - set(points))]
                problems += [f"{where} {gid} is in the gradebook but no longer in solutions/"
                             for gid in sorted(set(points) - set(tests))]
                for gid in sorted(set(tests) & set(points)):
                    want = float(nbgrader_meta(tests[gid]).get("points", 0))
                    if points[gid] != want:
                        problems.append(f"{where} {gid}: {points[gid]:g} points in the gradebook, {want:g} in solutions/")
                    elif gid in sources and sources[gid].strip() != tests[gid].source.strip():
                        problems.append(f"{where} {gid}: the gradebook's copy differs from solutions/")
    return problems


# ---- 2. the reference gets full marks in the sandbox
def reference_problem(course: Course, assignment: str, notebook: str, options: Options) -> str | None:
    """None if the reference solution of ``notebook`` gets full marks; else what failed and why."""
    source_path = course.solutions / assignment / f"{notebook}.ipynb"
    release_path = course.notebooks / assignment / f"{notebook}.ipynb"
    key = {"source": _sha(source_path.read_bytes()),
           "release": _sha(release_path.read_bytes()) if release_path.is_file() else None,
           "options": dataclasses.asdict(options), "environment": _environment_identity()}
    cached = _cache_path(course, f"reference-{assignment}-{notebook}", key)
    if cached.is_file():
        return None
    source, release = read_source(course, assignment, notebook)
    result = new_result(Task("(reference solution)", assignment, notebook), source)
    nb, student_cells = assemble(source, release, source)
    executed = execute(source, nb, student_cells, options, result)
    got, top = sum(result["scores"].values()), sum(result["max_scores"].values())
    if result["status"] != "failed" and got == top:
        _remember(cached, {"assignment": assignment, "notebook": notebook, "points": top,
                           "seconds": result.get("seconds")})
        return None
    # For the reference every cell is "before any code of the student's": only a run that broke says more.
    broke = result["status"] == "failed" and not result["reason"].startswith("environment: cell ")
    lines = [f"{assignment}/{notebook}.ipynb: the reference solution gets {got:g} of {top:g} points in the sandbox"
             + (f" ({result['reason']})" if broke else "")]
    lines += _failing_cells(executed, result)
    lines.append("  likely cause: " + likely_cause(course, executed, result, options))
    return "\n".join(lines)


def _failing_cells(executed, result: dict) -> list[str]:
    """One line per cell that failed (grade id or index: first error line); test cells left at 0."""
    lines = []
    for index, cell in enumerate(executed.cells):
        outcome = result["outcomes"].get(str(index))
        gid = grade_id(cell)
        lost = gid in result["max_scores"] and result["scores"].get(gid) != result["max_scores"][gid]
        if outcome in ("error", "timeout") or (lost and outcome != "ok"):
            label = f"{gid} (cell {index})" if gid else f"cell {index}"
            first = (environment.error_lines(cell) or [outcome or "not run"])[0]
            lines.append(f"  - {label}: {first[:200]}")
    if len(lines) > MAX_CELL_LINES:
        lines = lines[:MAX_CELL_LINES] + [f"  - ... and {len(lines) - MAX_CELL_LINES} more"]
    return lines or ["  - no cell failed, but the scores fall short (a test cell did not run)"]


def likely_cause(course: Course, executed, result: dict, options: Options) -> str:
    """The most likely reason the reference failed, with what to do about it."""
    reason = result.get("reason", "")
    limits: Limits = options.limits
    if "the kernel did not start" in reason:
        tail = (result.get("stderr") or "").strip().splitlines()[-1:]
        return ("the kernel could not start in the sandbox" + (f" (its last words: {tail[0][:200]})" if tail else "")
                + f"; check that this environment runs Jupyter (`make install`) and that --memory-gb "
                  f"({limits.memory_bytes / 1024**3:g}) leaves room for it.")
    _, imports = environment.reference_context(executed)
    for index, cell in enumerate(executed.cells):
        if result["outcomes"].get(str(index)) not in ("error", "timeout"):
            continue
        for module in environment.modules_in_failure(cell, imports):
            found = environment.probe(module, options.limits, options.fast)
            if found.get("error"):
                return _import_cause(course, module, found)
    outcomes = set(result["outcomes"].values())
    if "timeout" in outcomes:
        return (f"cells ran out of time (--cell-timeout {limits.cell_timeout} s, --budget {limits.budget} s): "
                "a slow or busy machine, or a solution that became slower.")
    if any("memory" in flag for flag in result["flags"]):
        return f"a cell hit the memory limit: raise --memory-gb (now {limits.memory_bytes / 1024**3:g})."
    if "kernel died" in reason:
        return "the kernel died while running the reference (see the cell above): a crash or a resource limit."
    return ("the reference fails its own tests: a solution or a test in solutions/ was changed so that they "
            "no longer agree, or this environment's packages are not the course's (`make install`).")


def _import_cause(course: Course, module: str, found: dict) -> str:
    where = ", ".join(p or "(the working folder)" for p in found.get("sys_path", [])) or "(Python did not start)"
    text = f"the sandbox cannot import {module} ({found['error'][:200]}). Inside the sandbox Python looked in: {where}."
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        text += f" This grader's Python ({sys.executable}) does not find {module} either: install the course (`make install`)."
        return text
    text += f" This grader imports it from {spec.origin}."
    note = environment.editable_install_note(module)
    if note:
        text += (f" {note} Grade with this course's own environment (`make install` in {course.root}, then "
                 f"{course.root}/.venv/bin/python -m grading ...), or install this course into the environment "
                 f"you use (`pip install -e {course.root}`).")
    return text


# ---- all of it
def preflight(course: Course, assignments: list[str], options: Options, url: str | None = None,
              jobs: int | None = None, quiet: bool = False) -> None:
    """Check ``assignments`` before grading; raise ``PreflightError`` (a SystemExit) on any problem."""
    protections()  # probe (and announce) once, before the threads use it
    stale = gradebook_problems(url, course, assignments) if url else []
    tasks = [(a, nb) for a in assignments for nb in notebooks_of(course, a)]
    with ThreadPoolExecutor(max_workers=max(1, jobs or os.cpu_count() or 1)) as pool:  # the work is in subprocesses
        releases = list(pool.map(lambda a: release_problems(course, a), assignments))
        references = list(pool.map(lambda t: reference_problem(course, *t, options), tasks))
    warm.close_all()  # the pool's threads are gone; their warm sandboxes would only hold memory
    stale += [p for found in releases for p in found]
    failed = [p for p in references if p]
    if not stale and not failed:
        if not quiet:
            print(f"pre-flight: {len(tasks)} reference notebook(s) get full marks in the sandbox; "
                  "releases and gradebook in step with solutions/", file=sys.stderr)
        return
    parts = ["autograde stopped before grading anyone: nothing was graded or written."]
    if failed:
        parts.append("The reference solution does not get full marks, so students would not either:")
        parts += failed
    if stale:
        parts.append("The release is out of step with solutions/, so students would be graded against tests "
                     "they never saw:")
        parts += [f"  - {p}" for p in stale]
        parts.append("  If the change is intended: `make release`, and hand the new release out.")
    parts.append(SKIP_HINT)
    raise PreflightError("\n".join(parts))
