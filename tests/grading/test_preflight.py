"""The pre-flight and environment failures: grading is never silently wrong.

Most tests use a one-question course (``00_double``) built in a temporary folder, so that each
batch grades a small notebook. The broken-venv test uses a real copy of the course.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from nbgrader.api import Gradebook

from grading.authoring.release import release
from grading.base.cells import student_submission
from grading.base.course import REPO_ROOT, Course
from grading.engine import preflight as preflight_mod
from grading.engine.batch import autograde, summary
from grading.engine.environment import failure, imported_modules, is_course_module
from grading.engine.grader import Options
from grading.engine.preflight import CACHE_ENV, PreflightError, preflight
from grading.engine.result_files import Task, is_current, load_result
from grading.engine.sandbox_layers import Limits, protections

from .. import notebook_factory as nbf
from ..conftest import copy_course, read_nb
from .corpus import ASSIGNMENT, Context

NAME = "00_double"
LIMITS = Limits(cell_timeout=30, budget=120)
OPTIONS = Options(limits=LIMITS)
IMPORTS = "import numpy as np\nimport pg_helpers as pg"
NEEDS_BWRAP = pytest.mark.skipif(
    not protections(announce=False)["bwrap"],
    reason="needs bubblewrap (`make system-deps` installs it as root): without its mount namespace the "
           "kernel sees every folder, so an install pointing elsewhere still imports")


def _build_tiny_course(root: Path) -> Course:
    """A released one-question course at ``root``: setup, a locked imports cell, answer, two tests."""
    shutil.copytree(REPO_ROOT / "grading", root / "grading", ignore=shutil.ignore_patterns("__pycache__", "gradebook.db*"))
    shutil.copy2(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    nb = nbf.notebook(nbf.md("# 00 · Double\n\n**Points: 3**"), nbf.code(nbf.SETUP),
                      nbf.code(IMPORTS, locked=True, grade_id="imports"), nbf.answer(),
                      nbf.test(nbf.VISIBLE, "test_double", 1), nbf.test(nbf.HIDDEN, "test_double_hidden", 2))
    (root / "solutions" / NAME).mkdir(parents=True)
    nbformat.write(nb, root / "solutions" / NAME / f"{NAME}.ipynb")
    course = Course(root)
    release(course, quiet=True)
    return course


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Course:
    return _build_tiny_course(tmp_path_factory.mktemp("tiny") / "course")


@pytest.fixture()
def tiny(pristine, tmp_path) -> Course:
    """A fresh copy of the released one-question course (gradebook included)."""
    shutil.copytree(pristine.root, tmp_path / "course")
    return Course(tmp_path / "course")


def set_solution(course: Course, answer: str) -> None:
    """Change the reference answer only: the release (a stub) and the gradebook stay in step."""
    path = course.source_notebook(NAME)
    nb = read_nb(path)
    next(c for c in nb.cells if c.source == nbf.ANSWER).source = answer
    nbformat.write(nb, path)


def submit(course: Course, student: str, answer: str | None = None) -> None:
    """Hand in the release with the solution, or with ``answer`` as the answer cell."""
    released, source = read_nb(course.release_notebook(NAME)), read_nb(course.source_notebook(NAME))
    nb = student_submission(released, source, None if answer is None else {"double": answer})
    path = course.root / "submitted" / student / NAME / f"{NAME}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def nothing_written(course: Course, assignment: str = NAME) -> None:
    """No result under autograded/ and no student in the gradebook."""
    results = list((course.root / "autograded").rglob("*.result.json")) if (course.root / "autograded").exists() else []
    assert results == [], f"results written: {results}"
    with Gradebook(course.gradebook_url) as gb:
        assert [s.id for s in gb.students] == [], "students written to the gradebook"


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    """A pre-flight cache of this test's own (the suite's shared one would hide the runs); the
    other tests share the suite's, as the tiny course is the same in most of them."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "preflight-cache"))
    return tmp_path / "preflight-cache"


# ---- units
def test_imported_modules_and_course_modules():
    assert imported_modules("import a.b.c as d\nfrom e.f import g\nfrom . import h\n") == {"a", "a.b", "a.b.c", "e", "e.f"}
    assert imported_modules("this is not python") == set()
    assert is_course_module("pg_helpers", set()) and is_course_module("pg_helpers.checks", set())
    assert not is_course_module("pg_helpers.no_such_module", set())
    assert is_course_module("torch", {"torch", "numpy"}) and not is_course_module("torch.no_such", {"torch"})
    assert not is_course_module("no_such_package", {"numpy"})


