from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.meter_service_order import FAILURE_REASONS

# order types whose work is the installation wizard's
INSTALLATION_OPERATIONS = ("install", "remove", "exchange")


class MeterServiceOrderComplete(models.TransientModel):
    """Complete a service order as the technician reports it: the work done (an install,
    removal or exchange through the installation wizard's logic, a re-read's readings) in
    one transaction with the order's closing, or a failed visit and its reason."""

    _name = "meter.service.order.complete"
    _description = "Complete a Service Order"

    order_id = fields.Many2one("meter.service.order", required=True)
    order_type = fields.Selection(related="order_id.order_type")
    service_point_id = fields.Many2one(related="order_id.service_point_id")
    company_id = fields.Many2one(related="order_id.company_id")
    outcome = fields.Selection(
        [("done", "Work done"), ("failed", "Visit failed")], required=True, default="done"
    )
    failure_reason = fields.Selection(FAILURE_REASONS)
    note = fields.Text(string="Result")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    new_lot_id = fields.Many2one(
        "stock.lot",
        string="Meter to Install",
        domain="[('is_meter', '=', True), ('meter_state', '=', 'store'), "
        "('company_id', '=', company_id)]",
    )
    destination = fields.Selection(
        [("store", "Back to a store"), ("laboratory", "To a laboratory")],
        string="Removed Meter Goes",
        default="store",
    )
    line_ids = fields.One2many(
        "meter.service.order.complete.line",
        "wizard_id",
        string="Readings",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )

    @api.depends("order_id", "new_lot_id", "outcome")
    def _compute_line_ids(self):
        for wizard in self:
            commands = [Command.clear()]
            current = wizard.service_point_id.current_installation_ids.sorted("date_from")[-1:]
            if wizard.outcome == "done" and wizard.order_type in ("remove", "exchange", "reread"):
                role = "reading" if wizard.order_type == "reread" else "final"
                commands += [
                    Command.create({"role": role, "register_id": register.id})
                    for register in current.lot_id.meter_register_ids
                ]
            if wizard.outcome == "done" and wizard.order_type in ("install", "exchange"):
                commands += [
                    Command.create({"role": "initial", "register_id": register.id})
                    for register in wizard.new_lot_id.meter_register_ids
                ]
            wizard.line_ids = commands

    def action_confirm(self):
        self.ensure_one()
        order = self.order_id
        order._check_open()
        if self.outcome == "failed":
            if not self.failure_reason:
                raise UserError(self.env._("Say why the visit failed."))
            order._record_failed_visit(self.failure_reason, self.note)
            return {"type": "ir.actions.act_window_close"}
        # one savepoint: a refusal leaves neither the work nor the closing behind
        with self.env.cr.savepoint():
            if self.order_type in INSTALLATION_OPERATIONS:
                self._do_installation_work(order)
            elif self.order_type == "reread":
                readings = self._do_reread(order)
                order._mark_done(self.note, readings=readings)
            else:
                order._mark_done(self.note)
        return {"type": "ir.actions.act_window_close"}

    def _do_installation_work(self, order):
        """Install, remove or exchange through ``meter.installation.wizard`` (the same
        rules and refusals as the wizard), then close the order."""
        point = order.service_point_id
        removed = point.current_installation_ids.sorted("date_from")[-1:]
        wizard = self.env["meter.installation.wizard"].create(
            {
                "operation": self.order_type,
                "service_point_id": point.id,
                "date": self.date,
                "new_lot_id": self.new_lot_id.id,
                "destination": self.destination,
                "removal_reason": self.env._("Service order %(order)s", order=order.name),
            }
        )
        values = {(line.role, line.register_id): line.value for line in self.line_ids}
        for line in wizard.line_ids:
            line.value = values.get((line.role, line.register_id), 0.0)
        wizard.action_confirm()
        installed = self.env["meter.installation"]
        if self.order_type in ("install", "exchange"):
            installed = point.current_installation_ids.filtered(
                lambda inst: inst.lot_id == self.new_lot_id
            )
        if self.order_type == "install":
            removed = self.env["meter.installation"]
        readings = removed.final_reading_ids | installed.initial_reading_ids
        order._mark_done(
            self.note,
            readings=readings,
            removed=removed,
            installed=installed,
        )

    def _do_reread(self, order):
        lines = self.line_ids.filtered(lambda line: line.role == "reading")
        if not lines:
            raise UserError(
                self.env._(
                    "No meter is installed at %(point)s to read.", point=order.service_point_id.name
                )
            )
        return self.env["meter.reading"].create(
            [
                {
                    "register_id": line.register_id.id,
                    "reading_date": self.date,
                    "value": line.value,
                    "kind": "actual",
                    "reader_id": self.env.uid,
                    "note": self.env._("Re-read of %(order)s", order=order.name),
                }
                for line in lines
            ]
        )


class MeterServiceOrderCompleteLine(models.TransientModel):
    _name = "meter.service.order.complete.line"
    _description = "Reading Taken When Completing a Service Order"
    _order = "role desc, id"

    wizard_id = fields.Many2one("meter.service.order.complete", required=True, ondelete="cascade")
    role = fields.Selection(
        [
            ("final", "Final reading (removed meter)"),
            ("initial", "Initial reading (new meter)"),
            ("reading", "Reading"),
        ],
        required=True,
    )
    register_id = fields.Many2one("meter.register", required=True)
    lot_id = fields.Many2one(related="register_id.lot_id", string="Meter")
    register_type = fields.Selection(related="register_id.register_type")
    value = fields.Float(string="Reading", digits=(16, 3))
