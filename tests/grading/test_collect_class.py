"""collect for an international class: LMS ids as keys, any name, a roster, and downloads that cannot hurt.

Every download here is built by the test itself (zipfile, tarfile): Moodle and Canvas downloads
of a class with accented and CJK names and near-collisions, a roster in each LMS's layout, and
archives with a compression bomb, an oversized notebook, path-traversal names, links and deep
nesting.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import tarfile
import zipfile
from pathlib import Path

import nbformat
import pytest

from grading.__main__ import main
from grading.base import gradebook as gbmod
from grading.base.course import Course
from grading.intake.archive import UnpackLimits, unsafe_name
from grading.intake.collect import collect
from grading.intake.roster import import_roster
from grading.intake.students import lms_id_of_key, make_key
from grading.results.export import rows
from grading.results.feedback import clean_notebook

ASSIGNMENTS = ("01_alpha", "02_beta")

# (path in the Moodle download, the key collect must give)
MOODLE = {
    "Zoë Ñúñez_999_assignsubmission_file_/01_alpha.ipynb": "zoe-nunez_999",
    "Zoá Ñéñez_1001_assignsubmission_file_/01_alpha.ipynb": "zoa-nenez_1001",  # old code: both "zo-ez"
    "李小龙_1002_assignsubmission_file_/01_alpha.ipynb": "li-xiao-long_1002",  # old code: unusable id
    "王菲_1003_assignsubmission_file_/01_alpha (2).ipynb": "wang-fei_1003",
    "Wang Fei_1004_assignsubmission_file_/01_alpha.ipynb": "wang-fei_1004",  # same slug, another student
    "Zoë Ñúñez_999_assignsubmission_file_02_beta.ipynb": "zoe-nunez_999",  # Moodle without folders
}
# Canvas: lastfirst_userid_attachmentid_file
CANVAS = {
    "garcíajosé_4001_9001_02_beta.ipynb": "garciajose_4001",
    "garcíajose_4002_9002_02_beta.ipynb": "garciajose_4002",  # differs by one accent
    "nguyễnthịmai_LATE_4003_9003_02_beta-1.ipynb": "nguyenthimai_4003",
}


def _nb(tag: str) -> str:
    """A notebook whose content says who handed it in (to check nothing is swapped)."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(f"who = {tag!r}"))
    return nbformat.writes(nb)


def _zip(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _new_course(root: Path) -> Course:
    for name in ASSIGNMENTS:
        (root / "solutions" / name).mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(), root / "solutions" / name / f"{name}.ipynb")
    (root / "grading").mkdir()
    return Course(root)


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory) -> Path:
    """A gradebook that knows the assignments and no student (made once: nbgrader's set-up is slow)."""
    course = _new_course(tmp_path_factory.mktemp("template"))
    with gbmod.open_gradebook(course.gradebook_url) as gb:
        for name in ASSIGNMENTS:
            gbmod.register_assignment(gb, course, name)
    return course.gradebook_path


@pytest.fixture()
def course(tmp_path, empty_gradebook):
    course = _new_course(tmp_path / "course")
    shutil.copy(empty_gradebook, course.gradebook_path)
    return course


def _placed(result, course) -> dict[str, str]:
    return {src: dest.relative_to(course.root / "submitted").parts[0] for src, dest in result.placed}


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


# ---- ids
def test_keys_carry_the_lms_id_and_a_readable_slug():
    assert make_key("999", "Zoë Ñúñez") == "zoe-nunez_999"
    assert make_key("1002", "李小龙") == "li-xiao-long_1002"
    assert make_key("1005", "🙂") == "1005"  # nothing to transliterate: the id alone
    assert make_key("JSmith") == "jsmith"  # a username is readable as it is
    assert make_key("1003", "王菲") != make_key("1004", "Wang Fei")
    assert [lms_id_of_key(k) for k in ("zoe-nunez_999", "1005", "jsmith", "j.smith@uni.edu")] == \
        ["999", "1005", "jsmith", "j.smith@uni.edu"]


