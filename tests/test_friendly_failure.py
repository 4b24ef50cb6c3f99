"""A fresh release fails kindly: each unfinished TODO names its function, concept checks say what
they expected, and a cell that fails because an earlier TODO is unfinished says so."""

from __future__ import annotations

import pytest

from grading.authoring.stubs import STUB_MESSAGE, stub_for
from grading.authoring.student_header import RUN_ALL_NOTE, with_header
from grading.base.cells import grade_id, is_answer
from pg_helpers import todo

from .conftest import read_nb

FUNCTION = 'def double(x):\n    """Return 2x."""\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION'
NESTED = "def outer():\n    def inner(y):\n        ### BEGIN SOLUTION\n        return y\n        ### END SOLUTION\n    return inner"
CONCEPT = '# Set ANSWER_sign to one letter.\n### BEGIN SOLUTION\nANSWER_sign = "b"\n### END SOLUTION'


def _run(stub: str) -> dict:
    namespace: dict = {}
    exec(stub, namespace)  # noqa: S102 (the stub is the test's own text)
    return namespace


def test_a_function_stub_names_its_function():
    stub = stub_for(FUNCTION, "double")
    assert stub.splitlines()[0] == "# YOUR CODE HERE"
    function = _run("def double(x):\n" + "\n".join("    " + line for line in stub.splitlines()))["double"]
    with pytest.raises(NotImplementedError, match="^double is not written yet: fill in its TODO cell"):
        function(1)


def test_the_innermost_function_is_named():
    assert "inner is not written yet" in stub_for(NESTED, "outer")


def test_methods_of_a_class_name_the_class():
    method = ("class Policy:\n    def __init__(self):\n        ### BEGIN SOLUTION\n        self.x = 1\n"
              "        ### END SOLUTION\n\n    def act(self):\n        ### BEGIN SOLUTION\n        return self.x\n"
              "        ### END SOLUTION")
    stub = stub_for(method, "Policy")
    assert "Policy is not written yet" in stub and "__init__" not in stub
    released = _run("class Policy:\n    def __init__(self):\n" + "\n".join("        " + line for line in stub.splitlines()))
    with pytest.raises(NotImplementedError, match="^Policy is not written yet"):
        released["Policy"]()
    assert todo.is_stub(released["Policy"]) and not todo.is_stub(type("Written", (), {"act": lambda self: 1}))


def test_a_concept_check_stub_sets_its_answer_to_none():
    assert _run(stub_for(CONCEPT, "concept_sign"))["ANSWER_sign"] is None


def test_anything_else_names_its_grade_id():
    with pytest.raises(NotImplementedError, match="^cell_x is not written yet"):
        _run(stub_for("### BEGIN SOLUTION\nx = 3\n### END SOLUTION", "cell_x"))


def test_pg_helpers_recognises_the_release_stub():
    stub = _run(f"def double(x):\n    raise NotImplementedError({STUB_MESSAGE.format(name='double')!r})")["double"]
    assert todo.is_stub(stub) and not todo.is_stub(lambda x: 2 * x) and not todo.is_stub(3)


def test_a_later_error_names_the_todo_that_stopped_an_earlier_cell():
    stub = _run(f"def policy_probs(t, x):\n    raise NotImplementedError({STUB_MESSAGE.format(name='policy_probs')!r})")
    namespace = {"policy_probs": stub["policy_probs"]}
    stopped = todo.StoppedTodos()
    try:
        namespace["policy_probs"](0, 0)
    except NotImplementedError as exc:
        assert stopped.after_cell(exc, namespace) is None  # the stub's own message says it all
    note = stopped.after_cell(AssertionError("the policy should prefer the optimal arm"), namespace)
    assert note and "unfinished TODOs (policy_probs)" in note
    namespace["policy_probs"] = lambda t, x: [1.0]  # written now: no note any more
    assert stopped.after_cell(AssertionError("a wrong answer"), namespace) is None


def test_no_note_without_an_earlier_stopped_todo():
    stub = _run(f"def later(x):\n    raise NotImplementedError({STUB_MESSAGE.format(name='later')!r})")
    # a stub that has not stopped any cell yet (a TODO further down) is not blamed for a wrong answer
    assert todo.StoppedTodos().after_cell(AssertionError("softmax: expected ..."), stub) is None


def test_the_header_goes_right_under_the_title():
    assert with_header("# 01 · Title\n\nText.", ["> note"]) == "# 01 · Title\n\n> note\n\nText."
    assert with_header("No title.", ["> note"]) == "> note\n\nNo title."


def test_every_released_answer_cell_names_what_it_needs(course, assignments):
    for name in assignments:
        release = read_nb(course.release_notebook(name))
        assert RUN_ALL_NOTE in release.cells[0].source, f"{name}: the title cell lacks the Run All note"
        for cell in release.cells:
            if is_answer(cell):
                gid = grade_id(cell)
                named = "is not written yet" in cell.source or "= None  # replace None" in cell.source
                assert named, f"{name}/{gid}: the release's stub does not name its TODO:\n{cell.source}"
                assert "raise NotImplementedError()" not in cell.source, f"{name}/{gid}: a bare NotImplementedError"
