#!/usr/bin/env bash
# make run: a database with both add-ons and the demo utility, then the server.
set -euo pipefail
source "$(dirname "$0")/common.sh"
DB=${1:-meter_demo}
PORT=${2:-8069}
check_odoo
check_postgres
cd "$REPO_DIR"
if ! psql "${PSQL_ARGS[@]}" -lqt | cut -d'|' -f1 | grep -qw "$DB"; then
    echo "Creating database $DB with $ADDONS and demo data (about two minutes)..."
    "$PYTHON" -m odoo -d "$DB" "${DB_ARGS[@]}" --addons-path="$ADDONS_PATH" -i "$ADDONS" \
        --stop-after-init --log-level=warn
    # Odoo's own data gives the administrator the login admin / admin
else
    echo "Reusing database $DB (drop it to start afresh: dropdb $DB)."
    "$PYTHON" -m odoo -d "$DB" "${DB_ARGS[@]}" --addons-path="$ADDONS_PATH" -u "$ADDONS" \
        --stop-after-init --log-level=warn
fi
echo "Odoo is starting on http://localhost:$PORT (login admin / admin)."
exec "$PYTHON" -m odoo -d "$DB" "${DB_ARGS[@]}" --addons-path="$ADDONS_PATH" --http-port="$PORT" \
    --db-filter="^$DB\$"