def test_moodle_and_canvas_class_places_every_notebook_under_distinct_ids(course, tmp_path):
    moodle = _zip(tmp_path / "moodle.zip", {rel: _nb(rel) for rel in MOODLE})
    canvas = _zip(tmp_path / "canvas.zip", {rel: _nb(rel) for rel in CANVAS})
    for download, expected in ((moodle, MOODLE), (canvas, CANVAS)):
        result = collect(course, download)
        assert not result.unplaced and not result.refused, (result.unplaced, result.refused)
        assert _placed(result, course) == expected
        for src, dest in result.placed:  # each file went to its own student, unchanged
            assert nbformat.reads(dest.read_text(encoding="utf-8"), as_version=4).cells[0].source == f"who = {src!r}"
    folders = sorted(p.name for p in (course.root / "submitted").iterdir())
    assert folders == sorted(set(MOODLE.values()) | set(CANVAS.values()))
    again = collect(course, moodle)  # collecting the same download again changes nothing
    assert _placed(again, course) == MOODLE and not again.unplaced


def test_a_student_keeps_their_key_when_the_name_is_spelt_otherwise(course, tmp_path):
    collect(course, _zip(tmp_path / "a.zip", {"Zoë Ñúñez_999_assignsubmission_file_/01_alpha.ipynb": _nb("a")}))
    renamed = collect(course, _zip(tmp_path / "b.zip", {"Zoe Nunez-Diaz_999_assignsubmission_file_/02_beta.ipynb": _nb("b")}))
    assert list(_placed(renamed, course).values()) == ["zoe-nunez_999"]


def test_collect_names_the_students_the_download_names(course, tmp_path):
    """formgrader shows people, not "None, None": the names a download carries go into the gradebook,
    where the student has none; a roster import, before or after, wins."""
    collect(course, _zip(tmp_path / "moodle.zip", {rel: _nb(rel) for rel in MOODLE}))
    collect(course, _zip(tmp_path / "canvas.zip", {rel: _nb(rel) for rel in CANVAS}))
    with gbmod.open_gradebook(course.gradebook_url) as gb:
        got = {s.id: (s.first_name, s.last_name) for s in gb.students}
    assert got["zoe-nunez_999"] == ("", "Zoë Ñúñez") and got["li-xiao-long_1002"] == ("", "李小龙")
    assert got["nguyenthimai_4003"] == ("", "nguyễnthịmai")  # Canvas writes lastfirst, as it is
    roster = tmp_path / "canvas.csv"
    roster.write_text(CANVAS_EXPORT, encoding="utf-8")
    import_roster(course, roster)
    collect(course, _zip(tmp_path / "again.zip", {"garcíajosé_4001_9001_01_alpha.ipynb": _nb("again")}))
    with gbmod.open_gradebook(course.gradebook_url) as gb:
        assert (gb.find_student("garciajose_4001").first_name, gb.find_student("garciajose_4001").last_name) == \
            ("José", "García")


# ---- roster
MOODLE_WORKSHEET = (
    "\ufeffIdentifier,Full name,Email address,Status,Grade,Maximum Grade\n"
    "Participant 999,Zoë Ñúñez,zoe@uni.example,Submitted for grading,,100.00\n"
    "Participant 1001,Zoá Ñéñez,zoa@uni.example,Submitted for grading,,100.00\n"
    "Participant 1002,李小龙,li@uni.example,Submitted for grading,,100.00\n"
    "Participant 1003,王菲,wf1@uni.example,Submitted for grading,,100.00\n"
    "Participant 1004,Wang Fei,wf2@uni.example,Submitted for grading,,100.00\n"
    "Participant 1005,Ólafur Þórsson,olafur@uni.example,No submission,,100.00\n"
)
CANVAS_EXPORT = (
    "Student,ID,SIS User ID,SIS Login ID,Section,01_alpha (11)\n"
    "    Points Possible,,,,,10.00\n"
    "\"García, José\",4001,s4001,jgarcia,Section A,\n"
    "\"Nguyễn, Thị Mai\",4003,s4003,tmnguyen,Section A,\n"
    "\"Smith, Jane\",4010,s4010,jsmith,Section A,\n"
)


