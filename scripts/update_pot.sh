#!/usr/bin/env bash
# make pot: regenerate i18n/<addon>.pot of both add-ons from the code, as Odoo exports them.
# A fresh database with both add-ons (and their demo data) is made, exported and dropped.
set -euo pipefail
source "$(dirname "$0")/common.sh"
check_odoo
check_postgres
cd "$REPO_DIR"
DB=meter_pot_$$
trap 'dropdb "${PSQL_ARGS[@]}" --if-exists "$DB" >/dev/null 2>&1 || true' EXIT
"$PYTHON" -m odoo -d "$DB" "${DB_ARGS[@]}" --addons-path="$ADDONS_PATH" -i "$ADDONS" \
    --stop-after-init --log-level=warn --max-cron-threads=0
for addon in ${ADDONS//,/ }; do
    mkdir -p "$addon/i18n"
    "$PYTHON" -m odoo -d "$DB" "${DB_ARGS[@]}" --addons-path="$ADDONS_PATH" --modules="$addon" \
        --i18n-export="$addon/i18n/$addon.pot" --stop-after-init --log-level=warn
    echo "$addon/i18n/$addon.pot: $(grep -c '^msgid "' "$addon/i18n/$addon.pot") terms"
done
