from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    meter_max_range_quantity = fields.Integer(
        string="Maximum meters per registration",
        default=100000,
        help="Largest number of meters one range registration may create.",
    )
