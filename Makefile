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
export MPLBACKEND ?= Agg

.PHONY: help venv book test lint unit chapters chapter build-strict bench serve lab student clean

help:
	@echo "make book   build the HTML book into _build/html"
	@echo "make test   lint, unit tests, every chapter under nbval, a warning-free build"
	@echo "make lab    JupyterLab with jupytext: open notebooks/*.md as notebooks"
	@echo "make serve  serve _build/html on http://127.0.0.1:8000"
	@echo "make bench  run benchmarks/ and write book/benchmarks.md"
	@echo "make chapter NB=01_random_forest   run one chapter's checks"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html $(JBFLAGS)
	@echo "The book: $(CURDIR)/_build/html/index.html"

test: lint unit chapters build-strict

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	@rm -rf _build/lint && mkdir -p _build/lint
	@for nb in $(CHAPTERS); do \
	  $(BIN)/jupytext --quiet --to py:percent --output _build/lint/$$(basename $$nb .md).py $$nb || exit 1; \
	done
	$(BIN)/ruff check --config pyproject.toml --extend-ignore E402,E501 _build/lint

unit: $(STAMP)
	$(BIN)/python -m pytest tests -q

# Every cell of every chapter runs; a failing assert fails the test.
chapters: $(STAMP)
	@rm -rf _build/nbval && mkdir -p _build/nbval
	@for nb in $(CHAPTERS); do \
	  $(BIN)/jupytext --quiet --to ipynb --output _build/nbval/$$(basename $$nb .md).ipynb $$nb || exit 1; \
	done
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env -q -p no:randomly _build/nbval

chapter: $(STAMP)
	@test -n "$(NB)" || (echo "usage: make chapter NB=01_random_forest" && exit 2)
	@mkdir -p _build/nbval
	$(BIN)/jupytext --quiet --to ipynb --output _build/nbval/$(NB).ipynb notebooks/$(NB).md
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env -q _build/nbval/$(NB).ipynb

build-strict: $(STAMP)
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going

bench: $(STAMP)
	$(BIN)/python -m benchmarks

serve:
	@test -f _build/html/index.html || (echo "run 'make book' first" && exit 2)
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory _build/html 8000

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 notebooks

clean:
	rm -rf _build
