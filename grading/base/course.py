"""Where things are in a course tree, which assignments and notebooks it has, and its settings.

A course tree is this repository or a copy of it (the tests grade in a temporary copy):
``solutions/<assignment>/<assignment>.ipynb`` is the source of each assignment, and a student's
notebooks go to ``submitted/<student>/<assignment>/`` and ``autograded/<student>/<assignment>/``,
folder names that ``safe_name`` accepts.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

REPO_ROOT = Path(__file__).resolve().parent.parent.parent  # grading/base/course.py -> the repository
REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class Course:
    """Paths of one course tree."""

    root: Path = REPO_ROOT

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def grading(self) -> Path:
        return self.root / "grading"

    @property
    def gradebook_path(self) -> Path:
        return self.grading / "gradebook.db"

    @property
    def gradebook_url(self) -> str:
        return f"sqlite:///{self.gradebook_path}"

    def assignments(self) -> list[str]:
        """Assignment names, in course order (the numeric prefix sorts them)."""
        if not self.solutions.is_dir():
            return []
        return sorted(p.name for p in self.solutions.iterdir() if (p / f"{p.name}.ipynb").is_file())

    def source_notebook(self, assignment: str) -> Path:
        return self.solutions / assignment / f"{assignment}.ipynb"

    def release_notebook(self, assignment: str) -> Path:
        return self.notebooks / assignment / f"{assignment}.ipynb"

    def check_assignment(self, assignment: str) -> str:
        """Return ``assignment`` if the course has it; otherwise say which ones it has."""
        known = self.assignments()
        if assignment not in known:
            raise SystemExit(f"unknown assignment {assignment!r}; this course has: {', '.join(known) or 'none'}")
        return assignment

    def select_assignments(self, names: list[str] | None = None) -> list[str]:
        """``names`` checked against the course, or every assignment; an error if there are none."""
        if names:
            return [self.check_assignment(n) for n in names]
        found = self.assignments()
        if not found:
            raise SystemExit(f"no assignments found under {self.solutions}")
        return found

    def copy_to(self, dest: Path) -> Course:
        """A copy of this course at ``dest`` (sources, releases, grading code, install spec),
        without a gradebook or any grading state."""
        skip = shutil.ignore_patterns("__pycache__", "gradebook.db*", ".ipynb_checkpoints")
        for name in ("solutions", "notebooks", "grading"):
            if (self.root / name).is_dir():
                shutil.copytree(self.root / name, dest / name, ignore=skip)
        shutil.copy2(self.root / "pyproject.toml", dest / "pyproject.toml")
        return Course(dest)

    def _settings(self) -> dict:
        with open(self.root / "pyproject.toml", "rb") as f:
            return tomllib.load(f).get("tool", {}).get("pg-course", {})

    def colab_repository(self) -> tuple[str, str]:
        """GitHub ``owner/name`` and branch the Colab badges open (``[tool.pg-course] repository``, ``branch``)."""
        settings = self._settings()
        return check_repository(str(settings.get("repository", "")).strip()), str(settings.get("branch", "main")).strip()

    def colab_install_spec(self) -> str:
        """The pip spec Colab installs the course from (``[tool.pg-course] colab-install``)."""
        spec = self._settings().get("colab-install", "")
        if not isinstance(spec, str):
            raise SystemExit(f"[tool.pg-course] colab-install must be a string, got {spec!r}")
        return spec.strip()


def check_repository(repository: str) -> str:
    """``owner/name`` of a GitHub repository, or "" for none; anything else is an error."""
    if repository and not REPOSITORY.match(repository):
        raise SystemExit(f"[tool.pg-course] repository must look like 'owner/name' (a GitHub repository), "
                         f"got {repository!r}")
    return repository


def notebooks_of(course: Course, assignment: str) -> list[str]:
    """Notebook names (without .ipynb) of an assignment, from its source folder."""
    return sorted(p.stem for p in (course.solutions / assignment).glob("*.ipynb"))


def submitted_dir(course: Course, student: str, assignment: str) -> Path:
    return course.root / "submitted" / student / assignment


def autograded_dir(course: Course, student: str, assignment: str) -> Path:
    return course.root / "autograded" / student / assignment


def safe_name(name: str) -> bool:
    """Student and assignment names become folder names: letters, digits, ``._-@`` only."""
    return bool(re.fullmatch(r"[A-Za-z0-9@][A-Za-z0-9._@-]*", name))
