"""Dispatch of meters between stores: ours (range paste + validate) next to stock Odoo's transfer.

Ours: a dispatch from the central store to a regional store, the meters entered by pasting one
range ("M0000001-M0010000") and validated, which also creates the reception at the destination.
Stock Odoo: an internal transfer of as many serials from the same store to the same transit
location, one explicit lot line per serial (``stock.move.line.create``), validated.
Both leave the same stock records, checked after each run. Each run starts from the same
clean database, with the meters registered afresh (in the run's transaction, rolled back after).
"""

import sys
import time
from pathlib import Path

from odoo import Command

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    clean_slate,
    median_summary,
    print_row,
    valuation_records,
    value_meters,
)

SIZE = 10000
QUICK_SIZE = 1000


def _setup(env, count):
    company = env.company
    central = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    central.meter_role = "central"
    regional = env["stock.warehouse"].create(
        {"name": "Benchmark regional store", "code": "BREG", "meter_role": "regional"}
    )
    product = env["product.product"].create(
        {
            "name": "Benchmark single-phase meter",
            "is_meter": True,
            "meter_register_template_ids": [
                Command.create({"register_type": "active", "digits": 6})
            ],
        }
    )
    value_meters(env, product)
    for first in ("M0000001", "S0000001"):
        env["meter.range.registration"].register_range(
            {
                "product_id": product.id,
                "first_number": first,
                "quantity": count,
                "warehouse_id": central.id,
            }
        )
    env.flush_all()
    return central, regional, product


def run_ours(env, central, regional, count):
    dispatch_type = central.meter_dispatch_type_id
    figures = {}
    start = time.perf_counter()
    dispatch = env["stock.picking"].create(
        {
            "picking_type_id": dispatch_type.id,
            "location_id": dispatch_type.default_location_src_id.id,
            "location_dest_id": dispatch_type.default_location_dest_id.id,
            "meter_dest_warehouse_id": regional.id,
            "meter_paste": f"M0000001-M{count:07d}",
        }
    )
    dispatch.action_add_pasted_meters()
    env.flush_all()
    figures["enter"] = time.perf_counter() - start
    dispatch.button_validate()
    env.flush_all()
    figures["total"] = time.perf_counter() - start
    figures["validate"] = figures["total"] - figures["enter"]
    return figures, dispatch


def run_stock(env, central, product, count):
    """Odoo 18's own path: an internal transfer with one explicit lot line per serial."""
    figures = {}
    transit = env.company.internal_transit_location_id
    picking_type = central.int_type_id
    picking_type.active = True
    lots = env["stock.lot"].search(
        [("product_id", "=", product.id), ("name", "=like", "S%")], order="name"
    )
    picking = env["stock.picking"].create(
        {
            "picking_type_id": picking_type.id,
            "location_id": central.lot_stock_id.id,
            "location_dest_id": transit.id,
            "move_ids": [
                Command.create(
                    {
                        "name": product.display_name,
                        "product_id": product.id,
                        "product_uom_qty": count,
                        "product_uom": product.uom_id.id,
                        "location_id": central.lot_stock_id.id,
                        "location_dest_id": transit.id,
                    }
                )
            ],
        }
    )
    picking.action_confirm()
    # Odoo reserved serials of its choice at confirmation: enter the chosen ones instead
    picking.move_ids.move_line_ids.unlink()
    env.flush_all()
    start = time.perf_counter()
    env["stock.move.line"].create(
        [
            {
                "move_id": picking.move_ids.id,
                "picking_id": picking.id,
                "product_id": product.id,
                "lot_id": lot.id,
                "quantity": 1,
                "location_id": central.lot_stock_id.id,
                "location_dest_id": transit.id,
            }
            for lot in lots
        ]
    )
    env.flush_all()
    figures["enter"] = time.perf_counter() - start
    picking.button_validate()
    env.flush_all()
    figures["total"] = time.perf_counter() - start
    figures["validate"] = figures["total"] - figures["enter"]
    return figures, picking


