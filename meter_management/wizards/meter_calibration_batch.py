from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.meter_calibration import CALIBRATION_REASONS, CALIBRATION_RESULTS, FAIL_ACTIONS
from ..tools.calibration import within_tolerance
from ..tools.meter_numbers import MeterNumberError, parse_numbers


class MeterCalibrationBatch(models.TransientModel):
    """Results of a batch of meters tested together in a laboratory, as on a test bench."""

    _name = "meter.calibration.batch"
    _description = "Record Calibration Results"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    laboratory_id = fields.Many2one(
        "stock.warehouse",
        string="Laboratory",
        required=True,
        check_company=True,
        domain=[("meter_role", "=", "laboratory")],
        default=lambda self: self.env["stock.warehouse"].search(
            [("meter_role", "=", "laboratory"), ("company_id", "=", self.env.company.id)],
            limit=1,
        ),
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Selection(CALIBRATION_REASONS, required=True, default="periodic")
    technician_id = fields.Many2one(
        "res.users", string="Technician", default=lambda self: self.env.user
    )
    meter_numbers = fields.Char(
        string="Meters",
        help="Numbers, ranges and lists of the meters tested, e.g. 30001-30010, 30015; "
        "empty loads every meter waiting in the laboratory.",
    )
    fail_action = fields.Selection(
        FAIL_ACTIONS, default="repair", required=True, string="Failed Meters"
    )
    line_ids = fields.One2many("meter.calibration.batch.line", "batch_id", string="Results")

    def _get_waiting_lots(self):
        """Meters in the laboratory's queue (hook), optionally restricted to ``meter_numbers``."""
        self.ensure_one()
        domain = [
            ("is_meter", "=", True),
            ("company_id", "=", self.company_id.id),
            ("meter_warehouse_id", "=", self.laboratory_id.id),
            ("meter_state", "=", "laboratory"),
        ]
        if self.meter_numbers:
            try:
                numbers = parse_numbers(self.meter_numbers)
            except MeterNumberError as error:
                raise UserError(str(error)) from error
            domain.append(("name", "in", numbers))
            lots = self.env["stock.lot"].search(domain, order="name")
            missing = sorted(set(numbers) - set(lots.mapped("name")))
            if missing:
                raise UserError(
                    self.env._(
                        "These meters are not waiting in laboratory %(lab)s: %(numbers)s",
                        lab=self.laboratory_id.display_name,
                        numbers=", ".join(missing),
                    )
                )
            return lots
        return self.env["stock.lot"].search(domain, order="name")

    def action_load_meters(self):
        self.ensure_one()
        lots = self._get_waiting_lots() - self.line_ids.lot_id
        self.line_ids = [Command.create({"lot_id": lot.id}) for lot in lots]
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Calibration Results"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_confirm(self):
        self.ensure_one()
        if not self.line_ids:
            raise UserError(self.env._("Load the meters tested first."))
        bad = self.line_ids.filtered(lambda line: line.override_result and not line.override_reason)
        if bad:
            raise UserError(
                self.env._(
                    "A result that overrides the measured one needs a written reason: %(numbers)s",
                    numbers=", ".join(bad.lot_id.mapped("name")),
                )
            )
        calibrations = self.env["meter.calibration"]._record_batch(
            self.laboratory_id,
            self.date,
            self.reason,
            [line._prepare_result() for line in self.line_ids],
            technician=self.technician_id,
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recorded calibrations"),
            "res_model": "meter.calibration",
            "view_mode": "list,form",
            "domain": [("id", "in", calibrations.ids)],
        }


class MeterCalibrationBatchLine(models.TransientModel):
    _name = "meter.calibration.batch.line"
    _description = "Calibration Result of One Meter"

    batch_id = fields.Many2one("meter.calibration.batch", required=True, ondelete="cascade")
    lot_id = fields.Many2one("stock.lot", string="Meter", required=True)
    product_id = fields.Many2one(related="lot_id.product_id", string="Meter Type")
    tolerance = fields.Float(
        related="lot_id.product_id.meter_accuracy_tolerance", string="Tolerance (± %)"
    )
    as_found_error = fields.Float(string="As Found (%)", digits=(6, 3))
    as_left_error = fields.Float(
        string="As Left (%)",
        digits=(6, 3),
        compute="_compute_as_left_error",
        store=True,
        readonly=False,
    )
    measured_result = fields.Selection(
        CALIBRATION_RESULTS, compute="_compute_measured_result", string="Measured"
    )
    override_result = fields.Selection(CALIBRATION_RESULTS, string="Override")
    override_reason = fields.Char()
    fail_action = fields.Selection(FAIL_ACTIONS, string="If Failed")

    @api.depends("as_found_error")
    def _compute_as_left_error(self):
        for line in self:
            line.as_left_error = line.as_found_error

    @api.depends("as_left_error", "tolerance")
    def _compute_measured_result(self):
        for line in self:
            ok = within_tolerance(line.as_left_error, line.tolerance)
            line.measured_result = "pass" if ok else "fail"

    def _prepare_result(self):
        self.ensure_one()
        return {
            "lot": self.lot_id,
            "as_found": self.as_found_error,
            "as_left": self.as_left_error,
            "fail_action": self.fail_action or self.batch_id.fail_action,
            "override_result": self.override_result,
            "override_reason": self.override_reason,
        }
