"""Stores whose role was set before 18.0.1.2.0 get what their role now gives them.

The installation, removal and laboratory operation types (and their sequences), the
locations a role needs, a laboratory's receptions ending in its queue: all through the
warehouse's own hooks, as when the role is set.
"""

from odoo import SUPERUSER_ID, api


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
