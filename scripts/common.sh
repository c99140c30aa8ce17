# Shared by run.sh and test.sh: find Odoo 18 and PostgreSQL, or say clearly why not.
PYTHON=${PYTHON:-python3}
ADDONS=${ADDONS:-meter_management,meter_management_reports}
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { printf 'ERROR: %s\n' "$*" >&2; exit 2; }

check_odoo() {
    local out
    if ! out=$("$PYTHON" -c 'import odoo.release as r; print(r.version_info[0])' 2>&1); then
        die "Odoo 18 is not importable by '$PYTHON' ($out). Install Odoo 18.0 Community from source (pip install -e <odoo-source>) or set PYTHON to the interpreter that has it."
    fi
    [ "$out" = "18" ] || die "'$PYTHON' imports Odoo $out, not Odoo 18."
    # Odoo's own add-ons: from the installed package (source install: <odoo-source>/addons)
    ODOO_ADDONS_PATH=${ODOO_ADDONS_PATH:-$("$PYTHON" -c 'import os, odoo; root = os.path.dirname(os.path.dirname(odoo.__file__)); print(",".join(p for p in (os.path.join(root, "addons"), os.path.join(root, "odoo", "addons")) if os.path.isdir(p)))')}
    # MM_EXTRA_ADDONS_PATH: the test-only add-ons (tests/addons), for the runs that install them
    ADDONS_PATH="$REPO_DIR${MM_EXTRA_ADDONS_PATH:+,$MM_EXTRA_ADDONS_PATH},$ODOO_ADDONS_PATH"
}

db_args() {
    DB_ARGS=()
    [ -n "${DB_HOST:-}" ] && DB_ARGS+=(--db_host "$DB_HOST")
    [ -n "${DB_PORT:-}" ] && DB_ARGS+=(--db_port "$DB_PORT")
    [ -n "${DB_USER:-}" ] && DB_ARGS+=(--db_user "$DB_USER")
    [ -n "${DB_PASSWORD:-}" ] && DB_ARGS+=(--db_password "$DB_PASSWORD")
    PSQL_ARGS=()
    [ -n "${DB_HOST:-}" ] && PSQL_ARGS+=(-h "$DB_HOST")
    [ -n "${DB_PORT:-}" ] && PSQL_ARGS+=(-p "$DB_PORT")
    [ -n "${DB_USER:-}" ] && PSQL_ARGS+=(-U "$DB_USER")
    return 0
}

check_postgres() {
    db_args
    if ! pg_isready -q "${PSQL_ARGS[@]}" 2>/dev/null; then
        if [ -z "${DB_HOST:-}" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
            echo "PostgreSQL is not answering; starting the local cluster..."
            for version in $(ls /etc/postgresql 2>/dev/null); do
                pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start || true
            done
            for _ in $(seq 1 20); do pg_isready -q "${PSQL_ARGS[@]}" && break; sleep 1; done
        fi
        pg_isready -q "${PSQL_ARGS[@]}" || die "PostgreSQL is unreachable (pg_isready ${PSQL_ARGS[*]}). Start it or set DB_HOST/DB_PORT/DB_USER."
    fi
}
