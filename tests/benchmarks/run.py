"""Benchmarks of the meter add-ons next to stock Odoo's own paths, in the same run.

    python3 tests/benchmarks/run.py [--db meter_bench] [--keep-db] [--only registration] [--quick]
                                     [--repeat 3] [--config plain stock_account]

For each configuration — both add-ons alone (``plain``, database ``meter_bench``) and with
Odoo's inventory accounting (``stock_account``, database ``meter_bench_sa``, meters valued at
average cost) — creates a fresh database (no demo data), then runs every ``bench_*.py``
module's ``run(env, args)`` in its own transaction, rolled back at the end, and prints the
figures. Not part of ``make test``: speed is measured here, not by timed tests.
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def addons_path():
    import odoo

    root = Path(odoo.__file__).resolve().parent.parent
    paths = [str(REPO)] + [
        str(p) for p in (root / "addons", root / "odoo" / "addons") if p.is_dir()
    ]
    return ",".join(paths)


CONFIGS = {
    "plain": ("", "meter_management,meter_management_reports"),
    "stock_account": ("_sa", "stock_account,meter_management,meter_management_reports"),
}


def create_database(db, keep, modules):
    exists = subprocess.run(["psql", "-lqt"], capture_output=True, text=True, check=True).stdout
    if keep and any(line.split("|")[0].strip() == db for line in exists.splitlines()):
        print(f"reusing database {db}")
        return
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    print(f"creating database {db} with {modules} ...", flush=True)
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            db,
            f"--addons-path={addons_path()}",
            "-i",
            modules,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
            "--max-cron-threads=0",
        ],
        check=True,
    )
    print(f"  done in {time.perf_counter() - start:.0f} s", flush=True)


def load_benchmarks(only):
    modules = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem[len("bench_") :]
        if only and name not in only:
            continue
        spec = importlib.util.spec_from_file_location(f"meter_bench_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append((name, module))
    return modules


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default=os.environ.get("MM_BENCH_DB", "meter_bench"))
    parser.add_argument("--keep-db", action="store_true", help="reuse the database if it exists")
    parser.add_argument("--only", nargs="*", help="benchmark names, e.g. registration movements")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each side per size where a benchmark compares them (median reported)",
    )
    parser.add_argument(
        "--config",
        nargs="*",
        choices=list(CONFIGS),
        default=list(CONFIGS),
        help="configurations to run, each on its own database (default: both)",
    )
    args = parser.parse_args()

    for config_name in args.config:
        suffix, modules = CONFIGS[config_name]
        create_database(args.db + suffix, args.keep_db, modules)

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config

    config.parse_config(["-d", args.db, f"--addons-path={addons_path()}", "--log-level=warn"])
    benchmarks = load_benchmarks(args.only)
    for config_name in args.config:
        db = args.db + CONFIGS[config_name][0]
        registry = odoo.modules.registry.Registry(db)
        print(f"\n##### configuration {config_name} (database {db})", flush=True)
        for name, module in benchmarks:
            print(
                f"\n=== {name} [{config_name}]: {(module.__doc__ or '').strip().splitlines()[0]}",
                flush=True,
            )
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                try:
                    module.run(env, args)
                finally:
                    cr.rollback()


if __name__ == "__main__":
    main()
