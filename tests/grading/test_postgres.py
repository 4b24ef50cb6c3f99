"""A gradebook shared through a real PostgreSQL server, written by two grading processes at once.

A throwaway server (Debian's postgresql package, installed by `make system-deps`) is started in
a temporary folder, listening only on a Unix socket. Two ``python -m grading autograde --db``
processes grade disjoint students of one assignment into it at the same time; the scores read
back from the database must be exactly the expected ones, and ``export --db`` must list them.
"""

from __future__ import annotations

import csv
import glob
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grading.authoring.release import release
from grading.base.course import Course

from ..conftest import copy_course, read_nb
from .corpus import ASSIGNMENT, SOFTMAX_UNSTABLE, Context

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))

pytestmark = [
    pytest.mark.skipif(not PG_BIN, reason="PostgreSQL server binaries not installed (make system-deps)"),
    pytest.mark.skipif(ASSIGNMENT not in Course().assignments(), reason=f"{ASSIGNMENT} not in solutions/"),
]


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres account then."""
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser")
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="module")
def server():
    pytest.importorskip("psycopg")
    # Not under pytest's tmp folder: that one is owner-only, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="pg-gradebook-"))
    data, sock = root / "data", root / "sock"
    data.mkdir()
    sock.mkdir()
    if os.geteuid() == 0:
        os.chmod(root, 0o755)
        shutil.chown(data, "postgres")
        shutil.chown(sock, "postgres")
    bin_dir = PG_BIN[-1]
    port = str(50000 + os.getpid() % 10000)
    subprocess.run(_as_postgres([f"{bin_dir}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([f"{bin_dir}/pg_ctl", "-D", str(data), "-w", "-l", str(sock / "server.log"),
                                 "-o", f"-k {sock} -c listen_addresses='' -p {port}", "start"]),
                   check=True, capture_output=True)
    try:
        subprocess.run(_as_postgres([f"{bin_dir}/createdb", "-h", str(sock), "-p", port, "course"]),
                       check=True, capture_output=True)
        yield f"postgresql://postgres@/course?host={sock}&port={port}"
    finally:
        subprocess.run(_as_postgres([f"{bin_dir}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def test_two_graders_share_one_postgres_gradebook(server, tmp_path):
    course = copy_course(tmp_path / "course")
    release(course, [ASSIGNMENT], quiet=True)
    ctx = Context(course, read_nb(course.release_notebook(ASSIGNMENT)), read_nb(course.source_notebook(ASSIGNMENT)))
    ctx.write("ann", ctx.submission())
    ctx.write("bob", ctx.released)
    ctx.write("cat", ctx.submission(answers={"softmax": SOFTMAX_UNSTABLE}))
    ctx.write("dan", ctx.submission())
    full = ctx.maxima
    expected = {"ann": full, "bob": dict.fromkeys(full, 0.0), "dan": full,
                "cat": {**full, "test_softmax": 0.0, "test_softmax_hidden": 0.0}}

    def grader(*students):
        return subprocess.Popen([sys.executable, "-m", "grading", "--course", str(course.root), "autograde",
                                 ASSIGNMENT, "--students", *students, "--db", server, "--jobs", "1", "--quiet",
                                 "--cell-timeout", "30"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    workers = [grader("ann", "bob"), grader("cat", "dan")]  # two machines, one database
    for w in workers:
        out, _ = w.communicate(timeout=600)
        assert w.returncode == 0, out

    from nbgrader.api import Gradebook

    with Gradebook(server) as gb:
        for student, scores in expected.items():
            nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            assert {g.name: float(g.score) for g in nb.grades} == scores, student
        assert sorted(s.id for s in gb.students) == sorted(expected)

    out = subprocess.run([sys.executable, "-m", "grading", "--course", str(course.root), "export", ASSIGNMENT,
                          "--db", server], capture_output=True, text=True, check=True).stdout
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(out))}
    for student, scores in expected.items():
        assert float(rows[student]["score"]) == sum(scores.values())
        assert rows[student]["status"] == "graded"


def test_roster_import_into_postgres(server, tmp_path):
    """``roster import --db`` writes nbgrader's Student table on PostgreSQL as on sqlite."""
    course = copy_course(tmp_path / "course")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email\nann,Ann Lee,ann@uni.example\n77,Ólafur Þórsson,olafur@uni.example\n",
                      encoding="utf-8")
    subprocess.run([sys.executable, "-m", "grading", "--course", str(course.root), "roster", "import", str(roster),
                    "--db", server], capture_output=True, text=True, check=True)
    from nbgrader.api import Gradebook

    with Gradebook(server) as gb:
        olafur = gb.find_student("olafur-thorsson_77")
        assert (olafur.last_name, olafur.email, olafur.lms_user_id) == ("Ólafur Þórsson", "olafur@uni.example", "77")
        assert gb.find_student("ann").lms_user_id == "ann"
    out = subprocess.run([sys.executable, "-m", "grading", "--course", str(course.root), "export", ASSIGNMENT,
                          "--db", server], capture_output=True, text=True, check=True).stdout
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (rows["olafur-thorsson_77"]["name"], rows["olafur-thorsson_77"]["status"]) == ("Ólafur Þórsson", "missing")
    assert rows["ann"]["name"] == "Ann Lee"
