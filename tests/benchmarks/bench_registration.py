"""Registration of meter ranges: ours next to stock Odoo's receipt with generated serials."""

import resource
import sys
import time
from pathlib import Path

from odoo import Command

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import clean_slate, median_summary, print_row, valuation_records, value_meters

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
    value_meters(env, product)
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
    records = {"move_lines": lines, "lots": lots, "quants_in_store": quants, "state": picking.state}
    valuation = valuation_records(env, picking)
    if valuation is not None:
        records["valuation (layers, quantity, value, journal items)"] = valuation
    return records


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


def _rss_mb():
    """Resident memory of this process now, in MB (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _measure(env, path, size, first):
    """One run of ``path`` from a clean slate: ``(seconds, records it left)``."""
    warehouse, product = _setup(env)
    env.flush_all()
    seconds, picking = path(env, warehouse, product, first, size)
    records = _records(env, picking)
    clean_slate(env)
    return seconds, records


def run(env, args):
    """Each size: ``--repeat`` runs of ours and of stock Odoo's path, alternating, each from
    the same clean database; every run is printed and the medians are compared."""
    sizes = QUICK_SIZES if args.quick else SIZES
    repeat = max(args.repeat, 1)
    clean_slate(env)
    print(f"  {'path':<48} {'count':>9}   ({repeat} runs of each side per size, median compared)")
    for size in sizes:
        if size > STOCK_MAX:
            rss_before = _rss_mb()
            ours_s, ours_records = _measure(env, run_ours, size, "10000000")
            print_row(f"ours: range registration ({size:,})", size, ours_s)
            print(
                f"  {'stock Odoo: receipt + Generate Serials':<48} not run above {STOCK_MAX:,}: "
                "at the rates measured for the smaller sizes it would take tens of minutes"
            )
            print(
                f"  records left by ours: {ours_records}; process memory {rss_before:,.0f} MB "
                f"before, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB",
                flush=True,
            )
            continue
        ours_runs, stock_runs, same = [], [], True
        for _attempt in range(repeat):
            ours_s, ours_records = _measure(env, run_ours, size, "10000000")
            print_row(f"ours: range registration ({size:,})", size, ours_s)
            stock_s, stock_records = _measure(env, run_stock, size, "S10000000")
            print_row(f"stock Odoo: receipt + Generate Serials ({size:,})", size, stock_s)
            if ours_records != stock_records:
                same = False
                print(f"  DIFFERENT RECORDS: ours {ours_records} vs stock {stock_records}")
            ours_runs.append(ours_s)
            stock_runs.append(stock_s)
        print(
            f"  median of {repeat}: {median_summary(size, ours_runs, stock_runs)}; "
            f"same records: {same} {ours_records}",
            flush=True,
        )