def test_roster_import_gives_every_enrolled_student_an_export_row(course, tmp_path):
    collect(course, _zip(tmp_path / "moodle.zip", {rel: _nb(rel) for rel in MOODLE}))
    roster = tmp_path / "worksheet.csv"
    roster.write_text(MOODLE_WORKSHEET, encoding="utf-8")
    keys = import_roster(course, roster)
    assert sorted(keys) == sorted(set(MOODLE.values()) | {"olafur-thorsson_1005"})
    table = rows(course)
    by_student = {}
    for row in table:
        by_student.setdefault(row["student"], []).append(row)
    assert set(by_student) == set(keys)  # one student per enrolled id, no duplicate from the folders
    for key, entry in keys.items():
        assert [(r["assignment"], r["lms_id"], r["name"]) for r in by_student[key]] == \
            [(a, entry.lms_id, entry.name) for a in ASSIGNMENTS]
    absent = by_student["olafur-thorsson_1005"]
    assert {r["status"] for r in absent} == {"missing"} and {r["score"] for r in absent} == {0.0}
    assert by_student["li-xiao-long_1002"][0]["name"] == "李小龙"
    assert by_student["zoe-nunez_999"][0]["status"].startswith("failed (not autograded")  # handed in


def test_canvas_roster_first_then_download_and_strangers_are_reported(course, tmp_path, capsys):
    roster = tmp_path / "canvas.csv"
    roster.write_text(CANVAS_EXPORT, encoding="utf-8")
    keys = import_roster(course, roster)
    assert set(keys) == {"jose-garcia_4001", "thi-mai-nguyen_4003", "jane-smith_4010"}
    assert (keys["jose-garcia_4001"].first_name, keys["jose-garcia_4001"].last_name) == ("José", "García")
    download = _zip(tmp_path / "canvas.zip", {rel: _nb(rel) for rel in CANVAS})
    main(["--course", str(course.root), "collect", str(download)])
    err = capsys.readouterr().err
    placed = sorted(p.name for p in (course.root / "submitted").iterdir())
    # The roster's key wins over the download's spelling; 4002 is not enrolled: placed and reported.
    assert placed == ["garciajose_4002", "jose-garcia_4001", "thi-mai-nguyen_4003"]
    assert "NOT ON THE ROSTER garciajose_4002" in err
    assert "NOT ON THE ROSTER jose-garcia" not in err
    with gbmod.open_gradebook(course.gradebook_url) as gb:
        assert gb.find_student("jose-garcia_4001").lms_user_id == "4001"


