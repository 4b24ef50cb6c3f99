"""``python -m benchmarks.notebooks``: each notebook's Run All time, full and with ``PG_FAST=1``,
and the time of nbgrader's Validate (the student's button) on it. It prints; it never fails on time.

The budgets it is read against (the course's checklist): Run All under 45 s on a quiet 2-core
machine, under 20 s with ``PG_FAST=1``; Validate under 20 s. Each run is the solution notebook
(every TODO filled in) in a fresh kernel, as JupyterLab's Run All would do it.

    python -m benchmarks.notebooks [01_softmax_policy ...] [--skip-full] [--skip-validate]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import nbformat

from checks.run import environment, run_notebook
from grading.base.cells import student_submission
from grading.base.course import Course

BUDGETS = {"full": 45.0, "fast": 20.0, "validate": 20.0}  # seconds, on a quiet 2-core machine


def run_all(path: Path, fast: bool) -> float:
    """Seconds to execute the notebook top to bottom in a fresh kernel; an error stops it."""
    return run_notebook(path, fast=fast, stop_on_error=True, timeout=600).seconds


def validate(course: Course, name: str) -> tuple[float, int]:
    """Seconds nbgrader's Validator takes on the release filled with the solutions, and failed cells."""
    from nbgrader.validator import Validator
    from traitlets.config import Config

    release = nbformat.read(course.release_notebook(name), as_version=4)
    submission = student_submission(release, nbformat.read(course.source_notebook(name), as_version=4))
    config = Config()
    config.Execute.timeout = 60  # as lab/config/nbgrader_config.py
    with tempfile.TemporaryDirectory() as tmp, environment(PG_FAST=None):  # as in `make lab`
        path = Path(tmp) / f"{name}.ipynb"
        nbformat.write(submission, path)
        start = time.perf_counter()
        result = Validator(config=config).validate(str(path))
        return time.perf_counter() - start, len(result.get("failed", []))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="default: all")
    parser.add_argument("--skip-full", action="store_true", help="only the PG_FAST=1 run and Validate")
    parser.add_argument("--skip-validate", action="store_true")
    args = parser.parse_args(argv)
    course = Course()
    print(f"{os.cpu_count()} cores; budgets: " + ", ".join(f"{k} < {v:.0f} s" for k, v in BUDGETS.items()))
    print(f"{'notebook':28s} {'full (s)':>9s} {'fast (s)':>9s} {'validate (s)':>13s}")
    over = []
    for name in course.select_assignments(args.assignments):
        path = course.source_notebook(name)
        cells = {"full": None if args.skip_full else run_all(path, fast=False), "fast": run_all(path, fast=True)}
        failed = 0
        if not args.skip_validate:
            cells["validate"], failed = validate(course, name)
        shown = []
        for key, width in (("full", 9), ("fast", 9), ("validate", 13)):
            value = cells.get(key)
            text = "-" if value is None else f"{value:.1f}" + ("!" if value > BUDGETS[key] else "")
            if value is not None and value > BUDGETS[key]:
                over.append(f"{name} {key}")
            shown.append(f"{text:>{width}s}")
        note = f"  Validate failed {failed} cells of the solutions" if failed else ""
        print(f"{name:28s} {' '.join(shown)}{note}", flush=True)
    if over:
        print(f"! over budget: {', '.join(over)} (measure on a quiet machine before acting on it)")
    else:
        print("every notebook within its budgets")


if __name__ == "__main__":
    main()
