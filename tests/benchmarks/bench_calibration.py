"""Calibration: the "waiting for calibration" inquiry and the daily flagging over many meters."""

import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from freezegun import freeze_time

from odoo import Command, fields, sql_db
from odoo.tools import SQL

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import print_row

SIZE = 1_000_000
QUICK_SIZE = 20_000
STORES = 5
USE_TYPES = 4
LAB_SHARE = 100  # one meter in 100 waits in the laboratory
INQUIRY_RUNS = 15
INQUIRY_BUDGET_MS = 50.0


def _setup(env):
    Warehouse = env["stock.warehouse"]
    company = env["res.company"].create({"name": "Calibration Benchmark Utility"})
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env.user.company_ids |= company
    stores = Warehouse.with_env(env).create(
        [
            {
                "name": f"Bench store {i}",
                "code": f"BS{i}",
                "meter_role": "regional",
                "company_id": company.id,
            }
            for i in range(STORES)
        ]
    )
    lab = Warehouse.with_env(env).create(
        {
            "name": "Bench laboratory",
            "code": "BLAB",
            "meter_role": "laboratory",
            "company_id": company.id,
        }
    )
    use_types = env["meter.use.type"].create(
        [
            {"name": f"Bench use {i}", "code": f"BU{i}", "company_id": company.id}
            for i in range(USE_TYPES)
        ]
    )
    product = env["product.product"].create(
        {
            "name": "Benchmark single-phase meter",
            "is_meter": True,
            "meter_calibration_validity_months": 96,
            "meter_accuracy_class": "1",
            "meter_register_template_ids": [
                Command.create({"register_type": "active", "digits": 6})
            ],
        }
    )
    return env, company, stores, lab, use_types, product


def _make_meters(env, size, company, stores, lab, use_types, product):
    """Meters spread over the stores and types of use, due dates over ten years, one in a
    hundred waiting in the laboratory since a day of 2026 (set-based SQL)."""
    cr = env.cr
    cr.execute(
        """
        INSERT INTO stock_lot (name, product_id, product_uom_id, company_id, location_id, is_meter,
                               meter_use_type_id, meter_state, meter_warehouse_id,
                               meter_last_calibration_date, meter_last_calibration_result,
                               meter_next_calibration_date, meter_calibration_due_month,
                               meter_calibration_status, create_uid, create_date, write_uid, write_date)
        SELECT 'CB' || lpad(g::text, 8, '0'), %(product)s, %(uom)s, %(company)s,
               CASE WHEN g %% %(lab_share)s = 0 THEN %(lab_queue)s
                    ELSE (%(store_locations)s::int[])[1 + g %% %(stores)s] END,
               TRUE, (%(use_types)s::int[])[1 + (g / 7) %% %(n_use)s],
               CASE WHEN g %% %(lab_share)s = 0 THEN 'laboratory' ELSE 'store' END,
               CASE WHEN g %% %(lab_share)s = 0 THEN %(lab)s
                    ELSE (%(store_ids)s::int[])[1 + g %% %(stores)s] END,
               due - interval '96 months', 'pass', due, date_trunc('month', due)::date, 'valid',
               1, now(), 1, now()
          FROM generate_series(1, %(size)s) AS g
         CROSS JOIN LATERAL (SELECT (date '2022-01-01' + (g::bigint * 7919 %% 3653)::int)::date AS due) d
        """,
        {
            "product": product.id,
            "uom": product.uom_id.id,
            "company": company.id,
            "lab_share": LAB_SHARE,
            "lab_queue": lab.meter_lab_queue_location_id.id,
            "lab": lab.id,
            "store_locations": stores.mapped("lot_stock_id").ids,
            "store_ids": stores.ids,
            "stores": STORES,
            "use_types": use_types.ids,
            "n_use": USE_TYPES,
            "size": size,
        },
    )
    # the arrival in the laboratory: a done move line into its queue
    cr.execute(
        """
        INSERT INTO stock_move_line (company_id, product_id, product_uom_id, lot_id, location_id,
                                     location_dest_id, state, quantity, quantity_product_uom, picked, date,
                                     create_uid, create_date, write_uid, write_date)
        SELECT lot.company_id, lot.product_id, lot.product_uom_id, lot.id, %(src)s, lot.location_id,
               'done', 1, 1, TRUE, timestamp '2026-01-01 08:00' + (lot.id %% 365) * interval '1 day',
               1, now(), 1, now()
          FROM stock_lot lot
         WHERE lot.company_id = %(company)s AND lot.meter_state = 'laboratory'
        """,
        {"src": stores[0].lot_stock_id.id, "company": company.id},
    )
    cr.execute(
        """
        UPDATE stock_lot SET meter_lab_arrival_date = (date '2026-01-01' + (id %% 365))
         WHERE company_id = %(company)s AND meter_state = 'laboratory'
        """,
        {"company": company.id},
    )
    cr.execute("ANALYZE stock_lot, stock_move_line")


