"""Registration of meter ranges: ours next to stock Odoo's receipt with generated serials."""

import sys
import time
from pathlib import Path

from odoo import Command

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import print_row

SIZES = (1000, 10000, 100000)
QUICK_SIZES = (1000, 5000)
STOCK_MAX = 10000  # Odoo's own path at 100,000: about 25 minutes here, and its lot create recurses


def _setup(env):
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    warehouse.meter_role = "central"
    product = env["product.product"].create(
        {
            "name": "Benchmark CT meter",
            "is_meter": True,
            "meter_ct_primary": 200,
            "meter_ct_secondary": 5,
            "meter_register_template_ids": [
                Command.create({"register_type": kind, "digits": 6})
                for kind in ("active", "reactive", "demand")
            ],
        }
    )
    return warehouse, product


def _records(env, picking):
    """What a receipt left: move lines with a lot, quants per lot in the store, state."""
    env.flush_all()
    env.cr.execute(
        """
        SELECT count(*), count(DISTINCT sml.lot_id),
               (SELECT count(*) FROM stock_quant q
                 WHERE q.lot_id IN (SELECT lot_id FROM stock_move_line WHERE picking_id = %(p)s)
                   AND q.location_id = %(dest)s AND q.quantity = 1)
          FROM stock_move_line sml WHERE sml.picking_id = %(p)s AND sml.state = 'done'
        """,
        {"p": picking.id, "dest": picking.location_dest_id.id},
    )
    lines, lots, quants = env.cr.fetchone()
    return {"move_lines": lines, "lots": lots, "quants_in_store": quants, "state": picking.state}


def run_ours(env, warehouse, product, first, count):
    start = time.perf_counter()
    result = env["meter.range.registration"].register_range(
        {
            "product_id": product.id,
            "first_number": first,
            "quantity": count,
            "warehouse_id": warehouse.id,
        }
    )
    env.flush_all()
    seconds = time.perf_counter() - start
    return seconds, env["stock.picking"].browse(result["picking_id"])


def run_stock(env, warehouse, product, first, count):
    """Odoo 18's own path: a receipt, "Generate Serials" on its move, validated."""
    start = time.perf_counter()
    picking_type = warehouse.in_type_id
    picking = env["stock.picking"].create(
        {
            "picking_type_id": picking_type.id,
            "location_id": picking_type.default_location_src_id.id,
            "location_dest_id": warehouse.lot_stock_id.id,
            "move_ids": [
                Command.create(
                    {
                        "name": product.name,
                        "product_id": product.id,
                        "product_uom_qty": count,
                        "product_uom": product.uom_id.id,
                        "location_id": picking_type.default_location_src_id.id,
                        "location_dest_id": warehouse.lot_stock_id.id,
                    }
                )
            ],
        }
    )
    picking.action_confirm()
    move = picking.move_ids
    move.move_line_ids.unlink()
    move._generate_serial_numbers(first, count)
    picking.move_ids.picked = True
    picking.with_context(skip_backorder=True).button_validate()
    env.flush_all()
    return time.perf_counter() - start, picking


def run(env, args):
    warehouse, product = _setup(env)
    sizes = QUICK_SIZES if args.quick else SIZES
    print(f"  {'path':<48} {'count':>9}")
    for index, size in enumerate(sizes):
        ours_s, ours_picking = run_ours(env, warehouse, product, f"{index + 1}{0:07d}", size)
        print_row(f"ours: range registration ({size:,})", size, ours_s)
        ours_records = _records(env, ours_picking)
        if size > STOCK_MAX:
            print(
                f"  {'stock Odoo: receipt + Generate Serials':<48} not run above {STOCK_MAX:,}: "
                "at the rates measured for the smaller sizes it would take tens of minutes"
            )
            print(f"  records left by ours: {ours_records}")
            continue
        stock_s, stock_picking = run_stock(env, warehouse, product, f"S{index + 1}{0:07d}", size)
        print_row(f"stock Odoo: receipt + Generate Serials ({size:,})", size, stock_s)
        stock_records = _records(env, stock_picking)
        same = ours_records == stock_records
        print(
            f"  ratio ours / stock: {stock_s / ours_s:,.1f}x faster; same records: {same} "
            f"{ours_records}" + ("" if same else f" vs {stock_records}"),
            flush=True,
        )
