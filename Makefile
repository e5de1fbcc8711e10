# The two quick-start commands: `make up` runs dondoc on the embedded default,
# `make test` runs the tests. Both install what they need on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: up test bench install clean

$(BIN)/dondoc: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e ".[test]"
	touch $@

install: $(BIN)/dondoc

up: install
	$(BIN)/dondoc up

test: install
	$(BIN)/python -m pytest -q -n 2

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) *.egg-info
