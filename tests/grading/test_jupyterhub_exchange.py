"""nbgrader's exchange on a real JupyterHub, end to end (grading/README.md, "On a JupyterHub").

A JupyterHub on 127.0.0.1 (configurable-http-proxy, DummyAuthenticator, a local process and home
per user) serves ``alice`` and ``bob``; ``instructor`` is allowed in too, and works in a terminal.
The instructor releases ``01_softmax_policy`` into a temporary exchange; each student fetches it,
saves answers (Alice right, Bob the unstable softmax of tests/wrong_answers) and submits, all
through their own server's nbgrader and contents endpoints behind the hub. The instructor collects
(``nbgrader collect``), grades (``python -m grading autograde``), writes the feedback (``python -m
grading feedback``) and releases it (``nbgrader release_feedback``); each student fetches it and
finds their own name and score: Alice full marks, Bob exactly the wrong answer's known points.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys

import pytest

from grading.authoring.release import release
from grading.base.cells import grade_id, is_test, nbgrader_meta, student_submission
from grading.base.course import REPO_ROOT
from grading.base.nbgrader_cli import run_nbgrader

from ..conftest import copy_course, read_nb
from ..hub_server import missing_parts, running_hub
from ..wrong_answers import for_assignment

ASSIGNMENT = "01_softmax_policy"
COURSE_ID = "pg-course"
WRONG = "softmax-unstable"
SCORE = re.compile(r"Score: ([\d.]+) / ([\d.]+)")

pytestmark = pytest.mark.skipif(missing_parts() is not None, reason=str(missing_parts()))


def deployment_config(folder, exchange) -> str:
    """The hub's system-wide nbgrader settings (/etc/jupyter/nbgrader_config.py on a real hub)."""
    folder.mkdir()
    (folder / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n")
    return str(folder)


def expected_scores(source) -> tuple[float, float]:
    """(full marks, Bob's total): every test cell's points, less what the wrong answer loses."""
    maxima = {grade_id(c): float(nbgrader_meta(c)["points"]) for c in source.cells if is_test(c)}
    wrong = next(w for w in for_assignment(ASSIGNMENT) if w.name == WRONG)
    return sum(maxima.values()), sum({**maxima, **{k: float(v) for k, v in wrong.scores.items()}}.values())


def instructor(course, config_path: str, *args: str) -> None:
    """``nbgrader <args>`` in the instructor's terminal: the course's grading/ folder, the hub's settings."""
    run_nbgrader(course, *args, env={"JUPYTER_CONFIG_PATH": config_path}, capture=True)


def grade_and_write_feedback(course) -> None:
    """``python -m grading autograde`` and ``feedback``, as the instructor types them."""
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    for command in (["autograde", ASSIGNMENT, "--quiet"], ["feedback", ASSIGNMENT]):
        done = subprocess.run([sys.executable, "-m", "grading", "--course", str(course.root), *command],
                              cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"python -m grading {command[0]}:\n{done.stdout}\n{done.stderr}"


def fetch_and_answer(server, source, answers) -> None:
    """Fetch the assignment in the Assignments tab, fill it in, save it, submit it."""
    listed = server.assignment_action("fetch", COURSE_ID, ASSIGNMENT)
    assert any(a["assignment_id"] == ASSIGNMENT and a["status"] == "fetched" for a in listed), listed
    path = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    fetched = server.get(f"api/contents/{path}")["content"]
    server.put_notebook(path, student_submission(fetched, source, answers))
    listed = server.assignment_action("submit", COURSE_ID, ASSIGNMENT)
    assert any(a["status"] == "submitted" for a in listed), f"{server.name}'s submit failed: {listed}"


def fetched_feedback(server) -> str:
    """The text of the one feedback page the student's fetch_feedback brought home."""
    server.assignment_action("fetch_feedback", COURSE_ID, ASSIGNMENT)
    folder = server.get(f"api/contents/{ASSIGNMENT}/feedback")["content"]
    pages = [f["path"] for stamp in folder for f in server.get(f"api/contents/{stamp['path']}")["content"]
             if f["name"].endswith(".html")]
    assert len(pages) == 1, f"{server.name} fetched {pages}"
    page = server.get(f"api/contents/{pages[0]}", type="file", format="text")["content"]
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_release_fetch_submit_collect_grade_and_fetch_feedback_through_a_hub(tmp_path):
    course = copy_course(tmp_path / "course")
    release(course, [ASSIGNMENT], quiet=True)
    source = read_nb(course.source_notebook(ASSIGNMENT))
    full, bob_total = expected_scores(source)
    assert bob_total < full
    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o777)
    exchange.chmod(0o777)  # everyone writes inbound/, as on a real hub (the umask would narrow mkdir's mode)
    deploy = deployment_config(tmp_path / "etc-jupyter", exchange)
    student_config = os.pathsep.join([deploy, str(REPO_ROOT / "lab" / "config")])
    instructor(course, deploy, "release_assignment", ASSIGNMENT)

    with running_hub(tmp_path / "hub", ["instructor", "alice", "bob"], student_config) as hub:
        alice, bob = hub.spawn("alice"), hub.spawn("bob")
        wrong = next(w for w in for_assignment(ASSIGNMENT) if w.name == WRONG)
        fetch_and_answer(alice, source, None)
        fetch_and_answer(bob, source, wrong.answers)

        instructor(course, deploy, "collect", ASSIGNMENT)
        assert sorted(p.name for p in (course.root / "submitted").iterdir()) == ["alice", "bob"]
        grade_and_write_feedback(course)
        instructor(course, deploy, "release_feedback", ASSIGNMENT)

        pages = {server.name: fetched_feedback(server) for server in (alice, bob)}
    for name, total in (("alice", full), ("bob", bob_total)):
        other = "bob" if name == "alice" else "alice"
        assert f"Feedback: {name} " in pages[name] and other not in pages[name], pages[name][:500]
        assert SCORE.search(pages[name]).groups() == (f"{total:g}", f"{full:g}"), pages[name][:500]
