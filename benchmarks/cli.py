"""``python -m benchmarks.cli``: how long ``python -m grading --help`` and each ``<command> --help`` take,
as whole processes (median of several runs), against the bare interpreter started in the same run.
It prints; it never fails on time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = ["", "release", "check", "collect", "roster", "autograde", "feedback", "export", "report", "student-export"]


def seconds(argv: list[str], runs: int) -> float:
    """Median wall seconds of ``runs`` executions of ``argv`` (after one not counted)."""
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    bare = seconds([sys.executable, "-c", "pass"], args.runs)
    print(f"bare interpreter: {bare:.3f} s (median of {args.runs})")
    print(f"{'command':42s} {'seconds':>8s} {'x bare':>7s}")
    for command in COMMANDS:
        t = seconds([sys.executable, "-m", "grading", *([command] if command else []), "--help"], args.runs)
        print(f"{('python -m grading ' + command).strip() + ' --help':42s} {t:8.3f} {t / bare:7.1f}", flush=True)


if __name__ == "__main__":
    main()