def _executed(*cells):
    """An executed notebook: (source, error name or None) per code cell."""
    nb = nbformat.v4.new_notebook()
    for source, error in cells:
        cell = nbformat.v4.new_code_cell(source)
        if error:
            cell.outputs = [nbformat.v4.new_output("error", ename=error, evalue="boom", traceback=[])]
        nb.cells.append(cell)
    return nb


def test_environment_rules_without_a_sandbox():
    reference = {"import numpy as np", "x = np.ones(3)", "assert x.sum() == 3"}
    nb = _executed(("import numpy as np", None), ("x = np.ones(3)", "NameError"), ("assert x.sum() == 3", "NameError"))
    run = {"kernel": "ok", "kernel_started": True, "cells": {"0": "ok", "1": "error", "2": "error"}}
    cause = failure(run, nb, reference, {"numpy"}, LIMITS, True)
    assert cause == "cell 1, before any code of the student's, failed: NameError: boom"
    student = _executed(("import numpy as np", None), ("x = np.ones(2)", None), ("assert x.sum() == 3", "AssertionError"))
    run = {"kernel": "ok", "kernel_started": True, "cells": {"0": "ok", "1": "ok", "2": "error"}}
    assert failure(run, student, reference, {"numpy"}, LIMITS, True) is None, "the student's answer failed the test"
    never = {"kernel": "stopped: RuntimeError: Kernel died before replying to kernel_info", "kernel_started": False,
             "cells": {"0": "not run"}}
    assert failure(never, student, reference, set(), LIMITS, True).startswith("the kernel did not start (stopped:")
    died = {"kernel": "sandbox failed: executor exited with code -9", "kernel_started": True, "cells": {}}
    assert failure(died, student, reference, set(), LIMITS, True) is None, "after the kernel started: the submission's"


# ---- the pre-flight stops a batch that would be wrong
def test_reference_failing_one_test_stops_the_batch_naming_that_cell(tiny, shared_preflight_cache):
    course = tiny
    set_solution(course, nbf.ANSWER.replace("return 2 * x", "return 2 * abs(x)"))  # the hidden test tries -1
    submit(course, "ann")
    cached_before = set(shared_preflight_cache.glob(f"reference-{NAME}-*"))
    with pytest.raises(PreflightError) as stop:
        autograde(course, [NAME], jobs=1, options=OPTIONS, quiet=True)
    message = str(stop.value)
    assert f"{NAME}/{NAME}.ipynb: the reference solution gets 1 of 3 points" in message
    assert "test_double_hidden (cell 5): AssertionError" in message
    assert "test_double (cell" not in message, "only the failing cell is named"
    assert "the reference fails its own tests" in message and "--skip-preflight" in message
    nothing_written(course)
    assert set(shared_preflight_cache.glob(f"reference-{NAME}-*")) == cached_before, "a failure must not be cached"
    # Skipped knowingly, the batch grades (and the student gets what the tests say).
    results = autograde(course, [NAME], jobs=1, options=OPTIONS, quiet=True, skip_preflight=True)
    assert results[0]["status"] == "graded" and results[0]["scores"] == {"test_double": 1.0, "test_double_hidden": 0.0}


def test_release_out_of_step_is_reported(tiny):
    course = tiny
    submit(course, "ann")
    path = course.source_notebook(NAME)
    nb = read_nb(path)
    test = next(c for c in nb.cells if c.source == nbf.VISIBLE)
    test.source = nbf.VISIBLE.replace("double(3) == 6", "double(4) == 8")  # edited after the release
    nbformat.write(nb, path)
    with pytest.raises(PreflightError) as stop:
        autograde(course, [NAME], jobs=1, options=OPTIONS, quiet=True)
    message = str(stop.value)
    assert "out of step with solutions/" in message and "never saw" in message
    assert f"notebooks/{NAME}/{NAME}.ipynb: differs from what `make release` makes from solutions/ now" in message
    assert f"{NAME}/{NAME}: test cell test_double: the gradebook's copy differs from solutions/" in message
    assert "reference solution gets" not in message, "the reference itself still passes"
    nothing_written(course)
    release(course, quiet=True)  # released again: in step, and the batch runs
    assert autograde(course, [NAME], jobs=1, options=OPTIONS, quiet=True)[0]["status"] == "graded"


def test_points_changed_in_solutions_are_reported(tiny):
    course = tiny
    with Gradebook(course.gradebook_url) as gb:
        gb.find_grade_cell("test_double_hidden", NAME, NAME).max_score = 5
        gb.db.commit()
    problems = preflight_mod.gradebook_problems(course.gradebook_url, course, [NAME])
    assert problems == [f"{NAME}/{NAME}: test cell test_double_hidden: 5 points in the gradebook, 2 in solutions/"]


