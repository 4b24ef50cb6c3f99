"""``python -m grading <command>``: the instructor's command line.

From an LMS download to grades and feedback:

    python -m grading release                  # notebooks/ from solutions/ (creates the gradebook)
    python -m grading check                    # lint the solutions, look for leaks in the release
    python -m grading roster import class.csv  # the class list (Canvas, Moodle, id/name/email) into the gradebook
    python -m grading collect download.zip     # -> submitted/<student>/<assignment>/
    python -m grading autograde                # parallel, sandboxed, resumable
    python -m grading feedback                 # feedback/<student>/<assignment>/<nb>.html
    python -m grading export -o grades.csv     # one row and one status per student and notebook
    python -m grading report                   # pass rate per test, table and plot
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .base.course import Course

# Each command imports what it needs when it runs: nbformat alone costs seconds at import (jsonschema's
# format checker), and `--help` must answer at once.


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, metavar="URL",
                   help="gradebook database URL, e.g. postgresql://grader@host/course "
                        "(default: the course's grading/gradebook.db, which `release` creates)")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m grading", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    main.add_argument("--course", type=Path, default=None, help="course root (default: this repository)")
    sub = main.add_subparsers(dest="command", required=True, metavar="command")

    p = sub.add_parser("release", help="regenerate notebooks/ from solutions/")
    p.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    p.add_argument("--quiet", action="store_true", help="print only problems")

    p = sub.add_parser("student-export", help="the student folder: notebooks, pg_helpers, README; nothing else")
    p.add_argument("-o", "--output", type=Path, default=Path("dist/student"), help="folder to create (default: dist/student)")

    p = sub.add_parser("check", help="lint the solution notebooks and check the releases for leaks")
    p.add_argument("assignments", nargs="*", help="assignment names (default: all)")

    p = sub.add_parser("collect", help="file an LMS download into submitted/<student>/<assignment>/")
    p.add_argument("download", type=Path, help="a .zip, or a folder of zips and notebooks")
    p.add_argument("--pattern", action="append", default=[], metavar="REGEX",
                   help="extra file-name pattern, tried before the built-in ones; needs a (?P<student>...) "
                        "group and may have a (?P<file>...) group (repeatable)")
    p.add_argument("--force", action="store_true", help="overwrite submissions already collected")
    p.add_argument("--dry-run", action="store_true", help="show where files would go; write nothing")
    p.add_argument("--max-notebook-mb", type=float, default=20.0, help="largest notebook placed, unpacked (default 20)")
    p.add_argument("--max-download-mb", type=float, default=1024.0,
                   help="most read from the whole download, unpacked (default 1024)")
    p.add_argument("--max-depth", type=int, default=3, help="archive levels opened, the download being 1 (default 3)")
    p.add_argument("--max-members", type=int, default=10_000, help="most entries in one archive (default 10000)")
    _add_db(p)

    p = sub.add_parser("roster", help="import the class list an LMS exports into the gradebook's students")
    roster_sub = p.add_subparsers(dest="roster_command", required=True, metavar="action")
    r = roster_sub.add_parser("import", help="read a Canvas gradebook export, a Moodle grading worksheet, "
                                             "or a CSV with id, name (or first_name, last_name), email")
    r.add_argument("file", type=Path, help="the roster CSV")
    r.add_argument("--dry-run", action="store_true", help="show the students and their keys; write nothing")
    _add_db(r)

    p = sub.add_parser("autograde", help="grade submissions in parallel, in the sandbox")
    p.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    p.add_argument("--students", nargs="+", metavar="PATTERN", help="student ids or glob patterns (default: all)")
    p.add_argument("--force", action="store_true", help="re-grade notebooks already graded from the same file")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    p.add_argument("--cell-timeout", type=int, default=60, help="seconds per cell (default 60)")
    p.add_argument("--budget", type=int, default=300, help="wall-clock seconds per notebook (default 300)")
    p.add_argument("--memory-gb", type=float, default=4.0, help="address space per process (default 4)")
    p.add_argument("--full", action="store_true", help="run the notebooks' full configurations (no PG_FAST=1)")
    p.add_argument("--run-demos", action="store_true",
                   help="also run the demonstration cells no grade depends on (slower; their output then "
                        "shows in the feedback)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument("--skip-preflight", action="store_true",
                   help="do not first grade the reference solutions and check the release (see grading/README.md)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="grade on a Dask cluster through this scheduler instead of local worker processes "
                        "(grading/README.md, 'Many machines')")
    _add_db(p)

    p = sub.add_parser("feedback", help="HTML feedback per student and notebook, hidden tests removed")
    p.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    p.add_argument("--students", nargs="+", metavar="PATTERN", help="student ids or glob patterns (default: all)")
    _add_db(p)

    p = sub.add_parser("export", help="CSV: student, assignment, notebook, score, max_score, status; "
                                      "or --format canvas|moodle for the LMS's gradebook import")
    p.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    p.add_argument("-o", "--output", type=Path, default=None, help="CSV file (default: standard output)")
    p.add_argument("--format", choices=["long", "canvas", "moodle"], default="long",
                   help="long: a row per student and notebook with its status (default); canvas, moodle: a row "
                        "per student, a column per assignment, as those gradebooks import (grading/README.md)")
    _add_db(p)

    p = sub.add_parser("report", help="per-test pass rates across the class: table and plot")
    p.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    p.add_argument("--out", type=Path, default=None, help="folder for the CSV and PNG (default: reports/)")
    _add_db(p)
    return main


def main(argv: list[str] | None = None) -> int | None:
    args = parser().parse_args(argv)
    course = Course(args.course.resolve()) if args.course else Course()
    if args.command == "release":
        from .authoring.release import release

        release(course, args.assignments, quiet=args.quiet)
    elif args.command == "student-export":
        from .authoring.student_export import student_export

        print(f"student folder written to {student_export(course, args.output.resolve())}")
    elif args.command == "check":
        from .authoring.lint import check_course

        problems = check_course(course, args.assignments)
        print("\n".join(problems) if problems else "check: no problems")
        return 1 if problems else 0
    elif args.command == "collect":
        from .intake.collect import collect, report

        from .intake.archive import UnpackLimits

        limits = UnpackLimits(args.max_notebook_mb, args.max_download_mb, args.max_depth, args.max_members)
        result = collect(course, args.download, args.pattern, force=args.force, dry_run=args.dry_run,
                         limits=limits, db=args.db)
        report(result, course.root)
    elif args.command == "roster":
        from .intake.roster import import_roster

        for key, entry in import_roster(course, args.file, args.db, dry_run=args.dry_run).items():
            print(f"  {key}\t{entry.lms_id}\t{entry.name}\t{entry.email}")
    elif args.command == "autograde":
        from .engine.batch import autograde
        from .engine.grader import Options
        from .engine.sandbox_layers import Limits

        limits = Limits(cell_timeout=args.cell_timeout, budget=args.budget,
                        memory_bytes=int(args.memory_gb * 1024**3))
        autograde(course, args.assignments, args.students, force=args.force, jobs=args.jobs, db=args.db,
                  options=Options(limits=limits, fast=not args.full, skip_demos=not args.run_demos),
                  quiet=args.quiet, skip_preflight=args.skip_preflight, scheduler=args.scheduler)
    elif args.command == "feedback":
        from .results.feedback import feedback

        feedback(course, args.assignments, args.students, args.db)
    elif args.command == "export":
        if args.format == "long":
            from .results.export import export

            export(course, args.output, args.assignments, args.db)
        else:
            from .results.lms_export import lms_export

            lms_export(course, args.format, args.output, args.assignments, args.db)
    elif args.command == "report":
        from .results.report import report

        report(course, args.assignments, args.out, args.db)


if __name__ == "__main__":
    sys.exit(main())