def test_plain_roster_and_clear_errors(course, tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text("id;name;email\n77;Ana Lúcia;ana@x.example\njsmith;Jane Smith;\n", encoding="utf-8")
    assert set(import_roster(course, plain, dry_run=True)) == {"ana-lucia_77", "jsmith"}
    bad = tmp_path / "bad.csv"
    bad.write_text("who,mail\nx,y\n")
    with pytest.raises(SystemExit, match="unknown layout.*found columns: who, mail"):
        import_roster(course, bad)
    grades = tmp_path / "grades.csv"
    grades.write_text("First name,Last name,ID number,Email address\nA,B,123,a@b\n")
    with pytest.raises(SystemExit, match="grading worksheet"):
        import_roster(course, grades)
    twice = tmp_path / "twice.csv"
    twice.write_text("id,name\n5,A\n5,B\n")
    with pytest.raises(SystemExit, match="more than once: 5"):
        import_roster(course, twice)
    with pytest.raises(SystemExit, match="no such file"):
        import_roster(course, tmp_path / "nowhere.csv")


# ---- downloads that cannot hurt
GOOD = "Good Student_1_assignsubmission_file_/01_alpha.ipynb"


def _symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _hostile_zip(path: Path) -> Path:
    """A Moodle download with one good notebook and one of each attack."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(GOOD, _nb("good"))
        # 300 MB of zeros that compress to 0.3 MB: a compression bomb posing as a notebook.
        with zf.open("Bomb Person_2_assignsubmission_file_/01_alpha.ipynb", "w", force_zip64=True) as f:
            chunk = bytes(1024 * 1024)
            for _ in range(300):
                f.write(chunk)
        # A real notebook of 21 MB (an output that does not compress): over the limit per file.
        nb = nbformat.v4.new_notebook()
        nb.cells.append(nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
            "stream", name="stdout", text=os.urandom(16 * 1024 * 1024).hex()[: 21 * 1024 * 1024])]))
        zf.writestr(zipfile.ZipInfo("Big Person_3_assignsubmission_file_/01_alpha.ipynb"), nbformat.writes(nb))
        zf.writestr("../../outside.ipynb", _nb("traversal"))
        zf.writestr("Dots Person_4_assignsubmission_file_/../../../outside_too.ipynb", _nb("traversal"))
        zf.writestr("/tmp/absolute_01_alpha.ipynb", _nb("absolute"))
        zf.writestr(_symlink_info("Link Person_5_assignsubmission_file_/01_alpha.ipynb"), "/etc/passwd")
        inner = io.BytesIO()
        with tarfile.open(fileobj=inner, mode="w:gz") as tf:
            link = tarfile.TarInfo("Tar Link_6_assignsubmission_file_/02_beta.ipynb")
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/shadow"
            tf.addfile(link)
            hard = tarfile.TarInfo("Tar Hard_7_assignsubmission_file_/02_beta.ipynb")
            hard.type, hard.linkname = tarfile.LNKTYPE, "../../etc/passwd"
            tf.addfile(hard)
            up = tarfile.TarInfo("../up_02_beta.ipynb")
            data = _nb("tar traversal").encode()
            up.size = len(data)
            tf.addfile(up, io.BytesIO(data))
            fine = tarfile.TarInfo("Tar Good_8_assignsubmission_file_/02_beta.ipynb")
            data = _nb("tar good").encode()
            fine.size = len(data)
            tf.addfile(fine, io.BytesIO(data))
        zf.writestr("extra/uploads.tar.gz", inner.getvalue())
        nested = _nb("deep").encode()
        for level in range(4):  # a notebook inside four more zips: five archive levels in all
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr("Deep Person_9_assignsubmission_file_/01_alpha.ipynb" if level == 0 else f"l{level}.zip", nested)
            nested = buf.getvalue()
        zf.writestr("deep.zip", nested)
    return path


def test_hostile_download_is_refused_and_nothing_leaves_submitted(course, tmp_path, capsys):
    download = _hostile_zip(tmp_path / "download.zip")
    assert download.stat().st_size < 30 * 1024 * 1024  # the bomb really is small packed
    before = _files(tmp_path.parent)
    main(["--course", str(course.root), "collect", str(download)])
    out, err = capsys.readouterr()
    written = _files(tmp_path.parent) - before
    submitted = course.root / "submitted"
    assert written == {submitted / "good-student_1" / "01_alpha" / "01_alpha.ipynb",
                       submitted / "tar-good_8" / "02_beta" / "02_beta.ipynb"}
    refused = {line.split(": ", 1)[0].removeprefix("  REFUSED "): line.split(": ", 1)[1]
               for line in err.splitlines() if line.startswith("  REFUSED ")}
    reasons = {
        "Bomb Person_2_assignsubmission_file_/01_alpha.ipynb": ("300.0 MB unpacked, over the 20 MB limit", "compression bomb"),
        "Big Person_3_assignsubmission_file_/01_alpha.ipynb": ("21.0 MB unpacked, over the 20 MB limit per file",),
        "../../outside.ipynb": ("'..'",),
        "Dots Person_4_assignsubmission_file_/../../../outside_too.ipynb": ("'..'",),
        "/tmp/absolute_01_alpha.ipynb": ("absolute path",),
        "Link Person_5_assignsubmission_file_/01_alpha.ipynb": ("symbolic link",),
        "extra/uploads/Tar Link_6_assignsubmission_file_/02_beta.ipynb": ("symbolic link",),
        "extra/uploads/Tar Hard_7_assignsubmission_file_/02_beta.ipynb": ("hard link",),
        "extra/uploads/../up_02_beta.ipynb": ("'..'",),
        "deep/l3/l2.zip": ("nested 4 deep (limit 3",),
    }
    assert set(refused) == set(reasons), err
    for name, phrases in reasons.items():
        for phrase in phrases:
            assert phrase in refused[name], (name, refused[name])
    assert "compression bomb" not in refused["Big Person_3_assignsubmission_file_/01_alpha.ipynb"]
    assert "collect: 2 notebooks placed, 0 files not placed, 10 refused" in out


def test_limits_on_members_total_and_folders(course, tmp_path):
    many = _zip(tmp_path / "many.zip", {f"s{i}/01_alpha.ipynb": _nb(str(i)) for i in range(6)})
    result = collect(course, many, limits=UnpackLimits(max_members=5))
    assert not result.placed and result.refused == [("many.zip", "6 entries, over the limit of 5 per archive; not read")]
    big = _zip(tmp_path / "big.zip", {f"s{i}/01_alpha.ipynb": _nb(str(i)) + " " * 400_000 for i in range(4)})
    result = collect(course, big, limits=UnpackLimits(max_total_mb=1.0))
    assert len(result.placed) == 2 and len(result.refused) == 2
    assert all("more than the 1 MB limit" in why for _, why in result.refused)
    inner = io.BytesIO()  # a zip a student uploaded, larger than the limit per notebook
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_STORED) as z:
        z.writestr("data.bin", os.urandom(600_000))
        z.writestr("01_alpha.ipynb", _nb("uploaded"))
    result = collect(course, _zip(tmp_path / "up.zip", {"Ann Lee_99_assignsubmission_file_/work.zip": inner.getvalue()}),
                     limits=UnpackLimits(max_file_mb=0.5))
    assert not result.refused and [d.parts[-3] for _, d in result.placed] == ["ann-lee_99"]
    assert result.unplaced == [("Ann Lee_99_assignsubmission_file_/work/data.bin", "not a notebook")]
    folder = tmp_path / "folder"
    (folder / "eve").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("instructor only")
    (folder / "eve" / "01_alpha.ipynb").symlink_to(secret)
    (folder / "ann").mkdir()
    (folder / "ann" / "01_alpha.ipynb").write_text(_nb("ann"))
    result = collect(course, folder)
    assert [d.parts[-3] for _, d in result.placed] == ["ann"]
    assert result.refused == [("eve/01_alpha.ipynb", "refused: a symbolic link")]
    with pytest.raises(SystemExit, match="must be positive"):
        UnpackLimits(max_file_mb=0)


@pytest.mark.parametrize("name, why", [("a/../../b", "'..'"), ("/etc/x", "absolute"), ("C:/x", "absolute"),
                                       ("..\\evil", "'..'"), ("ok/name.ipynb", None), ("a..b/c", None)])
def test_unsafe_names(name, why):
    found = unsafe_name(name)
    assert (found is None) if why is None else (why in found)


def test_export_csv_has_names(course, tmp_path):
    roster = tmp_path / "w.csv"
    roster.write_text(MOODLE_WORKSHEET, encoding="utf-8")
    import_roster(course, roster)
    out = tmp_path / "grades.csv"
    main(["--course", str(course.root), "export", "-o", str(out)])
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(table) == 6 * len(ASSIGNMENTS)
    assert {r["name"] for r in table} >= {"王菲", "Wang Fei", "Ólafur Þórsson"}
    assert json.dumps(table, ensure_ascii=False).count("missing") == len(table)


def test_feedback_header_names_the_student_safely():
    result = {"student": "li-xiao-long_1002", "assignment": "01_alpha", "notebook": "01_alpha", "status": "graded",
              "scores": {}, "max_scores": {}}
    header = clean_notebook(nbformat.v4.new_notebook(), result, "李小龙 <b>").cells[0].source
    assert header.startswith("# Feedback: 李小龙 &lt;b&gt; (li-xiao-long_1002) · 01_alpha")
    assert clean_notebook(nbformat.v4.new_notebook(), result).cells[0].source.startswith("# Feedback: li-xiao-long_1002 ·")


def test_lms_exports_list_every_enrolled_student_under_the_lms_id(course, tmp_path, capsys):
    roster = tmp_path / "canvas.csv"
    roster.write_text(CANVAS_EXPORT, encoding="utf-8")
    import_roster(course, roster)
    main(["--course", str(course.root), "collect", str(_zip(tmp_path / "c.zip", {rel: _nb(rel) for rel in CANVAS}))])
    out = tmp_path / "canvas-grades.csv"
    main(["--course", str(course.root), "export", "--format", "canvas", "-o", str(out)])
    parsed = list(csv.DictReader(out.open(encoding="utf-8")))
    assert parsed[0]["Student"] == "Points Possible"
    by_id = {r["ID"]: r for r in parsed[1:]}
    assert {"4001", "4003", "4010", "4002"} <= set(by_id)  # the roster, and the stranger who handed in
    assert by_id["4001"]["Student"] == "García, José"
    assert all(by_id[i][a] == "" for i in by_id for a in ASSIGNMENTS)  # nothing graded yet: no grade, not 0
    assert "left empty: jose-garcia_4001 / 01_alpha: missing" in capsys.readouterr().err
    moodle = tmp_path / "moodle-grades.csv"
    main(["--course", str(course.root), "export", "--format", "moodle", "-o", str(moodle)])
    header = next(csv.reader(moodle.open(encoding="utf-8")))
    assert header == ["Email address", "Full name", *ASSIGNMENTS]