def test_a_passing_preflight_is_cached_per_source_and_options(tiny, cache, monkeypatch):
    course = tiny
    preflight(course, [NAME], OPTIONS, quiet=True)
    assert len(list(cache.glob("reference-*.json"))) == 1 and len(list(cache.glob("release-*.json"))) == 1

    def must_not_run(*args, **kwargs):
        raise AssertionError("the reference ran again")

    monkeypatch.setattr(preflight_mod, "execute", must_not_run)
    preflight(course, [NAME], OPTIONS, quiet=True)  # cached: nothing runs
    with pytest.raises(AssertionError, match="ran again"):  # other options: a new pre-flight
        preflight(course, [NAME], Options(limits=Limits(cell_timeout=31, budget=120)), quiet=True)
    path = course.source_notebook(NAME)
    path.write_text(path.read_text().replace("Double", "Twice"))  # the source changed
    with pytest.raises(AssertionError, match="ran again"):
        preflight(course, [NAME], OPTIONS, quiet=True)


# ---- environment failures are not students' zeros
def test_a_kernel_that_cannot_start_is_an_environment_failure(tiny):
    course = tiny
    submit(course, "ann")
    cramped = Options(limits=Limits(memory_bytes=100 * 1024**2, cell_timeout=30, budget=120))
    with pytest.raises(PreflightError, match="the kernel could not start in the sandbox.*--memory-gb"):
        autograde(course, [NAME], jobs=1, options=cramped, quiet=True)
    nothing_written(course)
    result, = autograde(course, [NAME], jobs=1, options=cramped, quiet=True, skip_preflight=True)
    assert result["status"] == "failed" and result["reason"].startswith("environment: the kernel did not start")
    with Gradebook(course.gradebook_url) as gb:
        assert [s.id for s in gb.students] == [], "an environment failure's zeros went into the gradebook"
    assert not is_current(course, Task("ann", NAME, NAME)), "a resumed batch must grade it again"
    assert autograde(course, [NAME], jobs=1, options=OPTIONS, quiet=True)[0]["status"] == "graded"


OWN_ERRORS = {
    "missing-package": "import no_such_package_xyz\n",
    "missing-name": "from pg_helpers import no_such_function\n",
    "missing-submodule": "import pg_helpers.no_such_module\n",
    "forged": "raise ModuleNotFoundError(\"No module named 'pg_helpers'\", name='pg_helpers')\n",
    "hidden-module": "import sys\nsys.modules['pg_helpers.checks'] = None\nimport pg_helpers.checks\n",
}


def test_a_students_own_import_error_is_graded(tiny):
    """Import errors a student causes cost the tests that need the answer, never 'environment'."""
    for student, line in OWN_ERRORS.items():
        submit(tiny, student, line + nbf.ANSWER)
    submit(tiny, "reference")
    results = {r["student"]: r for r in autograde(tiny, [NAME], jobs=2, options=OPTIONS, quiet=True)}
    assert results["reference"]["status"] == "graded"
    for student in OWN_ERRORS:
        result = results[student]
        assert result["status"] in ("graded", "flagged"), f"{student}: {result['reason']}"
        assert "environment" not in result["reason"], student
        assert result["scores"] == {"test_double": 0.0, "test_double_hidden": 0.0}, student


def test_summary_lists_environment_failures_first():
    results = [
        {"student": "bob", "assignment": "a", "notebook": "a", "status": "flagged", "reason": "opens files"},
        {"student": "ann", "assignment": "a", "notebook": "a", "status": "failed", "reason": "kernel died in cell 3"},
        {"student": "cat", "assignment": "a", "notebook": "a", "status": "failed",
         "reason": "environment: the kernel did not start"},
        {"student": "dan", "assignment": "a", "notebook": "a", "status": "graded", "reason": ""},
    ]
    lines = summary(results, ran={(r["student"], "a", "a") for r in results}).splitlines()
    assert "1 failed (environment)" in lines[0] and "1 failed," in lines[0]
    assert "because of the grading environment" in lines[1]
    assert lines[2].strip() == "cat/a: failed (environment: the kernel did not start)"
    assert [line.split(":")[0].strip() for line in lines[3:]] == ["bob/a", "ann/a"]


