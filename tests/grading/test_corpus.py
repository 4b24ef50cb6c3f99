"""The adversarial corpus, graded once by ``python -m grading`` in a copy of the course.

Every fixture of tests/grading/corpus.py is submitted (three through an LMS zip and
``collect``), the whole batch is autograded in parallel in the sandbox, and each fixture's
per-cell scores, status and reason are asserted, with the CSV export, feedback, report,
re-grading and the sandbox's walls.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import subprocess
import zipfile

import nbformat
import pytest
from nbgrader.api import Gradebook

from grading.authoring.release import release
from grading.base.cells import BEGIN_HIDDEN, END_HIDDEN, regions
from grading.base.course import Course
from grading.base.demos import is_demo
from grading.engine.batch import autograde
from grading.engine.grader import Options, grade
from grading.engine.result_files import Task, load_result
from grading.engine.sandbox_layers import BASE_UID, Limits
from grading.intake.collect import collect
from grading.results.export import export
from grading.results.feedback import feedback, strip_hidden
from grading.results.report import report

from ..conftest import copy_course, read_nb
from .corpus import ASSIGNMENT, FIXTURES, LMS_FILES, SECRET_ENV, Context

pytestmark = pytest.mark.skipif(ASSIGNMENT not in Course().assignments(), reason=f"{ASSIGNMENT} not in solutions/")

LIMITS = Limits(cell_timeout=10, budget=180)
LMS_EXPECTED = {sid: what for _, what, sid in LMS_FILES}


def _scores(gb: Gradebook, student: str) -> dict[str, float]:
    nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
    return {g.name: float(g.score) for g in nb.grades}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release 01, build every fixture, collect the LMS zip, autograde all; return what came out."""
    root = tmp_path_factory.mktemp("corpus")
    course = copy_course(root / "course")
    release(course, [ASSIGNMENT], quiet=True)
    ctx = Context(course, read_nb(course.release_notebook(ASSIGNMENT)), read_nb(course.source_notebook(ASSIGNMENT)))
    for fixture in FIXTURES:
        fixture.build(ctx)
    download = root / "lms-download.zip"
    with zipfile.ZipFile(download, "w") as zf:
        for name, what, _ in LMS_FILES:
            nb = ctx.submission() if what == "reference" else ctx.released
            zf.writestr(name, nbformat.writes(nb))
        zf.writestr("notes.txt", "not a notebook")
        zf.writestr("someone_1_2_homework.ipynb", nbformat.writes(ctx.released))
    collected = collect(course, download)
    os.environ[SECRET_ENV] = "instructor-only"
    try:
        results = autograde(course, [ASSIGNMENT], jobs=2, options=Options(limits=LIMITS), quiet=True)
    finally:
        del os.environ[SECRET_ENV]
    with Gradebook(course.gradebook_url) as gb:
        scores = {r["student"]: _scores(gb, r["student"]) for r in results if r["status"] != "missing"}
    return {"course": course, "ctx": ctx, "results": {r["student"]: r for r in results}, "scores": scores,
            "collected": collected}


def test_corpus_is_large_enough():
    assert len(FIXTURES) + len(LMS_FILES) >= 30
    assert len({f.student for f in FIXTURES}) == len(FIXTURES), "fixture student ids must be unique"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.student for f in FIXTURES])
def test_fixture_gets_exact_scores_and_status(graded, fixture):
    result = graded["results"][fixture.student]
    maxima = graded["ctx"].maxima
    expected = fixture.expected(maxima)
    assert fixture.status_ok(result["status"], result["reason"]), f"{fixture.student}: {result['status']} ({result['reason']})"
    for phrase in fixture.reason:
        assert phrase in result["reason"], f"{fixture.student}: {phrase!r} not in reason {result['reason']!r}"
    if fixture.status == "graded":
        assert result["reason"] == "" and result["flags"] == []
    assert result["scores"] == expected, f"{fixture.student} ({fixture.what})"
    if fixture.status != "missing":
        assert graded["scores"][fixture.student] == expected, f"{fixture.student}: gradebook differs"


