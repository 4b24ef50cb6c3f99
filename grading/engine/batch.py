"""``autograde``: grade many submissions in parallel, record them, resume where a batch stopped.

Work is split by student: each worker process (one per core by default) grades all selected
notebooks of one student at a time, in the sandbox; only this parent process writes the
gradebook, as each student's results arrive. A notebook whose result was computed from the
file submitted now is skipped unless ``force``.
"""

from __future__ import annotations

import fnmatch
import multiprocessing
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from tqdm.auto import tqdm

from ..base import gradebook as gbmod
from ..base.course import Course, notebooks_of, safe_name
from . import cluster, warm
from .grader import Options, grade_tasks
from .preflight import preflight
from .result_files import Task, failed_result, is_current, is_environment_failure, load_result
from .sandbox_layers import protections


def submitted_students(course: Course) -> list[str]:
    folder = course.root / "submitted"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and safe_name(p.name))


def select_students(course: Course, patterns: list[str] | None) -> list[str]:
    students = submitted_students(course)
    if not students:
        raise SystemExit(f"no submissions under {course.root / 'submitted'}: run `python -m grading collect` first")
    if patterns:
        chosen = [s for s in students if any(fnmatch.fnmatchcase(s, p) for p in patterns)]
        if not chosen:
            raise SystemExit(f"no submitted student matches {patterns}; students: {', '.join(students[:20])}")
        return chosen
    return students


def autograde(course: Course, assignments: list[str] | None = None, students: list[str] | None = None,
              force: bool = False, jobs: int | None = None, db: str | None = None,
              options: Options = Options(), quiet: bool = False, skip_preflight: bool = False,
              scheduler: str | None = None) -> list[dict]:
    """Grade the selected submissions, on this machine or (``scheduler``: ``tcp://HOST:PORT``) on a
    Dask cluster (``cluster.py``); return every selected notebook's result.

    First the pre-flight (``preflight.py``), for the selected assignments that a selected student
    handed in: it stops the batch, before anything is written, unless each of their reference
    solutions gets full marks and their release is in step.
    """
    names = course.select_assignments(assignments)
    who = select_students(course, students)
    url = gbmod.gradebook_url(course, db)
    protections()  # probe the sandbox once, here, and say once what is missing (workers inherit it)
    if scheduler:
        cluster.check(scheduler)
    handed_in = [a for a in names if any((course.root / "submitted" / s / a).is_dir() for s in who)]
    if not skip_preflight and handed_in:  # an assignment nobody handed in has only "missing" rows to write
        preflight(course, handed_in, options, url=url, jobs=jobs, quiet=quiet)
    with gbmod.open_gradebook(url) as gb:
        for name in names:
            gbmod.register_assignment(gb, course, name)
    tasks = [Task(s, a, nb) for s in who for a in names for nb in notebooks_of(course, a)]
    todo = [t for t in tasks if force or not is_current(course, t)]
    by_student: dict[str, list[Task]] = {}
    for task in todo:
        by_student.setdefault(task.student, []).append(task)
    results: dict[tuple, dict] = {}
    if by_student:
        batches = (cluster.graded_batches(scheduler, course.root, by_student.values(), options) if scheduler
                   else local_batches(course, list(by_student.values()), options, jobs))
        results = record_results(batches, url, len(todo), quiet)
    for task in tasks:
        if task.key not in results:
            results[task.key] = load_result(course, task) or failed_result(task, "no result")
    ordered = [results[t.key] for t in tasks]
    if not quiet:
        print(summary(ordered, ran={t.key for t in todo}))
    return ordered


def local_batches(course: Course, task_lists: list[list[Task]], options: Options,
                  jobs: int | None) -> Iterator[list[dict]]:
    """Grade each list of tasks (one student's notebooks) in a pool of forked worker processes,
    one per core; yield each list's results as it arrives."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(task_lists)))
    warm.close_all()  # each worker starts its own warm sandbox
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(grade_tasks, str(course.root), tasks, options) for tasks in task_lists]
        for future in as_completed(futures):
            yield future.result()


def record_results(batches: Iterable[list[dict]], url: str, total: int, quiet: bool) -> dict[tuple, dict]:
    """Record each result in the gradebook as it arrives, once per (student, assignment, notebook)
    however often it arrives (a cluster re-runs the work of a worker that died)."""
    results: dict[tuple, dict] = {}
    gb = None
    bar = tqdm(total=total, desc="autograde", unit="nb", disable=quiet, file=sys.stderr)
    try:
        for batch in batches:
            # Opened once the work is under way: the local pool forks its workers first, and a
            # forked worker must not share the parent's connection.
            gb = gb or gbmod.open_gradebook(url)
            for result in batch:
                key = (result["student"], result["assignment"], result["notebook"])
                if key in results:
                    continue
                results[key] = result
                # A grader error has no scores to record; an environment failure's zeros are not the student's.
                if "max_scores" in result and not is_environment_failure(result):
                    gbmod.record(gb, result)
                bar.update(1)
    finally:
        bar.close()
        if gb is not None:
            gb.close()
    return results


def summary(results: list[dict], ran: set[tuple]) -> str:
    """The batch's counts, each notebook once (what this run found, or "already up to date" for one it did
    not re-grade); then failures of the environment (first), then the other failed and flagged."""
    broken = [r for r in results if is_environment_failure(r)]
    counts = Counter(("failed (environment)" if is_environment_failure(r) else r["status"])
                     if (r["student"], r["assignment"], r["notebook"]) in ran else "already up to date"
                     for r in results)
    order = ["graded", "missing", "flagged", "failed", "failed (environment)", "already up to date"]
    lines = [f"autograde: {len(results)} notebook(s): "
             + ", ".join(f"{counts[s]} {s}" for s in order if counts[s] or s in ("graded", "already up to date"))]
    if broken:
        lines.append(f"{len(broken)} notebook(s) failed because of the grading environment, not the student "
                     "(no score recorded; fix the set-up and run autograde again, which re-grades them):")
        lines += [f"  {r['student']}/{r['assignment']}: failed ({r['reason'][:200]})" for r in broken]
    lines += [f"  {r['student']}/{r['assignment']}: {r['status']} ({r['reason'][:160]})" for r in results
              if r["status"] in ("failed", "flagged") and not is_environment_failure(r)]
    return "\n".join(lines)
