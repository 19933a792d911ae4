# Two commands do all set-up: `make run` and `make test`. Both create .venv when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test soak demo bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/bwk

# One pytest-xdist worker per core; the suite starts its own PostgreSQL (tests/pg_server.py).
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

# The reliability suite, long: 500 kill -9s and longer runs of concurrent writers.
soak: $(STAMP)
	BWK_SOAK=1 $(BIN)/python -m pytest -q -s -n auto tests/reliability

demo: $(STAMP)
	$(BIN)/bwk demo --scale large

bench: $(STAMP)
	$(BIN)/python benches/run.py

clean:
	rm -rf $(VENV) build *.egg-info
