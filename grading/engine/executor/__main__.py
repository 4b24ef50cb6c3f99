"""``python /opt/grader/executor``: run one notebook (request on stdin, result on stdout);
``python /opt/grader/executor zygote FD``: serve a warm sandbox on the control socket FD.
"""

import json
import os
import sys

# Python put this folder first on sys.path; its modules import one another as the package
# ``executor`` (relative imports), so the folder's parent takes its place.
sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from executor import notebook_run, report  # noqa: E402


def main() -> None:
    if sys.argv[1:2] == ["zygote"]:
        from executor import zygote

        zygote.main(int(sys.argv[2]))
        return
    report.not_dumpable()
    request = json.loads(sys.stdin.buffer.read())
    notebook_run.run_and_report(request, report.real_stdout())


if __name__ == "__main__":
    main()
