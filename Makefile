# Two commands for everyone: `make lab` (students) and `make test` (CI, maintainers).
# Both create .venv on first use; nothing else is needed on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# CPU torch pin for this machine and CI; point it at another file to choose differently.
CONSTRAINTS ?= constraints/ci.txt
STAMP := $(VENV)/.installed

.PHONY: lab test release bench install clean-grading help

help:
	@echo "make lab      install the course into .venv and open JupyterLab on notebooks/"
	@echo "make test     install, then run the whole test suite (what CI runs)"
	@echo "make release  regenerate notebooks/ from solutions/ (never edit notebooks/ by hand)"
	@echo "make bench    speed benchmarks (ratios against baselines measured in the same run)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package metadata or the pins change.
$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) torch
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT) $(LAB_ARGS)

# PG_FAST=1: the solution notebooks run their small configurations under nbval.
test: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" PG_FAST=1 $(BIN)/python -m pytest -n 2 --dist loadfile \
		--nbval-lax --nbval-current-env tests solutions

release: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m grading release

bench: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m benchmarks

clean-grading:
	rm -rf submitted autograded feedback grading/gradebook.db
