# Two commands for everyone: `make lab` (students) and `make test` (CI, maintainers).
# Both create .venv on first use; nothing else is needed on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# CPU torch pin for this machine and CI; point it at another file to choose differently.
CONSTRAINTS ?= constraints/ci.txt
STAMP := $(VENV)/.installed

.PHONY: lab formgrader test release student-export bench install clean-grading help system-deps collect autograde feedback export \
	grading-report bench-grading claims

help:
	@echo "make lab      install the course into .venv and open JupyterLab on notebooks/"
	@echo "make test     install, then run the whole test suite (what CI runs)"
	@echo "make formgrader  the instructor's JupyterLab with nbgrader's formgrader, on this course [COURSE=path]"
	@echo "make release  regenerate notebooks/ from solutions/ (never edit notebooks/ by hand)"
	@echo "make student-export  the student folder, dist/student (notebooks, pg_helpers, README)"
	@echo "make bench    speed benchmarks (ratios against baselines measured in the same run)"
	@echo "make claims   every solution notebook in full mode on other seeds: each claim must hold [ARGS='04_baselines --seeds 7 8']"
	@echo "grading (instructors; see grading/README.md):"
	@echo "  make collect DOWNLOAD=lms.zip   file an LMS download into submitted/"
	@echo "  make autograde [ARGS=...]       grade submitted/ in parallel, sandboxed, resumable"
	@echo "  make feedback / export / grading-report / bench-grading"

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

# lab/config: the student's Validate settings (nbgrader_config.py) and nbgrader's instructor tools
# (formgrader, course list, Create Assignment) switched off, for this lab only.
LAB_ENV := PATH="$(CURDIR)/$(BIN):$$PATH" JUPYTER_CONFIG_PATH="$(CURDIR)/lab/config"
LAB_DIR ?= notebooks

lab: $(STAMP)
	$(LAB_ENV) $(BIN)/jupyter lab --notebook-dir=$(LAB_DIR) $(ALLOW_ROOT) $(LAB_ARGS)

# The instructor's JupyterLab on the course at COURSE (default: this repository): formgrader and nbgrader's menus,
# the course's grading/nbgrader_config.py (nbgrader reads it from the working directory), and lab/instructor's
# settings (an exchange folder inside the course, for the LMS flow; see grading/README.md).
COURSE ?= $(CURDIR)
formgrader: $(STAMP)
	cd "$(COURSE)/grading" && PATH="$(CURDIR)/$(BIN):$$PATH" JUPYTER_CONFIG_PATH="$(CURDIR)/lab/instructor" \
		"$(CURDIR)/$(BIN)/jupyter" lab --notebook-dir="$(COURSE)" $(ALLOW_ROOT) $(LAB_ARGS)

# System packages the tests use: bubblewrap (the grader's sandbox), PostgreSQL (shared-gradebook test),
# Chromium (the browser test; Playwright drives this one and never downloads a browser) and node with
# npm, which then installs configurable-http-proxy (JupyterHub's proxy, for the exchange test).
# Installed only as root with apt-get (a fresh CI machine); elsewhere the tests that need them skip.
system-deps:
	@if command -v bwrap >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -x /usr/bin/chromium ] \
		&& command -v npm >/dev/null; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing bubblewrap, postgresql, chromium, nodejs and npm with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap postgresql chromium \
			$$(command -v npm >/dev/null || echo nodejs npm) >/dev/null; \
	else \
		echo "system-deps: not root or no apt-get; skipping bubblewrap/postgresql/chromium/npm (their tests skip)"; \
	fi
	@# configurable-http-proxy (JupyterHub's proxy, for the nbgrader exchange test) from npm's registry, globally.
	@if command -v configurable-http-proxy >/dev/null; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v npm >/dev/null; then \
		echo "installing configurable-http-proxy with npm"; \
		npm install -g --silent configurable-http-proxy@5; \
	else \
		echo "system-deps: not root or no npm; skipping configurable-http-proxy (the JupyterHub exchange test skips)"; \
	fi

# PG_FAST=1: the solution notebooks run their small configurations under nbval.
# Three workers on two cores: about 40 % of a worker's time is spent waiting (servers starting, a
# browser, one nbgrader process), and a third worker fills it. --durations: where the time went.
test: system-deps $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" PG_FAST=1 $(BIN)/python -m pytest -n 3 --dist loadscope --durations=30 \
		--nbval-lax --nbval-current-env tests solutions

# The folder students download (dist/student): notebooks/, pg_helpers/, environment.yml, pyproject.toml,
# lab/config and a student README; no solutions, grading code or hidden tests.
student-export: $(STAMP)
	rm -rf dist/student
	$(BIN)/python -m grading student-export -o dist/student

release: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m grading release

# Each notebook's claims on other seeds (full mode, a student's Run All); prints every failing cell.
claims: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m checks.claims $(ARGS)

# stable-baselines3 (the PPO/A2C baselines) is bench-only: installed here, never by `make test`.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[bench]"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m benchmarks

# The instructor's grading commands (python -m grading <command> --help for the options).
GRADING := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m grading

collect: $(STAMP)
	@test -n "$(DOWNLOAD)" || { echo "usage: make collect DOWNLOAD=path/to/lms-download.zip"; exit 2; }
	$(GRADING) collect "$(DOWNLOAD)" $(ARGS)

autograde: $(STAMP)
	$(GRADING) autograde $(ARGS)

feedback: $(STAMP)
	$(GRADING) feedback $(ARGS)

export: $(STAMP)
	$(GRADING) export -o grades.csv $(ARGS)

grading-report: $(STAMP)
	$(GRADING) report $(ARGS)

bench-grading: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m grading.bench $(ARGS)

clean-grading:
	rm -rf submitted autograded feedback reports grades.csv grading/gradebook.db