def test_reference_full_marks_under_five_seeds(graded):
    full = graded["ctx"].maxima
    for student in ["reference", *(f"reference-seed{k}" for k in range(1, 5))]:
        assert graded["scores"][student] == full, student


def test_demo_cells_run_only_when_read(graded):
    """The experiment cells are left unrun for the reference, and run when an answer reads them."""
    source = graded["ctx"].source
    demo_sources = {c.source.strip() for c in source.cells if is_demo(c)}
    assert demo_sources, f"{ASSIGNMENT} has no demo cells"

    def demo_outcomes(student):
        nb = read_nb(graded["course"].root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
        outcomes = graded["results"][student]["outcomes"]
        return [outcomes[str(i)] for i, c in enumerate(nb.cells) if c.cell_type == "code"
                and c.source.strip() in demo_sources]

    assert set(demo_outcomes("reference")) == {"skipped"}
    # `final` comes from the last demo cell, which reads what the one before it computed
    assert demo_outcomes("reads-demo")[-2:] == ["ok", "ok"]
    assert demo_outcomes("reads-demo")[:-2] == ["skipped"] * (len(demo_sources) - 2)


def test_run_demos_option_runs_them(graded, tmp_path):
    course = copy_course(tmp_path / "course")
    ctx = Context(course, graded["ctx"].released, graded["ctx"].source)
    ctx.write("everything", ctx.submission())
    result = grade(course, Task("everything", ASSIGNMENT, ASSIGNMENT), Options(limits=LIMITS, skip_demos=False))
    assert result["status"] == "graded" and result["scores"] == ctx.maxima
    assert set(result["outcomes"].values()) == {"ok"}  # every demo cell ran


def test_lms_download_is_collected_and_graded(graded):
    placed = {dest.parts[-3] for _, dest in graded["collected"].placed}
    assert placed == set(LMS_EXPECTED)
    unplaced = dict(graded["collected"].unplaced)
    assert unplaced["notes.txt"] == "not a notebook"
    assert "names no assignment" in unplaced["someone_1_2_homework.ipynb"]
    full = graded["ctx"].maxima
    for sid, what in LMS_EXPECTED.items():
        assert graded["results"][sid]["status"] == "graded"
        assert graded["scores"][sid] == (full if what == "reference" else dict.fromkeys(full, 0.0)), sid


def _executed_text(course: Course, student: str) -> str:
    nb = read_nb(course.root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    return "\n".join(str(o.get("text", "")) + str(o.get("evalue", "")) for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))


def test_sandbox_walls_hold(graded):
    course = graded["course"]
    assert "reads blocked" in _executed_text(course, "attack-read-files")
    assert "LEAK" not in _executed_text(course, "attack-read-files")
    assert "gradebook blocked" in _executed_text(course, "attack-write-gradebook")
    env_out = _executed_text(course, "attack-environment")
    assert "PG_FAST" in env_out and SECRET_ENV not in env_out and "NBGRADER" not in env_out
    assert "network blocked" in _executed_text(course, "attack-network")
    with Gradebook(course.gradebook_url) as gb:
        manual = [g.manual_score for s in gb.students for sub in s.submissions for nb in sub.notebooks
                  for g in nb.grades if g.manual_score is not None]
    assert manual == [], "a submission wrote manual grades into the gradebook"


def test_no_sandbox_process_survives(graded):
    """After the batch (fork bomb included), no process of its sandboxes' uids is left."""
    uids = {r.get("sandbox_uid") for r in graded["results"].values()} - {None}
    uids = {u for u in uids if u >= BASE_UID}
    if not uids:
        pytest.skip("sandboxes did not run under their own uid (no setpriv as root)")
    out = subprocess.run(["ps", "-eo", "uid="], capture_output=True, text=True).stdout.split()
    assert not uids & {int(u) for u in out}, "processes of the batch's sandbox uids are still running"


def test_output_flood_is_truncated(graded):
    path = graded["course"].root / "autograded" / "attack-output-flood" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert path.stat().st_size < 2_000_000


def test_export_has_one_status_per_student(graded, tmp_path):
    course = graded["course"]
    out = tmp_path / "grades.csv"
    export(course, out, [ASSIGNMENT])
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    students = [r["student"] for r in rows]
    assert len(students) == len(set(students)) == len(FIXTURES) + len(LMS_FILES)
    pattern = re.compile(r"^(graded|missing|failed \(.+\)|flagged \(.+\))$")
    for row in rows:
        assert pattern.match(row["status"]), row
        assert float(row["max_score"]) == sum(graded["ctx"].maxima.values())
    by_student = {r["student"]: r for r in rows}
    for fixture in FIXTURES:
        row = by_student[fixture.student]
        assert fixture.status_ok(row["status"].split(" ")[0], row["status"]), row
        assert float(row["score"]) == sum(fixture.expected(graded["ctx"].maxima).values()), row


def test_feedback_hides_hidden_tests(graded):
    course = graded["course"]
    pages = feedback(course, [ASSIGNMENT], ["wrong-softmax", "timeout", "malformed-json", "missing"])
    assert sorted(p.parts[-3] for p in pages) == ["malformed-json", "timeout", "wrong-softmax"]
    source = read_nb(course.source_notebook(ASSIGNMENT))
    code = [c.source for c in source.cells if c.cell_type == "code"]
    # Lines that occur only in hidden tests (a line like `z = np.asarray(z)` also occurs in answers).
    outside = {line.strip() for src in code for line in strip_hidden(src)[0].splitlines()}
    hidden_lines = {line.strip() for src in code for region in regions(src, BEGIN_HIDDEN, END_HIDDEN)
                    for line in region if len(line.strip()) > 12} - outside
    assert hidden_lines
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        assert BEGIN_HIDDEN not in text
        leaked = sorted(hidden_lines & {line.strip() for line in text.splitlines()})
        assert not leaked, f"{page.name}: hidden test lines in the feedback: {leaked[:3]}"
        assert "Score:" in text
    malformed = next(p for p in pages if p.parts[-3] == "malformed-json").read_text()
    assert "unreadable notebook" in html.unescape(malformed)


def test_report_shows_pass_rates(graded, tmp_path):
    written = report(graded["course"], [ASSIGNMENT], tmp_path)
    rates = {line.split(",")[1]: float(line.split(",")[4]) for line in
             (tmp_path / f"{ASSIGNMENT}_pass_rates.csv").read_text().splitlines()[1:]}
    assert set(rates) == set(graded["ctx"].maxima)
    assert 0 < rates["test_softmax"] < rates["test_policy_probs"] < 1
    assert any(p.suffix == ".png" and p.stat().st_size > 1000 for p in written)


def test_regrading_is_identical_and_keeps_manual_grades(graded):
    course = graded["course"]
    with Gradebook(course.gradebook_url) as gb:
        grade = gb.find_grade("test_softmax_hidden", ASSIGNMENT, ASSIGNMENT, "wrong-softmax")
        grade.manual_score = 1.5  # the instructor gives partial credit by hand
        gb.db.commit()
    again = autograde(course, [ASSIGNMENT], ["reference", "wrong-softmax", "attack-numpy", "malformed-json"],
                      force=True, jobs=2, options=Options(limits=LIMITS), quiet=True)
    for result in again:
        first = graded["results"][result["student"]]
        assert (result["scores"], result["status"]) == (first["scores"], first["status"]), result["student"]
    with Gradebook(course.gradebook_url) as gb:
        assert _scores(gb, "wrong-softmax")["test_softmax_hidden"] == 1.5
        assert _scores(gb, "reference") == graded["scores"]["reference"]
    # Resuming without --force grades nothing new and returns the same results.
    resumed = autograde(course, [ASSIGNMENT], ["reference"], jobs=1, options=Options(limits=LIMITS), quiet=True)
    assert resumed[0]["scores"] == graded["results"]["reference"]["scores"]
    assert load_result(course, Task("reference", ASSIGNMENT, ASSIGNMENT))["sha256"] == resumed[0]["sha256"]