def _time_inquiry(env, label, vals):
    """The inquiry as the screen and the printed report ask it: numbers per month."""
    wizard = env["meter.calibration.queue.wizard"].create({"year": 2026, **vals})
    report = env["meter.calibration.queue.report"]
    domain = wizard._get_domain()
    timings = []
    sql_timings = []
    rows = None
    for _run in range(INQUIRY_RUNS):
        env.invalidate_all()
        start = time.perf_counter()
        rows = wizard._get_month_rows()
        timings.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        report._read_group(domain, ["date:month"], ["forecast_count:sum", "waiting_count:sum"])
        sql_timings.append((time.perf_counter() - start) * 1000)
    env.cr.execute(
        SQL(
            "EXPLAIN SELECT date_trunc('month', date), sum(forecast_count), sum(waiting_count) "
            "FROM meter_calibration_queue_report WHERE %s GROUP BY 1",
            report._where_calc(domain).where_clause,
        )
    )
    scans = sorted(
        {
            line.strip().split("  (")[0].removeprefix("-> ").strip()
            for (line,) in env.cr.fetchall()
            if " on stock_lot" in line
        }
    )
    forecast = sum(row["forecast"] for row in rows)
    waiting = sum(row["waiting"] for row in rows)
    median = statistics.median(timings)
    verdict = "ok" if median < INQUIRY_BUDGET_MS else f"OVER {INQUIRY_BUDGET_MS:.0f} ms"
    print(
        f"  inquiry {label:<42} median {median:6.1f} ms (best {min(timings):5.1f}; "
        f"grouped query alone {statistics.median(sql_timings):5.1f} ms)  "
        f"{forecast:,} falling due, {waiting:,} waiting  {verdict}",
        flush=True,
    )
    print(f"      plan: {'; '.join(scans)}", flush=True)
    return median


def run(env, args):
    size = QUICK_SIZE if args.quick else SIZE
    env, company, stores, lab, use_types, product = _setup(env)
    start = time.perf_counter()
    _make_meters(env, size, company, stores, lab, use_types, product)
    print_row("meters made with set-based SQL", size, time.perf_counter() - start)
    # A real database has its visibility map set by autovacuum: without it no query reads an
    # index only. So this benchmark commits its meters, vacuums them, and deletes them at the
    # end (the runner's rollback cannot undo a commit).
    env.cr.commit()  # pylint: disable=invalid-commit
    try:
        _vacuum(env)
        _measure(env, company, stores, lab, use_types)
    finally:
        env.cr.rollback()
        _delete_meters(env, company)


def _vacuum(env):
    with sql_db.db_connect(env.cr.dbname).cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE stock_lot, stock_move_line")


def _delete_meters(env, company):
    start = time.perf_counter()
    cr = env.cr
    cr.execute("DELETE FROM stock_move_line WHERE company_id = %s", [company.id])
    cr.execute(
        "UPDATE stock_lot SET meter_calibration_notice_id = NULL WHERE company_id = %s",
        [company.id],
    )
    cr.execute("DELETE FROM meter_calibration_notice WHERE company_id = %s", [company.id])
    cr.execute("DELETE FROM stock_lot WHERE company_id = %s", [company.id])
    cr.commit()  # pylint: disable=invalid-commit
    print(f"  (benchmark meters deleted in {time.perf_counter() - start:.0f} s)", flush=True)


def _measure(env, company, stores, lab, use_types):

    _time_inquiry(
        env,
        "one store, one type of use",
        {
            "warehouse_ids": [Command.set(stores[:1].ids)],
            "use_type_ids": [Command.set(use_types[:1].ids)],
        },
    )
    _time_inquiry(
        env,
        "two stores + laboratory, two types of use",
        {
            "warehouse_ids": [Command.set((stores[:2] | lab).ids)],
            "use_type_ids": [Command.set(use_types[:2].ids)],
        },
    )
    _time_inquiry(env, "every store and type of use", {})

    Notice = env["meter.calibration.notice"]
    env.flush_all()
    env.cr.execute("SELECT count(*) FROM stock_lot WHERE is_meter")
    all_meters = env.cr.fetchone()[0]
    start = time.perf_counter()
    done = Notice._cron_flag_calibration_due()
    env.flush_all()
    elapsed = time.perf_counter() - start
    print_row("daily calibration flagging (cron)", done, elapsed)
    notices = Notice.search([("company_id", "=", company.id)])
    print(
        f"  {all_meters:,} meters checked; {sum(notices.mapped('meter_count')):,} newly due in "
        f"{len(notices)} notices, {len(notices.activity_ids)} activities",
        flush=True,
    )
    start = time.perf_counter()
    again = Notice._cron_flag_calibration_due()
    print_row("rerun the same day (nothing to do)", again, time.perf_counter() - start)
    tomorrow = fields.Date.context_today(Notice) + timedelta(days=1)
    start = time.perf_counter()  # freezegun stops the clocks inside: time around it
    with freeze_time(f"{tomorrow} 02:00:00"):
        done = Notice._cron_flag_calibration_due()
        env.flush_all()
    elapsed = time.perf_counter() - start
    print_row("the next day's run (what changed status)", done, elapsed)
