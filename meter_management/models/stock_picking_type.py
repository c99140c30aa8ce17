from odoo import fields, models

METER_MOVEMENT_KINDS = [
    ("receipt", "Received from supplier"),
    ("dispatch", "Sent"),
    ("reception", "Received from store"),
    ("rejection", "Rejected"),
    ("return", "Returned to supplier"),
    ("installation", "Installed"),
    ("removal", "Removed"),
    ("laboratory", "Laboratory"),
    ("conversion", "Initial load"),
]


class StockPickingType(models.Model):
    _inherit = "stock.picking.type"

    meter_movement_kind = fields.Selection(
        METER_MOVEMENT_KINDS,
        index=True,
        help="The meter movement this operation type records; set on the operation types a "
        "store gets with its meter role.",
    )
