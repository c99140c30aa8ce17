from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    meter_max_range_quantity = fields.Integer(
        related="company_id.meter_max_range_quantity", readonly=False
    )
    meter_rollover_max_percent = fields.Float(
        related="company_id.meter_rollover_max_percent", readonly=False
    )
    meter_calibration_horizon_days = fields.Integer(
        related="company_id.meter_calibration_horizon_days", readonly=False
    )
    meter_calibration_auto_dispatch = fields.Boolean(
        related="company_id.meter_calibration_auto_dispatch", readonly=False
    )
    meter_calibration_laboratory_id = fields.Many2one(
        related="company_id.meter_calibration_laboratory_id", readonly=False
    )
    meter_calibration_responsible_id = fields.Many2one(
        related="company_id.meter_calibration_responsible_id", readonly=False
    )
    meter_recertification_years = fields.Integer(
        related="company_id.meter_recertification_years", readonly=False
    )
