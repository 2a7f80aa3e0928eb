# forceplan: the two set-up commands (see README.md). Needs only Python 3.11+ on the machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

## make demo: install, generate the synthetic demo force into ./forceplan.db, summarise it,
## and show what the system does with it (indicators with charts, displaced-demand evidence,
## the welfare summary as occupational health sees it, a four-year workforce projection,
## an 8-week demand forecast by grade, an 8-week roster for a response team built to the
## staffing requirement, and demo accounts for each role of the web app)
demo: $(STAMP)
	$(BIN)/forceplan demo-data --officers 600 --years 1 --seed 42
	$(BIN)/forceplan users demo
	$(BIN)/forceplan indicators --output demo-output/indicators --charts
	$(BIN)/forceplan displaced --output demo-output/evidence
	$(BIN)/forceplan welfare summary --limit 5 --output demo-output/welfare-officers.csv
	$(BIN)/forceplan workforce project --years 4 --runs 1000 \
		--scenario docs/examples/neighbourhood-surge.toml --output demo-output/workforce
	$(BIN)/forceplan forecast run --by grade --horizon 8w --output demo-output/forecast.csv
	$(BIN)/forceplan roster build --unit C-RESP-A --from 2026-04-06 --weeks 8 --time-limit 30 \
		--output demo-output/roster.csv
	@echo "Web app: FORCEPLAN_COOKIE_SECURE=false $(BIN)/forceplan serve, then open"
	@echo "http://127.0.0.1:8000 and sign in as demo-planner, demo-officer, ... (password above)"

## make test: install and run the whole test suite (PostgreSQL too when
## FORCEPLAN_TEST_POSTGRES_URL is set; .ci/run starts one)
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

## make bench: run every benchmark (results in bench/results/, summary in bench/RESULTS.md)
bench: $(STAMP)
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) forceplan.db forceplan.db-wal forceplan.db-shm .pytest_cache .ruff_cache
