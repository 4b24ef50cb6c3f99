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
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tqdm.auto import tqdm

from . import gradebook as gbmod
from . import warm
from .course import Course
from .grader import (Options, Task, failed_result, grade, is_current, is_environment_failure, load_result,
                     notebooks_of, safe_name)
from .preflight import preflight
from .sandbox import protections

def _grade_student(course_root: str, tasks: list[Task], options: Options) -> list[dict]:
    course = Course(Path(course_root))
    out = []
    for task in tasks:
        try:
            out.append(grade(course, task, options))
        except Exception as exc:  # a grader bug must cost one notebook, not the batch
            out.append(failed_result(task, f"grader error: {type(exc).__name__}: {exc}"))
    return out


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
              options: Options = Options(), quiet: bool = False, skip_preflight: bool = False) -> list[dict]:
    """Grade the selected submissions; return every selected notebook's result.

    First the pre-flight (``preflight.py``): it stops the batch, before anything is written,
    unless every selected reference solution gets full marks and the release is in step.
    """
    names = course.select_assignments(assignments)
    who = select_students(course, students)
    url = gbmod.gradebook_url(course, db)
    protections()  # probe the sandbox once, here, and say once what is missing (workers inherit it)
    if not skip_preflight:
        preflight(course, names, options, url=url, jobs=jobs, quiet=quiet)
    with gbmod.open_gradebook(url) as gb:
        for name in names:
            gbmod.register_assignment(gb, course, name)
    tasks = [Task(s, a, nb) for s in who for a in names for nb in notebooks_of(course, a)]
    todo = [t for t in tasks if force or not is_current(course, t)]
    by_student: dict[str, list[Task]] = {}
    for task in todo:
        by_student.setdefault(task.student, []).append(task)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(by_student) or 1))
    results: dict[tuple, dict] = {}
    if by_student:
        warm.close_all()  # each worker starts its own warm sandbox
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            # Submit (and so fork) before opening the database: a forked worker must not share
            # the parent's connection.
            futures = [pool.submit(_grade_student, str(course.root), ts, options) for ts in by_student.values()]
            gb = gbmod.open_gradebook(url)
            bar = tqdm(total=len(todo), desc="autograde", unit="nb", disable=quiet, file=sys.stderr)
            for future in as_completed(futures):
                for result in future.result():
                    key = (result["student"], result["assignment"], result["notebook"])
                    results[key] = result
                    # A grader error has no scores to record; an environment failure's zeros are not the student's.
                    if "max_scores" in result and not is_environment_failure(result):
                        gbmod.record(gb, result)
                    bar.update(1)
            bar.close()
            gb.close()
    for task in tasks:
        if task.key not in results:
            results[task.key] = load_result(course, task) or failed_result(task, "no result")
    ordered = [results[t.key] for t in tasks]
    if not quiet:
        print(summary(ordered, graded=len(todo), skipped=len(tasks) - len(todo)))
    return ordered


def summary(results: list[dict], graded: int, skipped: int) -> str:
    """The batch's counts, then failures of the environment (first), then the other failed and flagged."""
    broken = [r for r in results if is_environment_failure(r)]
    counts = Counter("failed (environment)" if is_environment_failure(r) else r["status"] for r in results)
    lines = [f"autograde: {graded} graded, {skipped} already up to date; "
             + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))]
    if broken:
        lines.append(f"{len(broken)} notebook(s) failed because of the grading environment, not the student "
                     "(no score recorded; fix the set-up and run autograde again, which re-grades them):")
        lines += [f"  {r['student']}/{r['assignment']}: failed ({r['reason'][:200]})" for r in broken]
    lines += [f"  {r['student']}/{r['assignment']}: {r['status']} ({r['reason'][:160]})" for r in results
              if r["status"] in ("failed", "flagged") and not is_environment_failure(r)]
    return "\n".join(lines)
