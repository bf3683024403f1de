# Every target builds .venv first (from requirements.txt and pyproject.toml).
# `make book` and `make test` are all a newcomer needs.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHAPTERS := $(sort $(wildcard notebooks/[0-9][0-9]_*.md))
# STRICT=1 turns Sphinx warnings into errors (CI does this).
JBFLAGS := $(if $(STRICT),-W -n --keep-going,)
# The book build and the notebook tests hide progress bars (see groundup.utils.progress).
export GROUNDUP_PROGRESS ?= 0
# Every random draw derives from GROUNDUP_SEED (0 when unset): `make chapters GROUNDUP_SEED=1`.
export GROUNDUP_SEED
# The tests and the chapters run on JOBS processes (pytest-xdist; JOBS=0 runs
# them in one). Each process computes on one thread (torch: groundup's thread
# policy; numpy's BLAS: OPENBLAS_NUM_THREADS), so two jobs fill two cores and
# never oversubscribe them.
JOBS ?= 2
PARALLEL := OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS)
# nbval runs without hypothesis's pytest plugin, which only the unit tests use (~2 s a process).
NBVAL := --nbval-lax --nbval-current-env -p no:hypothesispytest
# The last chapters train the largest models: started first, they leave the
# short ones to fill both processes at the end.
LONGEST_FIRST := $(shell printf '%s\n' $(CHAPTERS) | sort -r)

.PHONY: help venv book test lint unit assignments grading peer peer-slow compatibility chapters chapter robust build-strict e2e bench serve lab student clean

help:
	@echo "make book   build the HTML book into _build/html"
	@echo "make test   lint, unit tests, coursework grading, the peers' tests, every chapter, a warning-free build"
	@echo "make lab    JupyterLab with jupytext: open notebooks/*.md as notebooks"
	@echo "make serve  serve _build/html on http://127.0.0.1:8000"
	@echo "make bench  run benchmarks/ and write book/benchmarks.md"
	@echo "make assignments  the coursework: student notebooks and autograders in _build/assignments"
	@echo "make grading  make assignments, then prove that grading works (tests/assignments)"
	@echo "make peer   the peers' own test suites against our estimators (tests/peer)"
	@echo "make compatibility  make peer, then write book/compatibility.md"
	@echo "make chapter NB=01_random_forest   run one chapter's checks"
	@echo "make robust every chapter with seeds 1 and 2 while one core is kept busy"
	@echo "make student  the student edition of every chapter in _build/student"
	@echo "make e2e    browser tests of the built site (needs chromium, chromium-driver)"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# jsonschema (under nbformat) imports rfc3987-syntax when it is installed, to check
	@# "iri" strings, and that import builds a grammar: about 3 s in every process that
	@# reads a notebook (nbval, jupytext, the book). Nothing here checks IRIs.
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax
	touch $(STAMP)

venv: $(STAMP)

# The chapters run into jupyter-book's cache $(JOBS) at a time (book/preexecute.py),
# then the build renders them from it.
PREEXECUTE := $(BIN)/python book/preexecute.py --jobs $(or $(filter-out 0,$(JOBS)),1) $(LONGEST_FIRST)

book: assignments
	$(PREEXECUTE)
	$(BIN)/jupyter-book build . --builder html $(JBFLAGS)
	@echo "The book: $(CURDIR)/_build/html/index.html"

# Every chapter runs once, in build-strict: book/preexecute.py executes them
# into the build's cache and fails on a failing cell, as nbval would; `make
# chapters` runs them under nbval instead.
test: lint unit grading peer build-strict

