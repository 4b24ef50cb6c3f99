"""Fast tests of the grading tool's parts: scan, assembly, feedback cleaning, collect, CLI, sandbox."""

from __future__ import annotations

import zipfile

import nbformat
import pytest

from grading.__main__ import main, parser
from grading.base.cells import (BEGIN_HIDDEN, END_HIDDEN, grade_id, is_answer, is_test, student_submission,
                                without_markers)
from grading.base.course import Course
from grading.engine import integrity
from grading.engine.grader import assemble
from grading.intake.collect import BUILTIN_PATTERNS, collect, student_id
from grading.results.feedback import strip_hidden

from ..conftest import read_nb

COURSE = Course()
NAMES = COURSE.assignments()


# ---- the scan: no false alarm on honest work, an alarm on each trick
@pytest.mark.parametrize("name", NAMES)
def test_scan_passes_the_solutions(name):
    nb = read_nb(COURSE.source_notebook(name))
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    cells = [(i, without_markers(c.source)) for i, c in enumerate(nb.cells) if c.cell_type == "code"
             and not is_test(c) and grade_id(c) != "colab_setup"]
    assert integrity.scan_cells(cells, sources, name) == []


@pytest.mark.parametrize("code, phrase", [
    ("np.allclose = lambda *a, **k: True", "assigns np.allclose"),
    ("import numpy as xp\nxp.testing.assert_allclose = print", "assigns xp.testing.assert_allclose"),
    ("setattr(np, 'abs', abs)", "setattr"),
    ("del pg.check_close", "deletes pg.check_close"),
    ("from pg_helpers.policies import softmax", "imports pg_helpers.policies (reference answers)"),
    ("from pg_helpers import policies", "imports pg_helpers (reference answers)"),
    ("import pg_helpers.policies as ref", "imports pg_helpers.policies (reference answers)"),
    ("p = pg.policies.softmax(z)", "uses pg.policies (reference answers)"),
    ("__builtins__['len'] = lambda x: 3", "assigns __builtins__"),
    ("class A:\n    def __eq__(self, o):\n        return True", "defines __eq__"),
    ("class A(str):\n    __eq__ = lambda s, o: True", "__eq__"),
    ("get_ipython().input_transformers_cleanup.append(f)", "rewrites later cells"),
    ("ip.ast_transformers.append(t)", "rewrites later cells"),
    ("open('/work/main/solutions/x.ipynb').read()", "opens files"),
    ("import os\nos._exit(0)", "exits the process"),
    ("import sys\nsys.exit()", "exits"),
    ("import os\nos.fork()", "forks"),
    ("import os\nx = os.environ.get('NBGRADER_EXECUTION')", "reads the environment"),
    ("print(In[3])", "IPython history"),
    ("import inspect\ninspect.stack()", "imports inspect"),
    ("import sys\nf = sys._getframe(1)", "inspects the caller"),
    ("exec('x = 1')", "dynamic code"),
    ("!ls /", "shell escape"),
    ("%load solution.py", "magic"),
    ("import subprocess", "imports subprocess"),
])
def test_scan_flags_tricks(code, phrase):
    found = integrity.scan_source(code)
    assert any(phrase in f for f in found), found


@pytest.mark.parametrize("code", [
    "from pg_helpers.returns import reward_to_go",
    "from pg_helpers import returns",
    "G = pg_helpers.returns.reward_to_go(rew, 0.9)",
])
def test_scan_flags_a_reference_answer_only_in_the_notebook_it_answers(code):
    flagged = integrity.scan_cells([(5, code)], [code], "02_log_derivative_trick")
    assert flagged and all("(reference answers)" in f and f.startswith("cell 5:") for f in flagged), flagged
    assert integrity.scan_cells([(5, code)], [code], "03_reinforce") == []  # 03 may import 02's reference
    assert integrity.scan_source(code)  # an unknown assignment counts every reference module


