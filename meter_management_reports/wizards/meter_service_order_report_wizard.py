from odoo import fields, models
from odoo.addons.meter_management.models.meter_service_order import SERVICE_ORDER_TYPES


class MeterServiceOrderReportWizard(models.TransientModel):
    """Print or analyse the service orders raised in a period."""

    _name = "meter.service.order.report.wizard"
    _inherit = "meter.field.work.report.mixin"
    _description = "Print Service Orders"
    _records_model = "meter.service.order"
    _report_xmlid = "meter_management_reports.action_report_meter_service_orders"
    _analysis_xmlid = "meter_management.meter_service_order_action"

    order_type = fields.Selection(SERVICE_ORDER_TYPES, string="Type")
    user_ids = fields.Many2many("res.users", string="Technicians")
    stage_ids = fields.Many2many("meter.service.order.stage", string="Stages")

    def _get_domain(self):
        self.ensure_one()
        start, end = self._get_period_bounds()
        domain = [("create_date", ">=", start), ("create_date", "<", end)]
        if self.order_type:
            domain.append(("order_type", "=", self.order_type))
        if self.user_ids:
            domain.append(("user_id", "in", self.user_ids.ids))
        if self.stage_ids:
            domain.append(("stage_id", "in", self.stage_ids.ids))
        return domain

    def _get_criteria(self):
        self.ensure_one()
        return self.env._(
            "Period: %(date_from)s – %(date_to)s; technicians: %(users)s",
            date_from=self.date_from,
            date_to=self.date_to,
            users=", ".join(self.user_ids.mapped("name")) or self.env._("all"),
        )

    def _get_nothing_message(self):
        return self.env._("No service order matches these criteria.")
