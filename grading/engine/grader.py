"""Grade one submitted notebook: assemble, scan, execute in the sandbox, score.

The notebook that runs is assembled from the source notebook (solutions/, with the hidden
tests) and the submission: every locked or test cell comes from the source, every answer
cell from the submission (the release's stub if the student deleted it), and cells the
student added or left unlocked are kept after the graded cell they followed. So edited
tests, deleted tests and reordered cells change nothing; added cells are scanned.

A test cell scores its points when it ran without an error, else 0 (as in nbgrader). The
result says exactly one status: graded, missing, failed (reason) or flagged (reason).
"""

from __future__ import annotations

import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..base.cells import grade_id, is_answer, is_test, nbgrader_meta
from ..base.course import Course, autograded_dir
from ..base.demos import cells_to_skip, code_sources, is_demo
from . import environment, integrity
from .result_files import ENVIRONMENT, Task, failed_result, find_submission, new_result, save_result, sha256
from .sandbox import run_notebook
from .sandbox_layers import Limits


@dataclass
class Options:
    limits: Limits = field(default_factory=Limits)
    fast: bool = True
    """Run with PG_FAST=1 (the notebooks' small configurations), as the course grades."""
    skip_demos: bool = True
    """Leave unrun the demonstration cells nothing later reads (see ``base/demos.py``)."""


def assemble(source, release, submission) -> tuple[nbformat.NotebookNode, list[int]]:
    """The notebook to execute, and the indices of the cells the student controls (to scan)."""
    master_ids = [grade_id(c) for c in source.cells if grade_id(c)]
    by_id_source = {grade_id(c): c for c in source.cells if grade_id(c)}
    by_id_release = {grade_id(c): c for c in release.cells if grade_id(c)}
    release_sources = {c.source.strip() for c in release.cells if c.cell_type == "code"}
    answers: dict[str, nbformat.NotebookNode] = {}
    extras: dict[str | None, list] = {}
    anchor: str | None = None
    for cell in submission.cells:
        gid = grade_id(cell)
        if gid in by_id_source and gid not in answers:
            answers[gid] = cell
            anchor = gid
            continue
        if cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        extra = nbformat.from_dict(cell)
        extra.get("metadata", {}).pop("nbgrader", None)  # unknown or duplicated ids grade nothing
        extras.setdefault(anchor, []).append(extra)

    cells = []
    student_cells: list[int] = []

    def add_extras(key: str | None) -> None:
        for extra in extras.get(key, []):
            if extra.cell_type == "code":
                extra.outputs, extra.execution_count = [], None
                if extra.source.strip() not in release_sources:
                    student_cells.append(len(cells))
            cells.append(extra)

    add_extras(None)
    for gid in master_ids:
        master = by_id_source[gid]
        meta = nbgrader_meta(master)
        if is_answer(master):
            cell = nbformat.from_dict(by_id_release.get(gid, master))
            handed_in = answers.get(gid)
            if handed_in is not None and handed_in.get("cell_type") == master.cell_type:
                cell.source = handed_in.source if isinstance(handed_in.source, str) else "".join(handed_in.source)
            released = by_id_release.get(gid)
            if cell.cell_type == "code" and (released is None or cell.source.strip() != released.source.strip()):
                student_cells.append(len(cells))
        elif meta.get("locked") or meta.get("grade"):
            cell = nbformat.from_dict(master)
        else:
            cell = nbformat.from_dict(answers.get(gid, master))
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
        add_extras(gid)
    nb = nbformat.v4.new_notebook(cells=cells, metadata=source.metadata)
    return nb, student_cells


def demo_cells_to_skip(source, nb, student_cells: list[int]) -> list[int]:
    """Cells of the assembled ``nb`` that are unchanged demo cells of ``source`` and need not run."""
    demo_sources = {c.source.strip() for c in source.cells if is_demo(c)}
    demos = {i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip() in demo_sources
             and not grade_id(c)}
    return cells_to_skip(code_sources(nb.cells), demos, set(student_cells))


def _reason_for_kernel(kernel: str, stopped_at: int | None) -> str | None:
    where = f" in cell {stopped_at}" if stopped_at is not None else ""
    if kernel == "ok":
        return None
    if kernel == "died":
        return f"kernel died{where} (the submission exited or crashed)"
    if kernel == "budget":
        return f"wall-clock budget exceeded{where}"
    if kernel == "unresponsive":
        return f"kernel stopped responding after a timeout{where}"
    return kernel


def read_source(course: Course, assignment: str, notebook: str):
    """The source notebook (with solutions and hidden tests) and the release (the source if unreleased)."""
    source = nbformat.read(course.solutions / assignment / f"{notebook}.ipynb", as_version=4)
    release_path = course.notebooks / assignment / f"{notebook}.ipynb"
    release = nbformat.read(release_path, as_version=4) if release_path.is_file() else source
    return source, release


