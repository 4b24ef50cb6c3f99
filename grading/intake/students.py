"""Student keys: the LMS's unique id, with a readable slug beside it.

A student's *key* names their folders (``submitted/<key>/``, ``autograded/``, ``feedback/``) and
is their id in the gradebook. It is built from what identifies the student in the LMS:

- a numeric LMS id with a name (Moodle's participant id, Canvas's user id): ``<slug>_<id>``, e.g.
  ``Zoë Ñúñez`` with participant id 999 -> ``zoe-nunez_999``, ``李小龙`` 1002 -> ``li-xiao-long_1002``.
  The id makes the key unique; the slug (the name transliterated to ASCII by python-slugify) is
  for people. A name with nothing to transliterate gives the bare id.
- a readable id (a Blackboard username, a folder name, a ``--pattern`` ``student`` group): the id
  itself, lower-cased, as ``jsmith``.

Once a student has a key, it stays: a later download or roster that spells the name another way
(Canvas writes ``smithjane``, its roster ``Smith, Jane``) finds the student by LMS id, through the
gradebook's ``lms_user_id`` or the ``_<id>`` ending of a folder under ``submitted/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from slugify import slugify

from ..base.course import Course, safe_name

SLUG_MAX = 60  # characters; nbgrader's student id column holds 128
NOT_SLUG = r"[^a-z0-9.@-]+"  # what a slug may not contain (dots and @ keep usernames and e-mails readable)
NUMERIC_KEY = re.compile(r"^(?:[a-z0-9.@-]+_)?(?P<id>\d+)$")


def slug(text: str) -> str:
    """``text`` transliterated to lower-case ASCII: ``Zoë Ñúñez`` -> ``zoe-nunez``, ``王菲`` -> ``wang-fei``."""
    return slugify(text or "", max_length=SLUG_MAX, word_boundary=True, regex_pattern=NOT_SLUG).strip("-.")


def student_id(raw: str) -> str:
    """A folder-safe key from a readable id or a name: ``Jane Smith`` -> ``jane-smith``."""
    return slug(raw)


def make_key(lms_id: str, name: str | None = None) -> str:
    """The key of a student new to the course (see the module's docstring); '' if unusable."""
    lms_id = lms_id.strip()
    if lms_id.isdigit():
        readable = slug(name or "")
        return f"{readable}_{lms_id}" if readable else lms_id
    return student_id(lms_id)


def normal_id(lms_id: str) -> str:
    """The form LMS ids are compared in: digits as they are, a username as its key (``JSmith`` -> ``jsmith``)."""
    lms_id = lms_id.strip()
    return lms_id if lms_id.isdigit() else student_id(lms_id)


def lms_id_of_key(key: str) -> str:
    """The LMS id a key was made from: ``zoe-nunez_999`` -> ``999``, ``jsmith`` -> ``jsmith``."""
    match = NUMERIC_KEY.match(key)
    return match.group("id") if match else key


def display_name(first: str | None, last: str | None, key: str) -> str:
    """``First Last``, or the key when the roster has no name."""
    return " ".join(part for part in (first, last) if part) or key


@dataclass
class Registry:
    """Which key each LMS id already has (gradebook first, then folders under ``submitted/``)."""

    by_id: dict[str, str] = field(default_factory=dict)
    roster: dict[str, str] = field(default_factory=dict)
    """key -> display name of every student a roster import put in the gradebook"""

    def key_for(self, lms_id: str, name: str | None = None) -> str:
        """The student's key: the one they already have, or a new one (remembered)."""
        known = self.by_id.get(normal_id(lms_id))
        if known:
            return known
        key = make_key(lms_id, name)
        if key and safe_name(key):
            self.by_id[normal_id(lms_id)] = key
        return key

    def on_roster(self, key: str) -> bool:
        return not self.roster or key in self.roster


def registry(course: Course, db: str | None = None) -> Registry:
    """The keys already in use: from the gradebook (if there is one) and from ``submitted/``."""
    reg = Registry()
    folder = course.root / "submitted"
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_dir() and safe_name(path.name):
                reg.by_id.setdefault(lms_id_of_key(path.name), path.name)
    for student in gradebook_students(course, db):
        if student["lms_user_id"]:
            reg.by_id[normal_id(student["lms_user_id"])] = student["id"]  # the gradebook wins over a folder
            reg.roster[student["id"]] = display_name(student["first_name"], student["last_name"], student["id"])
    return reg


def gradebook_students(course: Course, db: str | None = None) -> list[dict]:
    """Every student in the gradebook as a dict; [] when there is no gradebook yet."""
    if db is None and not course.gradebook_path.is_file():
        return []
    from ..base import gradebook as gbmod

    with gbmod.open_gradebook(gbmod.gradebook_url(course, db)) as gb:
        return [{"id": s.id, "first_name": s.first_name, "last_name": s.last_name, "email": s.email,
                 "lms_user_id": s.lms_user_id} for s in gb.students]


def names(course: Course, db: str | None = None) -> dict[str, str]:
    """key -> display name for the students whose name the gradebook knows."""
    return {s["id"]: display_name(s["first_name"], s["last_name"], s["id"])
            for s in gradebook_students(course, db) if s["first_name"] or s["last_name"]}



def record_names(course: Course, db: str | None, found: dict[str, str]) -> int | None:
    """Give each student of ``found`` (key -> the name an LMS download carries) that name in the
    gradebook, where it has none (a roster import's names win, before or after); creates the student
    if new. The whole name goes in ``last_name``, as ``roster import`` does with a name it cannot split,
    and ``first_name`` is "" (formgrader then shows the name, not "None, None"). Returns how many
    students were named, or None when there is no gradebook yet."""
    found = {key: name.strip() for key, name in found.items() if name and name.strip()}
    if db is None and not course.gradebook_path.is_file():
        return None
    from ..base import gradebook as gbmod

    named = 0
    with gbmod.open_gradebook(gbmod.gradebook_url(course, db)) as gb:
        have = {s.id: s for s in gb.students}
        for key, name in found.items():
            student = have.get(key)
            if student is None or not (student.first_name or student.last_name):
                gb.update_or_create_student(key, first_name="", last_name=name)
                named += 1
    return named