def test_answer_modules_name_real_modules_and_assignments():
    import importlib

    for module, assignments in integrity.ANSWER_MODULES.items():
        importlib.import_module(f"pg_helpers.{module}")
        assert assignments and assignments <= set(NAMES), (module, assignments)
    assert integrity.answer_modules("01_softmax_policy") == {"policies"}
    assert integrity.answer_modules("02_log_derivative_trick") == {"returns"}
    assert integrity.answer_modules("03_reinforce") == {"reinforce"}
    assert integrity.answer_modules("04_baselines") == {"advantages"}
    assert integrity.answer_modules("05_gaussian_policies") == {"gaussian"}
    assert integrity.answer_modules("07_natural_gradient") == {"natural"}
    assert integrity.answer_modules("08_ppo_gae") == set()
    assert integrity.answer_modules("06_importance_sampling") == {"importance"}
    assert integrity.answer_modules("99_not_a_notebook") == set()


@pytest.mark.parametrize("code", [
    "from pg_helpers.reinforce import batched_returns",
    "loss = pg.reinforce.reinforce_loss(logp, ret)",
])
def test_scan_flags_notebook_03s_reference_in_03_not_in_04(code):
    assert integrity.scan_cells([(7, code)], [code], "03_reinforce"), "03's answers used in 03 must be flagged"
    assert integrity.scan_cells([(7, code)], [code], "04_baselines") == []  # 04 builds on them


def test_scan_allows_ordinary_code():
    ok = ("def softmax(z):\n    z = np.asarray(z)\n    e = np.exp(z - z.max(-1, keepdims=True))\n"
          "    return e / e.sum(-1, keepdims=True)\n%matplotlib inline\nmodel = torch.nn.Linear(2, 3)\n"
          "for m in model.modules():\n    pass\nx = {'a': 1}\nx['a'] = 2\n")
    assert integrity.scan_source(ok) == []


# ---- assembling the notebook that runs
def _two_answers():
    """The first assignment with at least two answer cells."""
    for name in NAMES:
        nb = read_nb(COURSE.source_notebook(name))
        if sum(is_answer(c) for c in nb.cells) >= 2:
            return nb
    pytest.skip("no assignment with two answer cells")


def test_assemble_restores_tests_and_keeps_added_cells():
    source = _two_answers()
    release = nbformat.from_dict(source)
    for cell in release.cells:
        if is_answer(cell):
            cell.source = "raise NotImplementedError()"
    sub = student_submission(release, source)
    tests = [grade_id(c) for c in source.cells if is_test(c)]
    answers = [grade_id(c) for c in source.cells if is_answer(c)]
    sub.cells = [c for c in sub.cells if grade_id(c) != tests[0]]  # a deleted test
    for c in sub.cells:
        if grade_id(c) in tests:
            c.source = "pass"  # edited tests
    sub.cells = [c for c in sub.cells if grade_id(c) != answers[-1]]  # a deleted answer
    at = next(i for i, c in enumerate(sub.cells) if grade_id(c) == answers[0])
    sub.cells.insert(at + 1, nbformat.v4.new_code_cell("helper = 1", metadata={"nbgrader": {"grade_id": "fake"}}))
    nb, student = assemble(source, release, sub)
    by_id = {grade_id(c): c for c in nb.cells if grade_id(c)}
    for gid in tests:
        assert by_id[gid].source == next(c.source for c in source.cells if grade_id(c) == gid)
    assert by_id[answers[-1]].source == "raise NotImplementedError()"
    index = next(i for i, c in enumerate(nb.cells) if c.source == "helper = 1")
    assert grade_id(nb.cells[index - 1]) == answers[0] and "nbgrader" not in nb.cells[index].metadata
    assert index in student


def test_strip_hidden_keeps_visible_lines():
    src = f"a = 1\n{BEGIN_HIDDEN}\nsecret = 2\n{END_HIDDEN}\nb = 3"
    cleaned, had = strip_hidden(src)
    assert had and "secret" not in cleaned and "a = 1" in cleaned and "b = 3" in cleaned


# ---- collect
@pytest.fixture()
def tiny_course(tmp_path):
    for name in ("01_alpha", "02_beta"):
        (tmp_path / "solutions" / name).mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(), tmp_path / "solutions" / name / f"{name}.ipynb")
    return Course(tmp_path)


def test_student_ids():
    assert student_id("Jane Smith") == "jane-smith"
    assert student_id("  O'Brien, Ann ") == "o-brien-ann"