def _records(env, picking):
    """What a transfer left: done lot lines, quants per lot at both ends, lots' location."""
    env.flush_all()
    env.cr.execute(
        """
        WITH lots AS (SELECT lot_id FROM stock_move_line WHERE picking_id = %(p)s AND state = 'done')
        SELECT (SELECT count(*) FROM lots),
               (SELECT count(*) FROM stock_quant q JOIN lots USING (lot_id)
                 WHERE q.location_id = %(dest)s AND q.quantity = 1),
               (SELECT count(*) FROM stock_quant q JOIN lots USING (lot_id)
                 WHERE q.location_id = %(src)s AND q.quantity = 0 AND q.reserved_quantity = 0),
               (SELECT count(*) FROM stock_quant q JOIN lots USING (lot_id)),
               (SELECT count(*) FROM stock_lot l JOIN lots ON lots.lot_id = l.id
                 WHERE l.location_id = %(dest)s),
               (SELECT array_agg(DISTINCT state) FROM stock_move WHERE picking_id = %(p)s)
        """,
        {"p": picking.id, "dest": picking.location_dest_id.id, "src": picking.location_id.id},
    )
    lines, dest_quants, emptied, quants, located, move_states = env.cr.fetchone()
    return {
        "done_lot_lines": lines,
        "quants_in_transit": dest_quants,
        "emptied_source_quants": emptied,
        "quants_of_these_lots": quants,
        "lots_located_in_transit": located,
        "move_states": move_states,
        "picking_state": picking.state,
        "valuation (layers, quantity, value, journal items)": valuation_records(env, picking),
    }


def _measure(env, count, side):
    """One run of ``side`` ("ours" or "stock") on freshly registered meters, then the slate
    cleaned: ``(figures, records it left, reception problem or None)``."""
    central, regional, product = _setup(env, count)
    problem = None
    if side == "ours":
        figures, picking = run_ours(env, central, regional, count)
        reception = picking.meter_arrival_ids
        if reception.state != "assigned" or len(reception.move_line_ids) != count:
            problem = f"the reception {reception.name} does not hold every dispatched meter"
        labels = (
            "ours: range paste (enter lines)",
            "ours: validate (+ reception created)",
            "ours: dispatch, entered and validated",
        )
    else:
        figures, picking = run_stock(env, central, product, count)
        labels = (
            "stock Odoo: explicit lot lines (enter)",
            "stock Odoo: validate",
            "stock Odoo: transfer, entered and validated",
        )
    for label, key in zip(labels, ("enter", "validate", "total"), strict=True):
        print_row(label, count, figures[key], "serials")
    records = _records(env, picking)
    clean_slate(env)
    return figures, records, problem


def run(env, args):
    """``--repeat`` runs of ours and of stock Odoo's transfer, alternating, each on meters
    registered afresh in the same clean database; the medians are compared."""
    count = QUICK_SIZE if args.quick else SIZE
    repeat = max(args.repeat, 1)
    clean_slate(env)
    print(
        f"  {count:,} meters of each of two ranges registered in the central store before each "
        f"run ({repeat} runs of each side, median compared)",
        flush=True,
    )
    ours_runs, stock_runs, problems = [], [], []
    for _attempt in range(repeat):
        ours, mine, problem = _measure(env, count, "ours")
        stock, theirs = _measure(env, count, "stock")[:2]
        if problem:
            problems.append(problem)
        if mine != theirs:
            problems.append(f"the dispatch left other records than stock Odoo: {mine} != {theirs}")
        ours_runs.append(ours["total"])
        stock_runs.append(stock["total"])
    print(
        f"  median of {repeat}: {median_summary(count, ours_runs, stock_runs)} (goal: at least 20)",
        flush=True,
    )
    print(f"  records left, ours:  {mine}", flush=True)
    print(f"  records left, stock: {theirs}", flush=True)
    if problems:
        raise AssertionError("; ".join(problems))
