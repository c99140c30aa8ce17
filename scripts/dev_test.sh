#!/usr/bin/env bash
# Quick development loop (not CI): copy a template database that already has `stock`, install
# both add-ons with the given test tags, print the result. Usage:
#   scripts/dev_test.sh DB [TEST_TAGS]      e.g. scripts/dev_test.sh dev_mov /meter_management:TestMovement
# The template (MM_TEMPLATE_DB, default mm_base) is made once with:
#   python3 -m odoo -d mm_base -i stock --stop-after-init
set -uo pipefail
source "$(dirname "$0")/common.sh"
DB=$1
TAGS=${2:-/meter_management,/meter_management_reports}
TEMPLATE=${MM_TEMPLATE_DB:-mm_base}
check_odoo
check_postgres
dropdb --if-exists "$DB" >/dev/null 2>&1
createdb -T "$TEMPLATE" "$DB" || die "cannot copy template $TEMPLATE"
FILESTORE=${ODOO_DATA_DIR:-$HOME/.local/share/Odoo}/filestore
rm -rf "$FILESTORE/$DB"; [ -d "$FILESTORE/$TEMPLATE" ] && cp -r "$FILESTORE/$TEMPLATE" "$FILESTORE/$DB"
PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LOG=/tmp/dev_test_$DB.log
"$PYTHON" -m odoo -d "$DB" --addons-path="$ADDONS_PATH" -i "$ADDONS" --test-enable --test-tags="$TAGS" \
    --stop-after-init --http-port="$PORT" --log-level=test --max-cron-threads=0 >"$LOG" 2>&1
echo "exit $? (full log: $LOG)"
grep -E "(ERROR|CRITICAL|FAIL:|Traceback|tests when loading)" -A25 "$LOG" | grep -v "^--$" | head -${MM_DEV_LINES:-150}
