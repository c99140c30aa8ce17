from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    meter_max_range_quantity = fields.Integer(
        related="company_id.meter_max_range_quantity", readonly=False
    )
