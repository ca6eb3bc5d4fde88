# Two commands for a fresh machine: `make run` (the main job) and `make test`.
# Both create .venv/ at the repo root on first use and install the package into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench clean

$(BIN)/cseplan: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/cseplan
	$(BIN)/cseplan validate workbook/cseplan.xlsm

test: $(BIN)/cseplan
	$(BIN)/python -m pytest -q

bench: $(BIN)/cseplan
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) out
