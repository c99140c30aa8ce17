"""Readings import: ours (COPY + set-based consumption) next to Odoo's standard import (load)."""

import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

from odoo import Command

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import print_row

REPO = Path(__file__).resolve().parent.parent.parent
READINGS, QUICK_READINGS = 1000000, 50000
LOAD_ROWS, QUICK_LOAD_ROWS = 10000, 1000
MONTHS = 12


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_readings", REPO / "data" / "generate_readings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _setup(env, meters):
    """Meter types, the meters of the file registered in a store, and one service point
    with one installation per meter (set-based SQL, as a conversion campaign would)."""
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    warehouse.meter_role = "central"
    single = env["product.product"].create(
        {
            "name": "Benchmark residential meter",
            "is_meter": True,
            "meter_register_template_ids": [
                Command.create({"register_type": "active", "digits": 5, "decimals": 1})
            ],
        }
    )
    ct = env["product.product"].create(
        {
            "name": "Benchmark CT meter",
            "is_meter": True,
            "meter_ct_primary": 200,
            "meter_ct_secondary": 5,
            "meter_register_template_ids": [
                Command.create({"register_type": kind, "digits": 3 if kind == "demand" else 5})
                for kind in ("active", "reactive", "demand")
            ],
        }
    )
    Lot = env["stock.lot"]
    for product, kind in ((single, "single"), (ct, "ct")):
        numbers = [number for number, meter_kind in meters if meter_kind == kind]
        group = env["meter.group"].create({"name": f"Benchmark {kind}", "product_id": product.id})
        Lot._register_meters_in_store(product, numbers, warehouse, group)
    env.flush_all()
    cr = env.cr
    cr.execute(
        """
        WITH points AS (
            INSERT INTO meter_service_point (name, company_id, active, meter_capacity,
                                             contract_ref, create_uid, create_date, write_uid, write_date)
            SELECT 'BSP' || lot.name, lot.company_id, TRUE, 1, 'C' || lot.name,
                   1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
              FROM stock_lot lot WHERE lot.is_meter AND lot.name LIKE 'SU%%'
            RETURNING id, contract_ref, company_id
        ), installations AS (
            INSERT INTO meter_installation (service_point_id, lot_id, company_id, date_from,
                                            state, create_uid, create_date, write_uid, write_date)
            SELECT p.id, lot.id, p.company_id, '2024-12-31 00:00:00', 'installed',
                   1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
              FROM points p JOIN stock_lot lot ON 'C' || lot.name = p.contract_ref AND lot.is_meter
            RETURNING lot_id, service_point_id
        )
        UPDATE stock_lot lot SET meter_service_point_id = i.service_point_id
          FROM installations i WHERE lot.id = i.lot_id
        """
    )
    cr.execute("ANALYZE stock_lot, meter_register, meter_installation, meter_service_point")
    env.invalidate_all()


def _count(env):
    env.cr.execute(
        "SELECT count(*), count(anomaly), count(*) FILTER (WHERE rollover) FROM meter_reading"
    )
    return env.cr.fetchone()


def run_ours(env, path):
    start = time.perf_counter()
    with open(path, encoding="utf-8") as stream:
        result = env["meter.reading"]._import_readings_csv(stream, keep_valid=False)
    env.flush_all()
    return time.perf_counter() - start, result


def run_load(env, rows):
    """Odoo's standard CSV import calls ``Model.load()`` with the file's columns."""
    start = time.perf_counter()
    result = env["meter.reading"].load(
        ["lot_id", "register_type", "reading_date", "value", "reader_code"],
        [list(row) for row in rows],
    )
    env.flush_all()
    return time.perf_counter() - start, result


def run(env, args):
    generator = _generator()
    total = QUICK_READINGS if args.quick else READINGS
    load_rows = QUICK_LOAD_ROWS if args.quick else LOAD_ROWS
    meters = generator.plan_meters(total, MONTHS)
    start = time.perf_counter()
    _setup(env, meters)
    print(
        f"  setup: {len(meters):,} meters registered and installed in {time.perf_counter() - start:.1f} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "readings.csv")
        start = time.perf_counter()
        generator.write_csv(path, total, MONTHS)
        print(f"  generated {total:,} readings in {time.perf_counter() - start:.1f} s ({path})")
        small_rows = list(generator.generate_rows(meters, MONTHS, limit=load_rows))
        small = os.path.join(tmp, "small.csv")
        with open(small, "w", encoding="utf-8") as handle:
            handle.write(",".join(generator.HEADER) + "\n")
            handle.writelines(",".join(row) + "\n" for row in small_rows)

        # the same first rows through both paths, each on an empty table (rolled back)
        env.cr.execute("SAVEPOINT bench_readings_small")
        load_s, load_result = run_load(env, small_rows)
        errors = [m for m in load_result["messages"] if m.get("type") == "error"]
        print_row(f"stock Odoo: Model.load() ({load_rows:,})", load_rows, load_s, unit="readings")
        load_figures = _figures(env)
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_readings_small")
        env.invalidate_all(flush=False)
        ours_small_s, _result = run_ours(env, small)
        print_row(
            f"ours: COPY + set-based ({load_rows:,})", load_rows, ours_small_s, unit="readings"
        )
        ours_figures = _figures(env)
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_readings_small")
        env.invalidate_all(flush=False)
        print(
            f"  ratio: {load_s / ours_small_s:,.0f}x faster; load() errors: {len(errors)}; "
            f"same consumption figures: {load_figures == ours_figures}",
            flush=True,
        )

        # the machine's reference: COPY alone of the same file into a temporary table
        env.cr.execute("SAVEPOINT bench_readings_copy")
        start = time.perf_counter()
        env.cr.execute(
            "CREATE TEMPORARY TABLE bench_copy (meter_number text, register_type text, "
            "reading_date text, value text, reader_code text)"
        )
        with open(path, encoding="utf-8") as stream:
            env.cr.copy_expert("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER)", stream)
        print_row(
            f"reference: COPY alone ({total:,})", total, time.perf_counter() - start, unit="rows"
        )
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_readings_copy")

        seconds, result = run_ours(env, path)
        print_row(
            f"ours: COPY + set-based ({total:,})", result["created"], seconds, unit="readings"
        )
        count, anomalies, rollovers = _count(env)
        print(
            f"  saved {count:,} readings ({result['rejected']} refused), {rollovers:,} rollovers, "
            f"{anomalies:,} anomalies flagged",
            flush=True,
        )
        found = ", ".join(f"{code} {n:,}" for code, n in sorted(result["anomalies"].items()))
        print(f"  anomalies found per type (every rule on): {found or 'none'}", flush=True)


def _figures(env):
    """The consumption figures of every reading, by meter, register and date."""
    env.flush_all()
    env.cr.execute(
        """
        SELECT lot.name, r.register_type, r.reading_date, r.value::float, r.units::float,
               r.consumption::float, r.rollover, r.anomaly
          FROM meter_reading r
          JOIN meter_installation inst ON inst.id = r.installation_id
          JOIN stock_lot lot ON lot.id = inst.lot_id
         ORDER BY 1, 2, 3, r.id
        """
    )
    return env.cr.fetchall()
