"""`export --format canvas|moodle`: the files parse by the layouts those gradebooks import.

A class with a graded, a flagged, a failed and a missing notebook; the Canvas file read as Canvas
reads it (``ID`` matches the student, ``Points Possible`` under the header, one column per
assignment), the Moodle file as its CSV import does (``Email address`` identifies the student).
"""

from __future__ import annotations

import csv
import io

import pytest

from grading.results.lms_export import layout

NAMES = ["01_alpha", "02_beta"]


def _row(student, lms_id, name, assignment, score, max_score, status):
    return {"student": student, "lms_id": lms_id, "name": name, "assignment": assignment,
            "notebook": assignment, "score": score, "max_score": max_score, "status": status}


TABLE = [
    _row("jose-garcia_4001", "4001", "José García", "01_alpha", 7.0, 10.0, "graded"),
    _row("jose-garcia_4001", "4001", "José García", "02_beta", 5.0, 6.0, "flagged (renamed: 02_beta (1).ipynb)"),
    _row("li-xiao-long_1002", "1002", "李小龙", "01_alpha", 0.0, 10.0, "failed (kernel died)"),
    _row("li-xiao-long_1002", "1002", "李小龙", "02_beta", 6.0, 6.0, "graded"),
    _row("jane-smith_4010", "4010", "Jane Smith", "01_alpha", 0.0, 10.0, "missing"),
    _row("jane-smith_4010", "4010", "Jane Smith", "02_beta", 0.0, 6.0, "missing"),
]
PEOPLE = {
    "jose-garcia_4001": {"first": "José", "last": "García", "email": "jg@uni.example"},
    "li-xiao-long_1002": {"first": "", "last": "李小龙", "email": "li@uni.example"},
    "jane-smith_4010": {"first": "Jane", "last": "Smith", "email": ""},
}


def _parse(header, rows):
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    return list(csv.DictReader(io.StringIO(text.getvalue())))


def test_canvas_layout():
    header, rows, blanks = layout("canvas", TABLE, PEOPLE, NAMES)
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] and header[5:] == NAMES
    parsed = _parse(header, rows)
    assert parsed[0]["Student"] == "Points Possible" and (parsed[0]["01_alpha"], parsed[0]["02_beta"]) == ("10", "6")
    by_id = {r["ID"]: r for r in parsed[1:]}
    assert set(by_id) == {"4001", "1002", "4010"}
    assert by_id["4001"]["Student"] == "García, José" and (by_id["4001"]["01_alpha"], by_id["4001"]["02_beta"]) == ("7", "5")
    assert (by_id["1002"]["01_alpha"], by_id["1002"]["02_beta"]) == ("", "6")  # failed: no grade, not a silent 0
    assert (by_id["4010"]["01_alpha"], by_id["4010"]["02_beta"]) == ("", "")  # missing
    assert sorted(blanks) == ["jane-smith_4010 / 01_alpha: missing", "jane-smith_4010 / 02_beta: missing",
                              "li-xiao-long_1002 / 01_alpha: failed (kernel died)"]


def test_moodle_layout_identifies_students_by_email_and_reports_who_it_cannot_match():
    header, rows, blanks = layout("moodle", TABLE, PEOPLE, NAMES)
    assert header == ["Email address", "Full name", *NAMES]
    by_email = {r["Email address"]: r for r in _parse(header, rows)}
    assert by_email["jg@uni.example"]["01_alpha"] == "7" and by_email["li@uni.example"]["Full name"] == "李小龙"
    assert by_email["li@uni.example"]["01_alpha"] == "" and by_email[""]["Full name"] == "Jane Smith"
    assert any("jane-smith_4010: no email" in b for b in blanks)


def test_an_assignment_with_two_notebooks_totals_them_and_blanks_if_one_is_missing():
    table = [_row("a_1", "1", "A", "01_alpha", 3.0, 5.0, "graded") | {"notebook": "part1"},
             _row("a_1", "1", "A", "01_alpha", 4.0, 5.0, "graded") | {"notebook": "part2"},
             _row("b_2", "2", "B", "01_alpha", 5.0, 5.0, "graded") | {"notebook": "part1"},
             _row("b_2", "2", "B", "01_alpha", 0.0, 5.0, "missing") | {"notebook": "part2"}]
    header, rows, _ = layout("canvas", table, {}, ["01_alpha"])
    parsed = _parse(header, rows)
    assert parsed[0]["01_alpha"] == "10"
    assert {r["ID"]: r["01_alpha"] for r in parsed[1:]} == {"1": "7", "2": ""}


def test_unknown_format_is_a_clear_error():
    with pytest.raises(SystemExit, match="unknown format 'blackboard'; expected one of canvas, moodle"):
        layout("blackboard", TABLE, PEOPLE, NAMES)
