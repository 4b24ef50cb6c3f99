"""grading.results.feedback on a hand-made graded notebook: the summary per exercise, and nothing hidden in outputs."""

from __future__ import annotations

import nbformat

from grading.results.feedback import clean_notebook, exercise_of

HIDDEN = "### BEGIN HIDDEN TESTS\nassert float(_z.mean()) < 0.01, 'hidden'\n### END HIDDEN TESTS"


def _cell(gid: str, source: str, outputs: list) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": gid, "points": 2,
                                 "schema_version": 3}
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def _graded():
    warning = ("/tmp/ipykernel_1/123.py:2: UserWarning: Converting a tensor with requires_grad=True to a scalar\n"
               "  assert float(_z.mean()) < 0.01, 'hidden'\n")
    error = {"output_type": "error", "ename": "AssertionError",
             "evalue": "policy.sample: expected samples without gradient, got requires_grad=True",
             "traceback": ["Traceback", "----> 2 assert float(_z.mean()) < 0.01, 'hidden'"]}
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _cell("test_sample", "# Visible test for sample (1 point)\nprint('ok')", []),
        _cell("test_sample_hidden", "# Hidden tests for sample (2 points)\n" + HIDDEN,
              [{"output_type": "stream", "name": "stdout", "text": warning}, error]),
    ]
    result = {"student": "ana_1", "assignment": "05_x", "notebook": "05_x", "status": "graded",
              "scores": {"test_sample": 1.0, "test_sample_hidden": 0.0},
              "max_scores": {"test_sample": 1.0, "test_sample_hidden": 2.0}}
    return clean_notebook(nb, result, "Ana")


def test_a_warning_that_quotes_a_hidden_line_is_cut_from_the_feedback():
    text = nbformat.writes(_graded())
    assert "_z.mean()" not in text
    assert "UserWarning: Converting a tensor" in text  # the warning itself stays: it tells the student why


def test_the_summary_gives_each_exercise_its_points_and_failure_message():
    header = _graded().cells[0].source
    assert "**Score: 1 / 3**" in header
    assert "<code>sample</code>: 1 / 3" in header
    assert "hidden tests: AssertionError: policy.sample: expected samples without gradient" in header
    assert exercise_of("test_sample_hidden") == exercise_of("test_sample") == "sample"


def test_exchange_receipts_go_beside_the_feedback_page_and_lms_submissions_have_none(tmp_path):
    from grading.results.exchange import copy_exchange_receipts

    submitted, page_dir = tmp_path / "submitted" / "alice" / "01_x", tmp_path / "feedback" / "alice" / "01_x"
    submitted.mkdir(parents=True)
    (submitted / "01_x.ipynb").write_text("{}")
    assert copy_exchange_receipts(submitted, page_dir) == []  # an LMS download: nothing to copy
    (submitted / "timestamp.txt").write_text("2026-12-04 19:00:00.000000 UTC")
    (submitted / "submission_secret.txt").write_text("s3cret")
    copied = copy_exchange_receipts(submitted, page_dir)
    assert sorted(p.name for p in copied) == ["submission_secret.txt", "timestamp.txt"]
    assert (page_dir / "submission_secret.txt").read_text() == "s3cret"
    assert not (page_dir / "01_x.ipynb").exists()


def test_math_becomes_mathml_and_code_and_prices_stay():
    from grading.results.feedback_math import markdown_math_to_mathml

    out = markdown_math_to_mathml(r"The policy $\pi_\theta(a \mid s)$; $$J = \mathbb{E}[R]$$; `x = $y$`; costs \$5 and \$6")
    assert out.count("<math") == 2 and 'display="block"' in out and 'display="inline"' in out
    assert "`x = $y$`" in out and r"\$5 and \$6" in out
    assert "stays" in markdown_math_to_mathml(r"broken $\frac{1}$ stays")  # what it cannot read never raises
    page = clean_notebook(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(r"$\theta$")]),
                          {"student": "a", "assignment": "x", "notebook": "x", "status": "graded", "scores": {}, "max_scores": {}})
    assert "<math" in page.cells[1].source and "$" not in page.cells[1].source


def test_the_page_is_nbconverts_lab_page_and_a_students_markup_stays_text():
    from nbconvert import HTMLExporter

    from grading.results.feedback import page_exporter

    nb = _graded()
    nb.cells.append(nbformat.v4.new_code_cell("s = '</div><script>alert(1)</script>'  # a student's answer"))
    ours, _ = page_exporter().from_notebook_node(nb)
    theirs, _ = HTMLExporter().from_notebook_node(nb)
    assert ours == theirs  # the faster template changes nothing on the page
    assert "<script>alert(1)" not in ours and "&lt;script&gt;alert" in ours
