from odoo import fields, models
from odoo.addons.meter_management.models.meter_anomaly import ANOMALY_STATES
from odoo.addons.meter_management.models.meter_anomaly_type import ANOMALY_SEVERITIES


class MeterAnomalyReportWizard(models.TransientModel):
    """Print or analyse the reading anomalies of a period."""

    _name = "meter.anomaly.report.wizard"
    _inherit = "meter.field.work.report.mixin"
    _description = "Print Reading Anomalies"
    _records_model = "meter.anomaly"
    _report_xmlid = "meter_management_reports.action_report_meter_anomalies"
    _analysis_xmlid = "meter_management.meter_anomaly_action"

    type_ids = fields.Many2many("meter.anomaly.type", string="Types")
    severity = fields.Selection(ANOMALY_SEVERITIES)
    state = fields.Selection(ANOMALY_STATES, string="Status")
    use_type_ids = fields.Many2many("meter.use.type", string="Types of Use")
    reader_id = fields.Many2one("res.users", string="Reader")

    def _get_domain(self):
        self.ensure_one()
        start, end = self._get_period_bounds()
        domain = [("reading_date", ">=", start), ("reading_date", "<", end)]
        if self.type_ids:
            domain.append(("type_id", "in", self.type_ids.ids))
        if self.severity:
            domain.append(("severity", "=", self.severity))
        if self.state:
            domain.append(("state", "=", self.state))
        if self.use_type_ids:
            domain.append(("service_point_id.use_type_id", "in", self.use_type_ids.ids))
        if self.reader_id:
            domain.append(("reader_id", "=", self.reader_id.id))
        return domain

    def _get_criteria(self):
        self.ensure_one()
        return self.env._(
            "Period: %(date_from)s – %(date_to)s; types: %(types)s",
            date_from=self.date_from,
            date_to=self.date_to,
            types=", ".join(self.type_ids.mapped("name")) or self.env._("all"),
        )

    def _get_nothing_message(self):
        return self.env._("No reading anomaly matches these criteria.")
