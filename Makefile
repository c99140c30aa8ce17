# Meter Management for Odoo 18 — run the demo, run the tests.
# Everything can be overridden from the environment, e.g. `make run PYTHON=/opt/venv/bin/python`.

PYTHON ?= python3
DB_HOST ?=
DB_PORT ?=
DEMO_DB ?= meter_demo
HTTP_PORT ?= 8069
ADDONS := meter_management,meter_management_reports

export PYTHON DB_HOST DB_PORT ADDONS

.PHONY: run test lint odoo-tests pytest benchmark pot help

help:
	@echo "make run        database $(DEMO_DB) with both add-ons and demo data, server on http://localhost:$(HTTP_PORT)"
	@echo "make test       lint, Odoo tests of both add-ons on a fresh database, repository tests"
	@echo "make pot        regenerate i18n/<addon>.pot of both add-ons from the code"
	@echo "make benchmark  benchmarks next to stock Odoo (not part of make test); BENCH_ARGS='--only registration'"

run:
	@scripts/run.sh "$(DEMO_DB)" "$(HTTP_PORT)"

test:
	@scripts/test.sh

lint:
	@scripts/test.sh --lint-only

benchmark:
	@$(PYTHON) tests/benchmarks/run.py $(BENCH_ARGS)

pot:
	@scripts/update_pot.sh
