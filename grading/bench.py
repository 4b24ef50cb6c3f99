"""``python -m grading.bench``: how fast the grader is, against plain nbgrader in the same run.

A temporary copy of the course is released, and synthetic students hand in every current
notebook (solutions, some answers left as the stub, some blank; seeded, so every run grades the
same batch). Two measurements:

- baseline: one sequential ``nbgrader autograde`` (one process, assignment after assignment)
  over the first ``--baseline-students`` students;
- this grader: ``autograde`` of the whole batch with ``--jobs`` workers (one per core). It
  leaves unrun the demonstration cells that nothing graded reads (``grading/base/demos.py``);
  ``--run-demos`` runs them, as nbgrader does, to show what that saves. It grades in warm
  sandboxes where the machine allows (``grading/engine/warm.py``); ``--cold`` grades in cold ones.

First it times an empty notebook, warm and cold: the start-up every notebook pays before its own
cells. It prints seconds per notebook for both, the speed-up (baseline seconds per notebook over ours)
and the batch's wall time, checks that both graders gave the same per-cell scores on the common
students, and writes everything to ``bench-results/grading.json``. Targets (issue 3): a speed-up
of at least 1.7 on 2 cores, 100 students over every notebook in under 10 minutes (issue 13).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from .authoring.release import release
from .base.cells import grade_id, is_answer, student_submission
from .base.course import REPO_ROOT, Course, notebooks_of
from .base.nbgrader_cli import run_nbgrader
from .engine import warm
from .engine.grader import Options
from .engine.sandbox import run_notebook
from .engine.sandbox_layers import Limits


def synthesize(course: Course, students: int, assignments: list[str]) -> None:
    """Write ``students`` submissions of every assignment (seeded mix of full, partial and blank)."""
    for name in assignments:
        source = nbformat.read(course.source_notebook(name), as_version=4)
        released = nbformat.read(course.release_notebook(name), as_version=4)
        answers = [grade_id(c) for c in source.cells if is_answer(c)]
        stubs = {grade_id(c): c.source for c in released.cells if is_answer(c)}
        for i in range(students):
            rng = random.Random(f"{name}-{i}")
            kind = rng.random()
            if kind < 0.1:
                nb = released  # blank
            else:
                left = rng.sample(answers, k=rng.randint(1, max(1, len(answers) // 2))) if kind < 0.4 else []
                nb = student_submission(released, source, {gid: stubs[gid] for gid in left})
            path = course.root / "submitted" / f"student{i:03d}" / name / f"{name}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)


def start_up_seconds() -> dict[str, float]:
    """Median seconds to run a one-cell notebook, warm (where allowed) and cold: the fixed cost
    every notebook pays before its own cells."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    chosen = os.environ.get("PG_GRADING_WARM")
    times: dict[str, float] = {}
    try:
        for mode in (["warm"] if warm.enabled() else []) + ["cold"]:
            os.environ["PG_GRADING_WARM"] = "1" if mode == "warm" else "0"
            run_notebook(nb)  # a warm sandbox starts here
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                run_notebook(nb)
                runs.append(time.perf_counter() - t0)
            times[mode] = round(statistics.median(runs), 2)
    finally:
        warm.close_all()
        if chosen is None:
            os.environ.pop("PG_GRADING_WARM", None)
        else:
            os.environ["PG_GRADING_WARM"] = chosen
    return times