ASSIGNMENTS := $(sort $(wildcard assignments/[0-9][0-9]_*.md))
# Every chapter (or the files $(2)) as an .ipynb in folder $(1), converted by one
# jupytext process.
TO_IPYNB = rm -rf $(1) && mkdir -p $(1) && cp $(or $(2),$(CHAPTERS)) $(1)/ && \
	$(BIN)/jupytext --quiet --to ipynb $(1)/*.md && rm $(1)/*.md

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks book
	$(BIN)/ruff format --check src tests benchmarks book
	@$(call TO_IPYNB,_build/lint)
	$(BIN)/ruff check --line-length 88 --extend-ignore E402 _build/lint  # code lines fit the page
	@$(call TO_IPYNB,_build/lint-assignments,$(ASSIGNMENTS))
	@# F401: a setup cell may import a helper that students may use, or that only hidden tests call
	$(BIN)/ruff check --line-length 88 --extend-ignore E402,F401 _build/lint-assignments

unit: $(STAMP)
	$(PARALLEL) tests -q --ignore=tests/site --ignore=tests/e2e --ignore=tests/assignments

# The coursework (book/assignments.py): otter assign on every assignments/NN_*.md.
assignments: $(STAMP)
	$(BIN)/python book/assignments.py --jobs $(or $(filter-out 0,$(JOBS)),1)

# Each solution scores full marks and each unanswered notebook zero under
# `otter run`, every kept wrong answer fails its question, and no hidden test
# shows in a student notebook.
grading: assignments
	$(PARALLEL) tests/assignments -q -p no:warnings

# scikit-learn's and gensim's own tests of the estimators we re-implement, copied
# from the installed packages with only their imports pointed at ours
# (tests/peer/adapt.py), run with tests/peer/out_of_scope.toml applied.
PEER := _build/peer
peer: $(STAMP)
	$(BIN)/python -m tests.peer.adapt $(PEER)
	$(PARALLEL) $(PEER) -q -rfE -p no:cacheprovider \
		--peer-results $(PEER)/results.json

# The slow groups of out_of_scope.toml alone: in scope, but they train on
# gensim's corpora for minutes (book/compatibility.md).
peer-slow: $(STAMP)
	$(BIN)/python -m tests.peer.adapt $(PEER)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest $(PEER) -q -rfE -p no:cacheprovider \
		--peer-slow --peer-results $(PEER)/results-slow.json

# The per-suite counts of `make peer` and `make peer-slow`, written as
# book/compatibility.md.
compatibility: peer peer-slow
	$(BIN)/python -m tests.peer.report $(PEER)/results.json $(PEER)/results-slow.json

# Every cell of every chapter runs under nbval; a failing assert fails the test.
chapters: $(STAMP)
	@$(call TO_IPYNB,_build/nbval)
	$(PARALLEL) --dist loadfile $(NBVAL) -q $(LONGEST_FIRST:notebooks/%.md=_build/nbval/%.ipynb)

chapter: $(STAMP)
	@test -n "$(NB)" || (echo "usage: make chapter NB=01_random_forest" && exit 2)
	@mkdir -p _build/nbval
	$(BIN)/jupytext --quiet --to ipynb --output _build/nbval/$(NB).ipynb notebooks/$(NB).md
	$(BIN)/python -m pytest $(NBVAL) -q _build/nbval/$(NB).ipynb

# A student's busy laptop: every chapter under nbval with GROUNDUP_SEED=1 and 2
# while a busy loop holds one core; prints each chapter's time and names any
# over 60 s; fails on a failing chapter (benchmarks/robust.py).
ROBUST_SEEDS ?= 1 2
robust: $(STAMP)
	$(BIN)/python -m benchmarks.robust --seeds $(ROBUST_SEEDS) --load 1 --budget 60

# A warning-free build, then checks of the built pages (tests/site).
build-strict: assignments
	$(PREEXECUTE)
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going
	$(BIN)/python -m pytest tests/site -q

# Headless Chromium against the built site on 127.0.0.1 (screenshots in _build/e2e).
e2e: $(STAMP)
	@test -f _build/html/index.html || (echo "run 'make book' first" && exit 2)
	$(BIN)/python -m pytest tests/e2e -q

# Chapters without solutions or outputs, as plain notebooks, plus a zip.
student: $(STAMP)
	$(BIN)/python book/_ext/plain_notebook.py --student _build/student $(CHAPTERS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks

serve:
	@test -f _build/html/index.html || (echo "run 'make book' first" && exit 2)
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory _build/html 8000

# JupyterLab opens the chapters' .md files as notebooks (jupytext's viewer).
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
lab: $(STAMP)
	@mkdir -p $(dir $(LAB_SETTINGS))
	@printf '%s\n' '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}}}' > $(LAB_SETTINGS)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root,) notebooks

clean:
	rm -rf _build
