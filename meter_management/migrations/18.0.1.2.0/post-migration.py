"""18.0.1.2.0.

- Stores whose role was set before get what their role now gives them: the installation,
  removal and laboratory operation types (and their sequences), the locations a role needs, a
  laboratory's receptions ending in its queue; all through the warehouse's own hooks, as when
  the role is set.
- Registers keep their audit columns again: the web client's check of concurrent edits reads
  ``write_date``. The ORM re-creates the columns empty; registers made before take their
  meter's dates and users.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    warehouses = (
        env["stock.warehouse"].with_context(active_test=False).search([("meter_role", "!=", False)])
    )
    for warehouse in warehouses:
        warehouse._create_missing_locations({})
        warehouse._update_meter_role()
        new_types = warehouse._create_or_update_sequences_and_picking_types()
        if new_types:
            warehouse.write(new_types)
    cr.execute(
        SQL(
            """
            UPDATE meter_register reg
               SET create_uid = lot.create_uid, create_date = lot.create_date,
                   write_uid = lot.write_uid, write_date = lot.write_date
              FROM stock_lot lot
             WHERE lot.id = reg.lot_id AND reg.write_date IS NULL
            """
        )
    )
