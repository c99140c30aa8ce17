from odoo import api, fields, models
from odoo.addons.meter_management.models.stock_picking_type import METER_MOVEMENT_KINDS
from odoo.exceptions import UserError, ValidationError


class MeterMovementReportWizard(models.TransientModel):
    """Print the meter movements between stores of a period."""

    _name = "meter.movement.report.wizard"
    _description = "Print Meter Movements between Stores"

    date_from = fields.Date(
        required=True,
        default=lambda self: self.env.company._meter_today().replace(day=1),
    )
    date_to = fields.Date(required=True, default=lambda self: self.env.company._meter_today())
    warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Stores",
        domain="[('meter_role', '!=', False)]",
        help="Movements from or to these stores; empty means all stores.",
    )
    include_receipt = fields.Boolean(string="Received from supplier", default=True)
    include_dispatch = fields.Boolean(string="Sent", default=True)
    include_reception = fields.Boolean(string="Received from store", default=True)
    include_rejection = fields.Boolean(string="Rejected", default=True)
    include_return = fields.Boolean(string="Returned to supplier", default=True)
    include_installation = fields.Boolean(string="Installed", default=True)
    include_removal = fields.Boolean(string="Removed", default=True)
    include_laboratory = fields.Boolean(string="Laboratory", default=True)
    include_conversion = fields.Boolean(string="Initial load", default=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period ends before it starts."))

    def _get_kinds(self):
        self.ensure_one()
        return [kind for kind, _label in METER_MOVEMENT_KINDS if self[f"include_{kind}"]]

    def _get_domain(self):
        """Domain on ``meter.movement.report`` of the chosen movements, in plain JSON values:
        the printed report receives it through the report URL (``data``)."""
        self.ensure_one()
        # the days of the period in the company's time zone
        start, end = self.env.company._meter_period_bounds(self.date_from, self.date_to)
        domain = [
            ("date", ">=", fields.Datetime.to_string(start)),
            ("date", "<", fields.Datetime.to_string(end)),
            ("kind", "in", self._get_kinds()),
        ]
        if self.warehouse_ids:
            domain += [
                "|",
                "|",
                ("from_warehouse_id", "in", self.warehouse_ids.ids),
                ("to_warehouse_id", "in", self.warehouse_ids.ids),
                ("store_id", "in", self.warehouse_ids.ids),
            ]
        return domain

    def _get_criteria(self):
        self.ensure_one()
        return self.env._(
            "Period: %(date_from)s – %(date_to)s; stores: %(stores)s",
            date_from=self.date_from,
            date_to=self.date_to,
            stores=", ".join(self.warehouse_ids.mapped("name")) or self.env._("all"),
        )

    def action_print(self):
        self.ensure_one()
        if not self._get_kinds():
            raise UserError(self.env._("Choose at least one kind of movement."))
        domain = self._get_domain()
        if not self.env["meter.movement.report"].search_count(domain, limit=1):
            raise UserError(self.env._("No meter movement matches these criteria."))
        # With ``data``, the web client prints through /report/pdf/<report>?options=<data>,
        # without record ids: the report finds its movements from the domain it carries.
        report = self.env.ref("meter_management_reports.action_report_meter_movements")
        action = report.report_action(
            self.env["stock.picking"],
            data={"domain": domain, "criteria": self._get_criteria()},
            config=False,
        )
        action["close_on_report_download"] = True
        return action

    def action_open_analysis(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "meter_management_reports.meter_movement_report_action"
        )
        action["domain"] = self._get_domain()
        return action
