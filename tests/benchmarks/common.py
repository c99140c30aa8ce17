"""Small helpers shared by the benchmark modules."""

import statistics
import time
from contextlib import contextmanager

import psycopg2

from odoo.sql_db import connection_info_for

TOUCHED_TABLES = (
    "stock_lot",
    "meter_register",
    "meter_group",
    "stock_move_line",
    "stock_move",
    "stock_quant",
    "stock_picking",
    "product_template",
    "product_product",
    "mail_message",
    "stock_valuation_layer",
    "account_move",
    "account_move_line",
)


@contextmanager
def timer(result, key):
    """``with timer(figures, "ours"):`` stores the elapsed seconds in ``figures["ours"]``."""
    start = time.perf_counter()
    yield
    result[key] = time.perf_counter() - start


def rate(count, seconds):
    return count / seconds if seconds else float("inf")


def print_row(label, count, seconds, unit="meters"):
    print(
        f"  {label:<48} {count:>9,} {unit} in {seconds:8.2f} s = {rate(count, seconds):>11,.0f} {unit}/s",
        flush=True,
    )


def value_meters(env, product, cost=50.0):
    """With stock_account: value ``product`` at average cost ``cost``, with automated
    valuation when the company has a chart of accounts (its journal entries are made too)."""
    if "stock.valuation.layer" not in env:
        return
    automated = bool(env.company.chart_template)
    category = env["product.category"].create(
        {
            "name": "Benchmark meters (average cost)",
            "property_cost_method": "average",
            "property_valuation": "real_time" if automated else "manual_periodic",
        }
    )
    product.write({"categ_id": category.id, "standard_price": cost})


def valuation_records(env, pickings):
    """The valuation the pickings left: ``(layers, quantity, value, journal items)``; None
    without stock_account."""
    if "stock.valuation.layer" not in env:
        return None
    env.flush_all()
    env.cr.execute(
        """
        SELECT count(*), COALESCE(sum(svl.quantity), 0), COALESCE(sum(svl.value), 0),
               (SELECT count(*) FROM account_move_line aml
                 WHERE aml.move_id IN (SELECT account_move_id FROM stock_valuation_layer v
                                        JOIN stock_move m ON m.id = v.stock_move_id
                                       WHERE m.picking_id = ANY(%(p)s)))
          FROM stock_valuation_layer svl JOIN stock_move m ON m.id = svl.stock_move_id
         WHERE m.picking_id = ANY(%(p)s)
        """,
        {"p": pickings.ids},
    )
    return tuple(float(v) for v in env.cr.fetchone())


def clean_slate(env):
    """Roll the run back and VACUUM what it touched, so that the next run, ours or stock
    Odoo's, starts from the same database. Without it every run inherits the dead rows and the
    trigram index's pending list of the runs before it, which slows both sides (stock Odoo's
    10,000 went from 68 s to 125 s, measured)."""
    env.cr.rollback()
    env.invalidate_all(flush=False)
    _name, info = connection_info_for(env.cr.dbname)
    connection = psycopg2.connect(**info)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            # the valuation tables exist with stock_account only
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'",
                [list(TOUCHED_TABLES)],
            )
            tables = sorted(name for (name,) in cursor.fetchall())
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
    finally:
        connection.close()


def median_summary(count, ours_runs, stock_runs):
    """``ours s = rate/s, stock s = rate/s; ratio ..., pairs ...``: the medians of repeated runs
    of ours and stock Odoo's path, and the range of the ratios of each pair of runs."""
    ours, stock = statistics.median(ours_runs), statistics.median(stock_runs)
    ratios = [theirs / mine for theirs, mine in zip(stock_runs, ours_runs, strict=True)]
    return (
        f"ours {ours:.2f} s = {rate(count, ours):,.0f}/s, "
        f"stock {stock:.2f} s = {rate(count, stock):,.0f}/s; "
        f"ours is {stock / ours:,.1f} times as fast as stock Odoo "
        f"(pairs {min(ratios):,.1f}x to {max(ratios):,.1f}x)"
    )
