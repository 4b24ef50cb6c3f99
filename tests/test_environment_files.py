"""environment.yml (conda, Binder) names the same packages as pyproject.toml, with the same floors.

Pip extras (``psycopg[binary]``) are dropped: conda-forge builds carry their binaries.
"""

from __future__ import annotations

import re

import yaml

from grading.base.course import REPO_ROOT, tomllib

# pip name -> conda-forge name, where they differ.
CONDA_NAME = {"torch": "pytorch"}
REQ = re.compile(r"^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*([<>=!~][^;#]*)?\s*(;[^#]*)?(#.*)?$")


def _parse(spec: str) -> tuple[str, str, str]:
    match = REQ.match(spec)
    assert match, f"cannot read requirement {spec!r}"
    name, version, marker, _comment = match.groups()
    return name.lower().replace("_", "-"), (version or "").replace(" ", ""), marker or ""


def _pyproject_requirements() -> dict[str, str]:
    with open(REPO_ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["dev"]  # not `bench`: make bench only
    wanted = {}
    for spec in specs:
        name, version, marker = _parse(spec)
        if "python_version" in marker:  # back-ports such as tomli: conda pins a newer Python
            continue
        wanted[CONDA_NAME.get(name, name)] = version
    return wanted


def _conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    found = {}
    for entry in env["dependencies"]:
        if isinstance(entry, str):
            name, version, _ = _parse(entry.split("#")[0])
            if name not in {"python", "pip"}:
                found[name] = version
    return found


def test_same_packages_and_floors():
    assert _conda_requirements() == _pyproject_requirements(), (
        "environment.yml and pyproject.toml disagree: keep both lists in step"
    )


def test_conda_python_is_supported():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pythons = [e for e in env["dependencies"] if isinstance(e, str) and e.startswith("python=")]
    assert pythons and pythons[0].split("=")[1] in {"3.10", "3.11", "3.12", "3.13"}
