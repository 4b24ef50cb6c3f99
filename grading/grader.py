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

import hashlib
import json
import re
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import environment, integrity
from .cells import grade_id, is_answer, is_test, nbgrader_meta
from .course import Course
from .demos import cells_to_skip, code_sources, is_demo
from .sandbox import Limits, run_notebook

RESULT_VERSION = 1
ENVIRONMENT = "environment"  # a failed notebook's reason starts "environment: " when the set-up failed it


@dataclass(frozen=True)
class Task:
    """One (student, assignment, notebook) to grade."""

    student: str
    assignment: str
    notebook: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.student, self.assignment, self.notebook)


@dataclass
class Options:
    limits: Limits = field(default_factory=Limits)
    fast: bool = True
    """Run with PG_FAST=1 (the notebooks' small configurations), as the course grades."""
    skip_demos: bool = True
    """Leave unrun the demonstration cells nothing later reads (see ``demos.py``)."""


def failed_result(task: Task, reason: str) -> dict:
    """The result of a notebook the grader could not grade (no scores, status failed)."""
    return {"student": task.student, "assignment": task.assignment, "notebook": task.notebook,
            "status": "failed", "reason": reason[:300], "scores": {}, "flags": []}


def notebooks_of(course: Course, assignment: str) -> list[str]:
    """Notebook names (without .ipynb) of an assignment, from its source folder."""
    return sorted(p.stem for p in (course.solutions / assignment).glob("*.ipynb"))


def submitted_dir(course: Course, student: str, assignment: str) -> Path:
    return course.root / "submitted" / student / assignment


def autograded_dir(course: Course, student: str, assignment: str) -> Path:
    return course.root / "autograded" / student / assignment


def result_path(course: Course, task: Task) -> Path:
    return autograded_dir(course, task.student, task.assignment) / f"{task.notebook}.result.json"


def find_submission(course: Course, task: Task) -> tuple[Path | None, str | None]:
    """The submitted file for ``task`` and a note if it was renamed; (None, None) if missing.

    A lone notebook under another name (``01_x (1).ipynb``, ``Copy of 01_x.ipynb``) is graded
    in place of the expected one, and flagged so the instructor sees it.
    """
    folder = submitted_dir(course, task.student, task.assignment)
    expected = folder / f"{task.notebook}.ipynb"
    if expected.is_file():
        return expected, None
    if not folder.is_dir():
        return None, None
    known = set(notebooks_of(course, task.assignment))
    others = sorted(p for p in folder.glob("*.ipynb") if p.stem not in known)
    if len(known) == 1 and len(others) == 1:
        return others[0], f"renamed notebook {others[0].name!r} graded as {task.notebook}.ipynb"
    return None, None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


def new_result(task: Task, source) -> dict:
    """A result with every test cell at 0 and status ``missing``, to be filled in."""
    maxima = {grade_id(c): float(nbgrader_meta(c).get("points", 0)) for c in source.cells if is_test(c)}
    return {"version": RESULT_VERSION, "student": task.student, "assignment": task.assignment,
            "notebook": task.notebook, "scores": dict.fromkeys(maxima, 0.0), "max_scores": maxima,
            "flags": [], "status": "missing", "reason": "", "file": None, "sha256": None}


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
        return _save(course, task, result)
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
        return _save(course, task, result)
    executed = execute(source, nb, student_cells, options, result)
    nbformat.write(executed, out_dir / f"{task.notebook}.ipynb")
    return _save(course, task, result)


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


def is_environment_failure(result: dict) -> bool:
    """True for a notebook that failed because of the grading environment (see ``environment.py``)."""
    return result.get("status") == "failed" and str(result.get("reason", "")).startswith(ENVIRONMENT + ":")


def _owner_writable(folder: Path) -> None:
    """Give the owner write permission on ``folder`` and its files (nbgrader leaves them 0444)."""
    for path in [folder, *folder.iterdir()]:
        mode = path.stat().st_mode
        if not mode & stat.S_IWUSR:
            path.chmod(mode | stat.S_IWUSR)


def _save(course: Course, task: Task, result: dict) -> dict:
    path = result_path(course, task)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1, sort_keys=True))
    tmp.replace(path)  # atomic: an interrupted batch never leaves half a result
    return result


def load_result(course: Course, task: Task) -> dict | None:
    path = result_path(course, task)
    try:
        result = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return result if result.get("version") == RESULT_VERSION else None


def is_current(course: Course, task: Task) -> bool:
    """True if ``task`` was graded from the file that is submitted now (resume skips it)."""
    result = load_result(course, task)
    if result is None or is_environment_failure(result):  # a broken set-up's verdict is not final
        return False
    path, _ = find_submission(course, task)
    return (path is None and result["status"] == "missing") or (
        path is not None and result.get("sha256") == sha256(path))


def safe_name(name: str) -> bool:
    """Student and assignment names become folder names: letters, digits, ``._-@`` only."""
    return bool(re.fullmatch(r"[A-Za-z0-9@][A-Za-z0-9._@-]*", name))
