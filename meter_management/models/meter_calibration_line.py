from odoo import api, fields, models

from ..tools.calibration import within_tolerance
from .meter_type_register import REGISTER_TYPES


class MeterCalibrationLine(models.Model):
    """The measured error of one register in one calibration."""

    _name = "meter.calibration.line"
    _description = "Meter Calibration Register Result"
    _order = "calibration_id, sequence, id"

    calibration_id = fields.Many2one(
        "meter.calibration", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="calibration_id.company_id", store=True)
    register_id = fields.Many2one("meter.register", string="Register", ondelete="set null")
    sequence = fields.Integer(related="register_id.sequence", store=True)
    register_type = fields.Selection(
        REGISTER_TYPES, compute="_compute_register_type", store=True, readonly=False
    )
    as_found_error = fields.Float(
        string="As Found (%)", digits=(6, 3), help="Error before any adjustment."
    )
    as_left_error = fields.Float(
        string="As Left (%)", digits=(6, 3), help="Error after adjustment; decides the result."
    )
    result = fields.Selection(
        [("pass", "Pass"), ("fail", "Fail")], compute="_compute_line_result", store=True
    )

    @api.depends("register_id")
    def _compute_register_type(self):
        for line in self:
            line.register_type = line.register_id.register_type or line.register_type

    @api.depends("as_left_error", "calibration_id.tolerance")
    def _compute_line_result(self):
        for line in self:
            ok = within_tolerance(line.as_left_error, line.calibration_id.tolerance)
            line.result = "pass" if ok else "fail"