def grade(course: Course, task: Task, options: Options = Options()) -> dict:
    """Grade one notebook; write the executed notebook and the result JSON under autograded/."""
    source, release = read_source(course, task.assignment, task.notebook)
    result = new_result(task, source)
    path, note = find_submission(course, task)
    out_dir = autograded_dir(course, task.student, task.assignment)
    out_dir.mkdir(parents=True, exist_ok=True)
    _owner_writable(out_dir)  # plain nbgrader (formgrader's Autograde) leaves its files read-only
    if path is None:
        result["reason"] = f"no {task.notebook}.ipynb in submitted/{task.student}/{task.assignment}/"
        return save_result(course, task, result)
    result["file"] = str(path.relative_to(course.root))
    result["sha256"] = sha256(path)
    if note:
        result["flags"].append(note)
    try:
        with open(path, encoding="utf-8") as f:
            submission = nbformat.read(f, as_version=4)
        if not isinstance(submission.get("cells"), list):
            raise ValueError("no list of cells")
        nb, student_cells = assemble(source, release, submission)
    except Exception as exc:  # malformed JSON, not a notebook, broken cells
        result["status"] = "failed"
        result["reason"] = f"unreadable notebook ({type(exc).__name__}: {str(exc)[:120]})"
        return save_result(course, task, result)
    executed = execute(source, nb, student_cells, options, result)
    nbformat.write(executed, out_dir / f"{task.notebook}.ipynb")
    return save_result(course, task, result)


def execute(source, nb, student_cells: list[int], options: Options, result: dict) -> nbformat.NotebookNode:
    """Scan and run the assembled ``nb`` in the sandbox; fill ``result``'s scores, flags,
    status and outcomes; return the executed notebook."""
    maxima = result["max_scores"]
    all_sources = [c.source for c in nb.cells if c.cell_type == "code"]
    result["flags"] += integrity.scan_cells([(i, nb.cells[i].source) for i in student_cells], all_sources,
                                          result["assignment"])

    watch_torch = any("torch" in s for s in all_sources)
    tests = [i for i, c in enumerate(nb.cells) if grade_id(c) in maxima and is_test(c)]
    skip = demo_cells_to_skip(source, nb, student_cells) if options.skip_demos else []
    started = time.monotonic()
    run = run_notebook(nb, limits=options.limits, fast=options.fast, watch_torch=watch_torch,
                       test_cells=tests, skip_cells=skip)
    result["seconds"] = round(time.monotonic() - started, 2)
    result["sandbox_uid"] = run.get("uid")
    if not run.get("kernel_started", True):
        result["stderr"] = run.get("stderr", "")[-1000:]  # the set-up's error output; no notebook code ran
    executed = nbformat.from_dict(run["notebook"])
    outcomes = {int(k): v for k, v in run.get("cells", {}).items()}
    for index, cell in enumerate(executed.cells):
        gid = grade_id(cell)
        if gid in maxima and is_test(cell):
            result["scores"][gid] = maxima[gid] if outcomes.get(index) == "ok" else 0.0
    for event in run.get("tampering", []):
        result["flags"].append(f"cell {event['cell']}: changed {', '.join(event['changed'])}")
    for index in run.get("truncated", []):
        result["flags"].append(f"cell {index}: output flood (truncated)")
    for index in run.get("memory", []):
        result["flags"].append(f"cell {index}: hit the memory limit")
    stopped = [i for i, v in outcomes.items() if v in ("error", "timeout")]
    not_run = [i for i, v in outcomes.items() if v == "not run"]
    stopped_at = max(stopped) if run.get("kernel") != "ok" and stopped else (min(not_run) if not_run else None)
    failure = _reason_for_kernel(run.get("kernel", "ok"), stopped_at)
    reference_sources, reference_imports = environment.reference_context(source)
    cause = environment.failure(run, executed, reference_sources, reference_imports, options.limits, options.fast)
    if cause:  # the reference would fail the same way: not the student's failure
        failure = f"{ENVIRONMENT}: {cause}"
    if failure:
        result["status"], result["reason"] = "failed", failure
    elif result["flags"]:
        result["status"] = "flagged"
        result["reason"] = "; ".join(result["flags"])
    else:
        result["status"] = "graded"
    if failure and result["flags"]:
        result["reason"] += "; flagged: " + "; ".join(result["flags"])
    result["outcomes"] = {str(k): v for k, v in sorted(outcomes.items())}
    return executed


def grade_tasks(course_root: str, tasks: list[Task], options: Options) -> list[dict]:
    """Grade ``tasks`` (a student's notebooks) one after the other: what a local worker process or
    a Dask worker runs. A grader bug costs one notebook, never the batch."""
    course = Course(Path(course_root))
    out = []
    for task in tasks:
        try:
            out.append(grade(course, task, options))
        except Exception as exc:
            out.append(failed_result(task, f"grader error: {type(exc).__name__}: {exc}"))
    return out


def _owner_writable(folder: Path) -> None:
    """Give the owner write permission on ``folder`` and its files (nbgrader leaves them 0444)."""
    for path in [folder, *folder.iterdir()]:
        mode = path.stat().st_mode
        if not mode & stat.S_IWUSR:
            path.chmod(mode | stat.S_IWUSR)