def test_summary_counts_each_notebook_once():
    """27 notebooks: 5 graded now, 22 missing now, none skipped; then the same again, all up to date."""
    results = ([{"student": f"s{i}", "assignment": "a", "notebook": "a", "status": "graded", "reason": ""} for i in range(5)]
               + [{"student": f"m{i}", "assignment": "a", "notebook": "a", "status": "missing", "reason": ""}
                  for i in range(22)])
    first = summary(results, ran={(r["student"], "a", "a") for r in results}).splitlines()[0]
    assert first == "autograde: 27 notebook(s): 5 graded, 22 missing, 0 already up to date", first
    again = summary(results, ran=set()).splitlines()[0]
    assert again == "autograde: 27 notebook(s): 0 graded, 27 already up to date", again


# ---- the set-up of issue 14: a course copy graded with another copy's venv
def _editable_target() -> Path | None:
    """The folder this venv's editable install of the course points at (None if not editable)."""
    origins = [d.read_text("direct_url.json") for d in metadata.distributions(name="pg-course")]
    direct = json.loads(next((o for o in origins if o), "{}"))
    if not direct.get("dir_info", {}).get("editable"):
        return None
    return Path(urlparse(direct["url"]).path).resolve()


@NEEDS_BWRAP
def test_a_venv_installed_from_another_copy_stops_with_a_clear_error(tmp_path):
    other = _editable_target()
    if other is None or not (other / "pg_helpers").is_dir():
        pytest.skip("this venv does not have the course installed in editable mode (`make install` does)")
    # Copy B, with its own pg_helpers: run from B, the grader imports B's pg_helpers and shows it to
    # the sandbox, while the venv's editable install maps pg_helpers to `other`, which it does not show.
    course = copy_course(tmp_path / "copy-b")
    shutil.copytree(other / "pg_helpers", course.root / "pg_helpers", ignore=shutil.ignore_patterns("__pycache__"))
    release(course, [ASSIGNMENT], quiet=True)
    ctx = Context(course, read_nb(course.release_notebook(ASSIGNMENT)), read_nb(course.source_notebook(ASSIGNMENT)))
    ctx.write("ann", ctx.submission())
    own_error = ctx.submission()  # the student's own failing import runs first, then the course's
    own_error.cells.insert(0, nbformat.v4.new_code_cell("import no_such_package_xyz\n"))
    ctx.write("own-error", own_error)

    def grade_b(*extra):
        return subprocess.run([sys.executable, "-m", "grading", "autograde", ASSIGNMENT, "--jobs", "2",
                               "--cell-timeout", "30", *extra], cwd=course.root, capture_output=True, text=True,
                              timeout=600, env={**os.environ, "PG_FAST": "1", CACHE_ENV: str(tmp_path / "cache")})

    stopped = grade_b()
    out = stopped.stdout + stopped.stderr
    assert stopped.returncode == 1, out
    assert f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb: the reference solution gets 0 of" in out
    assert "nothing was graded or written" in out
    assert "ModuleNotFoundError: No module named 'pg_helpers'" in out
    assert "test_softmax (cell" in out, "the failing test cells are named"
    assert "the sandbox cannot import pg_helpers" in out and "Python looked in:" in out
    assert f"installed in editable mode from {other}, a folder the sandbox does not show" in out
    assert f"imports pg_helpers from {course.root / 'pg_helpers'}" in out
    nothing_written(course, ASSIGNMENT)

    # Skipped knowingly: nobody gets a silent zero; environment failures come first in the summary.
    graded = grade_b("--skip-preflight")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    for student in ("ann", "own-error"):
        result = load_result(course, Task(student, ASSIGNMENT, ASSIGNMENT))
        assert result["status"] == "failed" and result["reason"].startswith("environment: "), result["reason"]
    assert "2 notebook(s) failed because of the grading environment" in graded.stdout
    with Gradebook(course.gradebook_url) as gb:
        assert [s.id for s in gb.students] == [], "zeros of an environment failure were recorded"


def test_preflight_checks_only_what_was_handed_in(tiny, monkeypatch):
    """Two assignments, submissions for one: the other's reference is not graded (nothing of it is),
    and its notebooks are still reported missing."""
    other = "00_other"
    shutil.copytree(tiny.solutions / NAME, tiny.solutions / other)
    (tiny.solutions / other / f"{NAME}.ipynb").rename(tiny.solutions / other / f"{other}.ipynb")
    release(tiny, [other], quiet=True)
    submit(tiny, "ann")
    checked = []
    monkeypatch.setattr("grading.engine.batch.preflight", lambda course, names, *a, **k: checked.append(list(names)))
    results = autograde(tiny, None, jobs=1, options=OPTIONS, quiet=True)
    assert checked == [[NAME]]
    assert sorted((r["assignment"], r["status"]) for r in results) == [(NAME, "graded"), (other, "missing")]
