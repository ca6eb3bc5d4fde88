# Two commands for a fresh machine: `make run` (the main job) and `make test`.
# Both create .venv/ at the repo root on first use and install the package into it.
SHELL := /bin/bash
PYTHON ?= python3
WORKBOOK := workbook/cseplan.xlsm
DEMO := workbook/examples/cseplan_demo.xlsm
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench wheelhouse clean

$(BIN)/cseplan: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	$(BIN)/python -m compileall -q src
	touch $@

# The main job: check the shipped workbooks, then roll up, evaluate and draft the newsletter for each, printing
# the summaries and writing them to out/ (regenerated on every run). The demo is judged at its own As-of date
# (31 March 2018); the real plan's As-of is blank and it ran September 2017 to August 2019, so it is judged at
# REAL_AS_OF (today would fall after the plan ended, and the newsletter would refuse to draft).
REAL_AS_OF ?= 2018-03-31

run: $(BIN)/cseplan
	@mkdir -p out
	$(BIN)/cseplan validate $(WORKBOOK) $(DEMO) | tee out/validation.txt; test $${PIPESTATUS[0]} -le 1
	$(BIN)/cseplan validate $(WORKBOOK) $(DEMO) --format json --output out/validation.json --force; test $$? -le 1
	@echo "== Demo plan, as of its own As-of date (31 March 2018)"
	$(BIN)/cseplan rollup $(DEMO) | tee out/rollup.txt
	$(BIN)/cseplan rollup $(DEMO) --format json --output out/rollup.json --force
	$(BIN)/cseplan evaluate $(DEMO) --partner-facing | tee out/evaluation.txt
	$(BIN)/cseplan evaluate $(DEMO) --partner-facing --format json --output out/evaluation.json --force
	$(BIN)/cseplan newsletter $(DEMO) --output out/newsletter_draft.docx --force
	@echo "== Real plan, as of $(REAL_AS_OF) (its As-of is blank)"
	$(BIN)/cseplan rollup $(WORKBOOK) --as-of $(REAL_AS_OF) | tee out/real_rollup.txt
	$(BIN)/cseplan newsletter $(WORKBOOK) --as-of $(REAL_AS_OF) --output out/real_newsletter_draft.docx --force
	@echo "Outputs are in out/"

test: $(BIN)/cseplan
	$(BIN)/python -m pytest -q

# Lint and type check (settings in pyproject.toml); CI runs this before the tests.
lint: $(BIN)/cseplan
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(BIN)/cseplan
	$(BIN)/python bench/run.py

# Every wheel a Windows PC needs to install cseplan-xl without an index (setup/windows-setup.cmd WHEELHOUSE):
# this package's own wheel and its dependencies' Windows wheels, for the Python version the PC has.
# pywin32 is named because pip evaluates xlwings' "Windows only" marker for this machine, not the target.
WIN_PYTHON ?= 3.12
wheelhouse: $(BIN)/cseplan
	rm -rf wheelhouse && mkdir wheelhouse
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir wheelhouse .
	$(BIN)/python -m pip download --quiet --dest wheelhouse --only-binary=:all: --platform win_amd64 \
		--python-version $(WIN_PYTHON) --implementation cp wheelhouse/cseplan_xl-*.whl pywin32
	@echo "wheelhouse/ holds $$(ls wheelhouse | wc -l) wheels for Windows, Python $(WIN_PYTHON)"

clean:
	rm -rf $(VENV) out wheelhouse