def _scores(course: Course, students: list[str], assignments: list[str]) -> dict:
    from nbgrader.api import Gradebook, MissingEntry

    out = {}
    with Gradebook(course.gradebook_url) as gb:
        for s in students:
            for a in assignments:
                for nb in notebooks_of(course, a):
                    try:
                        sub = gb.find_submission_notebook(nb, a, s)
                    except MissingEntry:
                        continue
                    out[f"{s}/{a}/{nb}"] = {g.name: float(g.score) for g in sub.grades}
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m grading.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--students", type=int, default=100, help="synthetic students in the batch (default 100)")
    p.add_argument("--baseline-students", type=int, default=10,
                   help="students graded by the sequential nbgrader baseline (default 10; it is slow)")
    p.add_argument("--jobs", type=int, default=os.cpu_count(), help="workers (default: one per core)")
    p.add_argument("--run-demos", action="store_true",
                   help="run the demonstration cells too, as nbgrader does (to see what skipping them saves)")
    p.add_argument("--cold", action="store_true",
                   help="grade in cold sandboxes (one per notebook), as without root, to see what warm ones save")
    p.add_argument("--out", type=Path, default=REPO_ROOT / "bench-results" / "grading.json")
    args = p.parse_args(argv)
    if args.students < 1 or args.baseline_students < 1:
        raise SystemExit("--students and --baseline-students must be at least 1")
    base_n = min(args.baseline_students, args.students)

    from .engine.batch import autograde

    if args.cold:
        os.environ["PG_GRADING_WARM"] = "0"
    startup = start_up_seconds()

    with tempfile.TemporaryDirectory(prefix="pg-grading-bench-") as tmp:
        ours, theirs = Course().copy_to(Path(tmp) / "ours"), Course().copy_to(Path(tmp) / "baseline")
        names = ours.assignments()
        print(f"releasing {len(names)} assignments into two temporary course copies ...", flush=True)
        release(ours, quiet=True)
        release(theirs, quiet=True)
        synthesize(ours, args.students, names)
        synthesize(theirs, base_n, names)
        notebooks = sum(len(notebooks_of(ours, a)) for a in names)

        print(f"baseline: sequential nbgrader autograde, {base_n} students x {notebooks} notebooks ...", flush=True)
        t0 = time.perf_counter()
        for name in names:
            run_nbgrader(theirs, "autograde", name, "--force", "--log-level=ERROR", env={"PG_FAST": "1"},
                         capture=True)
        baseline_s = time.perf_counter() - t0
        baseline_per_nb = baseline_s / (base_n * notebooks)

        print(f"this grader: {args.students} students x {notebooks} notebooks, {args.jobs} workers ...", flush=True)
        t0 = time.perf_counter()
        options = Options(limits=Limits(), skip_demos=not args.run_demos)
        results = autograde(ours, names, force=True, jobs=args.jobs, options=options, quiet=True)
        ours_s = time.perf_counter() - t0
        ours_per_nb = ours_s / len(results)

        common = [f"student{i:03d}" for i in range(base_n)]
        a, b = _scores(ours, common, names), _scores(theirs, common, names)
        differ = sorted(k for k in b if a.get(k) != b[k])
        per_assignment = {}
        for name in names:
            secs = [r["seconds"] for r in results if r["assignment"] == name and r.get("seconds")]
            per_assignment[name] = round(sum(secs) / len(secs), 2) if secs else None

    speedup = baseline_per_nb / ours_per_nb
    report = {
        "cores": os.cpu_count(), "jobs": args.jobs, "students": args.students, "notebooks": len(results),
        "demo_cells": "run" if args.run_demos else "skipped unless read",
        "baseline_students": base_n, "baseline_seconds": round(baseline_s, 1),
        "baseline_seconds_per_notebook": round(baseline_per_nb, 2),
        "seconds": round(ours_s, 1), "seconds_per_notebook": round(ours_per_nb, 2),
        "sandbox_seconds_per_notebook_by_assignment": per_assignment,
        "speedup": round(speedup, 2), "scores_differ_from_nbgrader": differ,
        "sandbox": "warm" if warm.enabled() else "cold", "empty_notebook_seconds": startup,
        "statuses": {s: sum(r["status"] == s for r in results) for s in ("graded", "flagged", "failed", "missing")},
        "targets": {"speedup_at_least": 1.7, "batch_100_students_under_seconds": 600},
    }
    print(f"\nbaseline (sequential nbgrader): {baseline_per_nb:.2f} s per notebook ({base_n * notebooks} notebooks)")
    print(f"this grader ({args.jobs} workers):   {ours_per_nb:.2f} s per notebook ({len(results)} notebooks, "
          f"{ours_s:.0f} s wall; demonstration cells {report['demo_cells']})")
    print(f"sandboxes: {report['sandbox']}; an empty notebook (start-up alone, median of 3) takes "
          + ", ".join(f"{k} {v} s" for k, v in startup.items()))
    print("one notebook in its sandbox, by assignment (s): "
          + ", ".join(f"{k} {v}" for k, v in per_assignment.items()))
    print(f"speed-up: {speedup:.2f} (target >= 1.7)")
    if args.students >= 100:
        print(f"batch of {args.students} students: {ours_s:.0f} s (target < 600 s)")
    print("statuses: " + ", ".join(f"{k} {v}" for k, v in report["statuses"].items()))
    if differ:
        print(f"WARNING: {len(differ)} notebooks scored differently from nbgrader: {differ[:5]}")
    else:
        print(f"scores identical to nbgrader's on the {base_n} common students")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print(f"written: {args.out}")
    if differ:
        sys.exit(1)


if __name__ == "__main__":
    main()
