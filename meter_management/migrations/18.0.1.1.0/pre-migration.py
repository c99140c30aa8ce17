"""Leaner meter rows for bulk registration (18.0.1.1.0).

- ``meter.register`` no longer stores its company (its meter's) nor audit columns: drop the
  columns, their foreign keys and indexes go with them.
- ``is_meter``, ``meter_state`` and ``meter_register.lot_id`` lose their own index (the
  registry only logs an index it no longer expects, and keeps it).
- Three ``stock.lot`` indexes become partial (``btree_not_null``), and the index on
  ``(meter_state, meter_warehouse_id)`` now serves every search on the state (partial on
  ``meter_state IS NOT NULL`` instead of ``is_meter``): drop them so that they are created
  anew under the same names.
"""

from odoo.tools import SQL

OBSOLETE_INDEXES = (
    "stock_lot__is_meter_index",
    "stock_lot__meter_state_index",
    "meter_register__lot_id_index",
    "stock_lot__meter_next_calibration_date_index",
    "stock_lot__meter_calibration_due_month_index",
    "stock_lot__meter_use_type_id_index",
    "stock_lot_meter_state_warehouse_idx",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "ALTER TABLE meter_register DROP COLUMN IF EXISTS company_id, "
            "DROP COLUMN IF EXISTS create_uid, DROP COLUMN IF EXISTS create_date, "
            "DROP COLUMN IF EXISTS write_uid, DROP COLUMN IF EXISTS write_date"
        )
    )
    for name in OBSOLETE_INDEXES:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