def test_collect_places_common_lms_names(tiny_course, tmp_path):
    nb = nbformat.writes(nbformat.v4.new_notebook())
    download = tmp_path / "download.zip"
    names = {
        "smithjane_123_456_01_alpha.ipynb": "smithjane_123/01_alpha",
        "smithjane_LATE_123_457_02_beta-1.ipynb": "smithjane_123/02_beta",
        "Ann Lee_99_assignsubmission_file_/01_alpha (1).ipynb": "ann-lee_99/01_alpha",
        "02 Beta_bob_attempt_2026-01-02-03-04-05_02_beta.ipynb": "bob/02_beta",
        "carol/01_alpha.ipynb": "carol/01_alpha",
        "dave__02_beta.ipynb": "dave/02_beta",
    }
    with zipfile.ZipFile(download, "w") as zf:
        for name in names:
            zf.writestr(name, nb)
        zf.writestr("eve/homework.ipynb", nb)
        zf.writestr("readme.pdf", b"%PDF")
        zf.writestr("carol/01_alpha/01_alpha.ipynb", nb)  # a second one for carol
    result = collect(tiny_course, download)
    placed = {src: "/".join(dest.relative_to(tiny_course.root / "submitted").parts[:2]) for src, dest in result.placed}
    assert placed == names
    unplaced = dict(result.unplaced)
    assert "names no assignment" in unplaced["eve/homework.ipynb"]
    assert unplaced["readme.pdf"] == "not a notebook"
    assert "second notebook" in unplaced["carol/01_alpha/01_alpha.ipynb"]


def test_collect_custom_pattern_and_errors(tiny_course, tmp_path):
    folder = tmp_path / "dl"
    folder.mkdir()
    (folder / "ID-7731 01_alpha.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    result = collect(tiny_course, folder, patterns=[r"ID-(?P<student>\d+) (?P<file>.+)"])
    assert [d.parts[-3] for _, d in result.placed] == ["7731"]
    with pytest.raises(SystemExit, match="student"):
        collect(tiny_course, folder, patterns=[r"(?P<file>.+)"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SystemExit, match="empty download"):
        collect(tiny_course, empty)
    assert all("(?P<student>" in p for p in BUILTIN_PATTERNS)


# ---- command line
@pytest.mark.parametrize("command", [None, "release", "check", "collect", "autograde", "feedback", "export", "report"])
def test_help_everywhere(command, capsys):
    with pytest.raises(SystemExit) as exc:
        parser().parse_args([command, "--help"] if command else ["--help"])
    assert exc.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_clear_errors(tiny_course):
    root = str(tiny_course.root)
    with pytest.raises(SystemExit, match="unknown assignment '03_gamma'"):
        main(["--course", root, "autograde", "03_gamma"])
    with pytest.raises(SystemExit, match="no submissions under"):
        main(["--course", root, "autograde"])
    (tiny_course.root / "submitted" / "ann" / "01_alpha").mkdir(parents=True)
    with pytest.raises(SystemExit, match="no gradebook at"):
        main(["--course", root, "autograde"])
    with pytest.raises(SystemExit, match="no gradebook at"):
        main(["--course", root, "export"])


def test_check_passes_the_course_and_reports_problems(tiny_course, capsys):
    assert main(["check"]) == 0
    assert "no problems" in capsys.readouterr().out
    assert main(["--course", str(tiny_course.root), "check", "01_alpha"]) == 1
    out = capsys.readouterr().out
    assert "solutions/01_alpha: the notebook must state its total" in out
    assert "notebooks/01_alpha: not released yet" in out


# ---- the sandbox itself
# ---- pg_helpers.checks hardening (the checks the tests are built from)
def test_checks_ignore_a_monkeypatched_numpy(monkeypatch):
    import numpy as np

    import pg_helpers.checks as checks

    monkeypatch.setattr(np, "abs", lambda x: 0 * x)
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "isfinite", lambda x: np.ones(np.shape(x), dtype=bool))
    with pytest.raises(AssertionError, match="values differ"):
        checks.check_close("x", [1.0, 2.0], [1.0, 3.0])
    with pytest.raises(AssertionError, match="non-finite"):
        checks.check_finite("x", [1.0, float("nan")])
    with pytest.raises(AssertionError, match="sum to 1"):
        checks.check_probability_vector("p", [0.5, 0.2])
