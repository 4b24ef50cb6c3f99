"""``report``: per-test pass rates across the class, as a table and a bar plot.

A test passes for a student when it got its full points. Only graded and flagged notebooks
count (missing and failed ones are listed apart), so the rates show which exercise the class
struggles with rather than who did not hand in. With a roster, flagged submissions show the
student's name, and the students enrolled who handed nothing in are counted.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..base.course import Course, notebooks_of
from ..engine.batch import submitted_students
from ..engine.result_files import Task, load_result
from ..intake.students import display_name, gradebook_students


def pass_rates(course: Course, assignment: str) -> tuple[list[tuple[str, str, int, int]], Counter, list[str]]:
    """([(notebook, test, passed, counted)], status counts, flagged submissions)."""
    table, statuses, flagged = [], Counter(), []
    students = submitted_students(course)
    for notebook in notebooks_of(course, assignment):
        results = [load_result(course, Task(s, assignment, notebook)) for s in students]
        results = [r for r in results if r]
        statuses.update(r["status"] for r in results)
        flagged += [f"{r['student']}: {r['reason']}" for r in results if r["status"] == "flagged"]
        counted = [r for r in results if r["status"] in ("graded", "flagged")]
        tests = list(results[0]["max_scores"]) if results else []
        for test in tests:
            passed = sum(1 for r in counted if r["scores"].get(test, 0) >= r["max_scores"][test])
            table.append((notebook, test, passed, len(counted)))
    return table, statuses, flagged


def report(course: Course, assignments: list[str] | None = None, out_dir: Path | None = None,
           db: str | None = None) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir = out_dir or course.root / "reports"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    people = gradebook_students(course, db)
    who = {s["id"]: display_name(s["first_name"], s["last_name"], s["id"]) for s in people}
    enrolled = {s["id"] for s in people if s["lms_user_id"]}
    for name in course.select_assignments(assignments):
        table, statuses, flagged = pass_rates(course, name)
        if not table:
            print(f"{name}: no graded submissions yet")
            continue
        print(f"\n{name}: " + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())))
        print(f"{'test':40s} {'passed':>8s} {'rate':>6s}")
        lines = ["notebook,test,passed,counted,rate"]
        for notebook, test, passed, counted in table:
            rate = passed / counted if counted else 0.0
            print(f"{test:40s} {passed:4d}/{counted:<3d} {rate:6.0%}")
            lines.append(f"{notebook},{test},{passed},{counted},{rate:.4f}")
        for line in flagged:
            student, _, reason = line.partition(": ")
            label = f"{who[student]} ({student})" if who.get(student, student) != student else student
            print(f"  flagged {label}: {reason[:200]}")
        absent = sorted(s for s in enrolled if not (course.root / "submitted" / s / name).is_dir())
        if enrolled:
            print(f"  enrolled {len(enrolled)}, nothing handed in by {len(absent)}"
                  + (": " + ", ".join(who[s] for s in absent[:30]) if absent else ""))
        csv_path = out_dir / f"{name}_pass_rates.csv"
        csv_path.write_text("\n".join(lines) + "\n")
        fig, ax = plt.subplots(figsize=(7, 0.4 * len(table) + 1.5))
        rates = [p / c if c else 0.0 for _, _, p, c in table]
        ax.barh([t for _, t, _, _ in table], rates, color="tab:blue")
        ax.axvline(1.0, color="gray", linestyle="--", label="whole class passes")
        ax.set_xlim(0, 1.05)
        ax.set_xlabel("fraction of graded submissions passing the test")
        ax.set_ylabel("test cell")
        ax.invert_yaxis()
        ax.set_title(f"{name}: pass rate per test ({table[0][3]} submissions)")
        ax.legend(loc="lower right")
        fig.tight_layout()
        png = out_dir / f"{name}_pass_rates.png"
        fig.savefig(png, dpi=100)
        plt.close(fig)
        written += [csv_path, png]
        print(f"written: {csv_path}, {png}")
    return written
