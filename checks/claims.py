"""``python -m checks.claims`` (``make claims``): every solution notebook in full mode, as a student's
Run All, with the setup cell's seed set to each of several values; prints, per notebook and seed,
every cell that failed (a claim's assertion, or anything else). Exit status 1 if any did.

    python -m checks.claims [04_baselines ...] [--seeds 1 2 3 4 5] [--jobs 2]

The default seeds are not the only ones that matter: each claim is decided by
``pg_helpers.claims`` so that it holds for any seed, and a reviewer will try others.
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from grading.base.course import Course

from .run import RunResult, run_notebook

DEFAULT_SEEDS = (1, 2, 3, 4, 5, 6)


def _run(job: tuple[str, str, int]) -> tuple[str, int, RunResult]:
    name, path, seed = job
    return name, seed, run_notebook(Path(path), fast=False, seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="default: all")
    parser.add_argument("--seeds", nargs="+", type=int, default=list(DEFAULT_SEEDS))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks run at once")
    args = parser.parse_args(argv)
    course = Course()
    names = course.select_assignments(args.assignments)
    jobs = [(n, str(course.source_notebook(n)), s) for n in names for s in args.seeds]
    print(f"{len(names)} notebooks x seeds {args.seeds}, full mode, {args.jobs} at once", flush=True)
    failures = 0
    print(f"{'notebook':28s} {'seed':>4s} {'time (s)':>8s}  failed cells")
    with ProcessPoolExecutor(args.jobs) as pool:
        for name, seed, result in pool.map(_run, jobs):
            failures += bool(result.failed)
            cells = "; ".join(str(f) for f in result.failed) or "none"
            print(f"{name:28s} {seed:4d} {result.seconds:8.1f}  {cells}", flush=True)
    print(f"{failures} of {len(jobs)} runs had a failing cell" if failures else f"all {len(jobs)} runs passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
