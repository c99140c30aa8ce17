#!/usr/bin/env bash
# make test: lint, then every at-install and post-install test of both add-ons on a fresh
# database, then the stock engine's tests on a second one with stock_account (and the
# test-only add-on of tests/addons), then the repository-level pytest tests against the first
# database; drops both; prints
# "N passed, N failed" and exits non-zero on any failure. Never skips silently.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_DIR"

passed=0
failed=0
summary() {
    echo
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

# 1. Lint: ruff (lint and format) and pylint-odoo with the mandatory configuration.
echo "== lint"
if "$PYTHON" -m ruff check . && "$PYTHON" -m ruff format --check --quiet .; then
    passed=$((passed + 1))
else
    echo "FAILED: ruff"; failed=$((failed + 1))
fi
if "$PYTHON" -m pylint --rcfile=.pylintrc-mandatory meter_management meter_management_reports; then
    passed=$((passed + 1))
else
    echo "FAILED: pylint-odoo (mandatory checks)"; failed=$((failed + 1))
fi
[ "${1:-}" = "--lint-only" ] && summary

check_odoo
check_postgres

DB=${TEST_DB:-meter_test_$$}
# the second configuration: Odoo's inventory accounting installed (stock_account)
DB_SA=${TEST_DB_SA:-${DB}_sa}
PORT=${TEST_HTTP_PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
cleanup() {
    dropdb "${PSQL_ARGS[@]}" --if-exists "$DB" >/dev/null 2>&1 || true
    dropdb "${PSQL_ARGS[@]}" --if-exists "$DB_SA" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup

# run_odoo DB TEST_TAGS MODULES [ADDONS_PATH]: install MODULES with the tests of TEST_TAGS;
# adds the tests run to $passed / $failed, and a failure if the run ran none
run_odoo() {
    local db=$1 tags=$2 modules=$3 path=${4:-$ADDONS_PATH} log odoo_rc odoo_run odoo_bad errors skipped
    log=$(mktemp -t meter_odoo_tests.XXXXXX.log)
    echo "== Odoo tests on $db: -i $modules, tags $tags (log: $log)"
    "$PYTHON" -m odoo -d "$db" "${DB_ARGS[@]}" --addons-path="$path" -i "$modules" \
        --test-enable --test-tags="$tags" \
        --stop-after-init --http-port="$PORT" --log-level=test --max-cron-threads=0 >"$log" 2>&1
    odoo_rc=$?
    grep -E "(ERROR|CRITICAL|FAIL:|tests when loading|Ran [0-9]+ tests|post-tests in)" "$log" | grep -v "^$" | tail -n 60
    # "F failed, E error(s) of N tests when loading database" (one line per loading phase)
    read -r odoo_run odoo_bad < <("$PYTHON" - "$log" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
m = re.findall(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database", text)
if m:
    f, e, n = map(int, m[-1])
    print(n, f + e)
else:
    print(0, 0)
PY
    )
    errors=$(grep -cE " (ERROR|CRITICAL) " "$log")
    # a skipped test is a failure here: browser tours skip themselves without chromium or
    # websocket-client, and the integration tests are the point
    # (printed with >&2, not `tee /dev/stderr`: reopening /dev/stderr truncates a log file that
    # the whole output is redirected to)
    skipped_lines=$(grep -E " skipped [^ ]+ : " "$log")
    skipped=$(printf '%s' "$skipped_lines" | grep -c .)
    if [ "$skipped" -ne 0 ]; then
        printf '%s\n' "$skipped_lines" >&2
        echo "FAILED: $skipped Odoo tests were skipped on $db (see above)"; failed=$((failed + skipped))
    fi
    if [ "$odoo_run" -eq 0 ]; then
        echo "FAILED: the Odoo test run on $db ran no test (exit $odoo_rc); see $log"; failed=$((failed + 1))
        return
    fi
    echo "-- $db: $odoo_run tests, $odoo_bad failed"
    passed=$((passed + odoo_run - odoo_bad))
    failed=$((failed + odoo_bad))
    if [ "$odoo_bad" -eq 0 ] && { [ "$odoo_rc" -ne 0 ] || [ "$errors" -ne 0 ]; }; then
        echo "FAILED: Odoo exited $odoo_rc with $errors error lines in $log"; failed=$((failed + 1))
    fi
}

# 2. Odoo tests of both add-ons on a fresh database (demo data loads with them); the tests
# that need stock_account run in the second configuration below.
run_odoo "$DB" "/meter_management,/meter_management_reports,-meter_stock_account" "$ADDONS"

# 2b. With stock_account: the stock engine's comparisons with Odoo's own paths and the
# valuation tests; then the test-only add-on that overrides stock.move._action_done (the
# engine must take Odoo's own path). Its tests are tagged meter_test_override.
run_odoo "$DB_SA" "meter_stock_account,meter_stock_engine" "stock_account,$ADDONS"
run_odoo "$DB_SA" "meter_test_override" "meter_test_override" "$REPO_DIR/tests/addons,$ADDONS_PATH"

# 3. Repository-level tests: tools, sample data, end-to-end through RPC against a server.
echo "== repository tests (pytest)"
PYTEST_LOG=$(mktemp -t meter_pytest.XXXXXX.log)
MM_TEST_DB="$DB" MM_ADDONS_PATH="$ADDONS_PATH" "$PYTHON" -m pytest -q -p no:cacheprovider tests \
    --ignore=tests/benchmarks --ignore=tests/addons 2>&1 | tee "$PYTEST_LOG"
read -r py_passed py_failed < <("$PYTHON" - "$PYTEST_LOG" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
last = [line for line in text if re.search(r"\d+ (passed|failed|error)", line)]
line = last[-1] if last else ""
get = lambda word: sum(int(n) for n in re.findall(r"(\d+) " + word, line))
print(get("passed"), get("failed") + get("error"))
PY
)
if [ "$py_passed" -eq 0 ] && [ "$py_failed" -eq 0 ]; then
    echo "FAILED: pytest ran no test"; failed=$((failed + 1))
fi
passed=$((passed + py_passed))
failed=$((failed + py_failed))
summary
