from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.meter_anomaly import ANOMALY_RESOLUTIONS


class MeterAnomalyResolve(models.TransientModel):
    """Resolve anomalies; a correction gives the reading its corrected value (the value
    read is kept) and resolves every open anomaly of that reading."""

    _name = "meter.anomaly.resolve"
    _description = "Resolve Reading Anomalies"

    anomaly_ids = fields.Many2many("meter.anomaly", required=True)
    resolution = fields.Selection(ANOMALY_RESOLUTIONS, required=True, default="confirmed")
    note = fields.Char(string="Why")
    reading_id = fields.Many2one("meter.reading", compute="_compute_reading_id")
    reading_value = fields.Float(related="reading_id.value", string="Value Read")
    corrected_value = fields.Float(digits=(16, 3))

    @api.depends("anomaly_ids")
    def _compute_reading_id(self):
        for wizard in self:
            readings = wizard.anomaly_ids.reading_id
            wizard.reading_id = readings if len(readings) == 1 else False

    def action_confirm(self):
        self.ensure_one()
        anomalies = self.anomaly_ids
        if self.resolution == "corrected":
            if not self.reading_id:
                raise UserError(self.env._("Correct the anomalies of one reading at a time."))
            self.reading_id._correct(self.corrected_value, self.note)
            anomalies |= self.reading_id.anomaly_ids.filtered(
                lambda anomaly: anomaly.state != "resolved"
            )
        anomalies._resolve(self.resolution, self.note)
        return {"type": "ir.actions.act_window_close"}
