"""``python -m grading <command>``: the instructor's command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from .course import Course
from .release import release


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__)
    parser.add_argument("--course", type=Path, default=None, help="course root (default: this repository)")
    sub = parser.add_subparsers(dest="command", required=True)

    p_release = sub.add_parser("release", help="regenerate notebooks/ from solutions/")
    p_release.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    p_release.add_argument("--quiet", action="store_true", help="print only problems")

    args = parser.parse_args(argv)
    course = Course(args.course.resolve()) if args.course else Course()
    if args.command == "release":
        release(course, args.assignments, quiet=args.quiet)


if __name__ == "__main__":
    main()
