# Two commands for a fresh machine: `make run` (the main job) and `make test`.
# Both create .venv/ at the repo root on first use and install the package into it.
SHELL := /bin/bash
PYTHON ?= python3
WORKBOOK := workbook/cseplan.xlsm
DEMO := workbook/examples/cseplan_demo.xlsm
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/cseplan: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	$(BIN)/python -m compileall -q src
	touch $@

# The main job: check the shipped workbooks, then roll up, evaluate and draft the newsletter for the
# demo plan, printing the summaries and writing them to out/ (regenerated on every run).
run: $(BIN)/cseplan
	@mkdir -p out
	$(BIN)/cseplan validate $(WORKBOOK) $(DEMO) | tee out/validation.txt; test $${PIPESTATUS[0]} -le 1
	$(BIN)/cseplan validate $(WORKBOOK) $(DEMO) --format json --output out/validation.json --force; test $$? -le 1
	$(BIN)/cseplan rollup $(DEMO) | tee out/rollup.txt
	$(BIN)/cseplan rollup $(DEMO) --format json --output out/rollup.json --force
	$(BIN)/cseplan evaluate $(DEMO) --partner-facing | tee out/evaluation.txt
	$(BIN)/cseplan evaluate $(DEMO) --partner-facing --format json --output out/evaluation.json --force
	$(BIN)/cseplan newsletter $(DEMO) --output out/newsletter_draft.docx --force
	@echo "Outputs are in out/"

test: $(BIN)/cseplan
	$(BIN)/python -m pytest -q

# Lint and type check (settings in pyproject.toml); CI runs this before the tests.
lint: $(BIN)/cseplan
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(BIN)/cseplan
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) out
