from odoo import fields, models

METER_LOCATION_USAGES = [
    ("store", "Store"),
    ("laboratory", "Laboratory queue"),
    ("rejected", "Rejected meters"),
    ("installed", "Installed at service points"),
]


class StockLocation(models.Model):
    _inherit = "stock.location"

    meter_usage = fields.Selection(
        METER_LOCATION_USAGES,
        index=True,
        help="What a meter in this location is doing; it gives the meter's state.",
    )
