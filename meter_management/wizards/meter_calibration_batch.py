from collections import defaultdict

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
    reference_standard = fields.Char(
        compute="_compute_laboratory_instruments",
        store=True,
        readonly=False,
        help="Printed on the certificates; taken from the laboratory.",
    )
    test_equipment = fields.Char(
        string="Laboratory Equipment",
        compute="_compute_laboratory_instruments",
        store=True,
        readonly=False,
        help="Printed on the certificates; taken from the laboratory.",
    )
    approver_id = fields.Many2one("res.users", string="Approved By")
    line_ids = fields.One2many(
        "meter.calibration.batch.line",
        "batch_id",
        string="Results",
        help="One line per register of each meter: a CT meter's active, reactive and demand "
        "registers are tested separately.",
    )
    missing_accuracy_warning = fields.Char(compute="_compute_missing_accuracy_warning")

    @api.depends("laboratory_id")
    def _compute_laboratory_instruments(self):
        for batch in self:
            batch.reference_standard = batch.laboratory_id.meter_reference_standard
            batch.test_equipment = batch.laboratory_id.meter_test_equipment

    @api.depends("line_ids.tolerance", "line_ids.product_id")
    def _compute_missing_accuracy_warning(self):
        for batch in self:
            types = batch.line_ids.filtered(lambda line: line.tolerance <= 0).product_id
            batch.missing_accuracy_warning = bool(types) and self.env._(
                "Meter type %(types)s has no accuracy class (or tolerance): set it on the "
                "meter type before its meters can be tested.",
                types=", ".join(types.mapped("display_name")),
            )

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
        """One line per register of each meter waiting (one line for a single-register
        meter); says so when there is nothing to load."""
        self.ensure_one()
        waiting = self._get_waiting_lots()
        if not waiting:
            raise UserError(
                self.env._(
                    "No meter is waiting in laboratory %(lab)s.",
                    lab=self.laboratory_id.display_name,
                )
            )
        lots = waiting - self.line_ids.lot_id
        if not lots:
            raise UserError(
                self.env._(
                    "Every meter waiting in laboratory %(lab)s is already loaded.",
                    lab=self.laboratory_id.display_name,
                )
            )
        self.line_ids = [
            Command.create(vals)
            for lot in lots
            for vals in (
                [{"lot_id": lot.id, "register_id": reg.id} for reg in lot.meter_register_ids]
                or [{"lot_id": lot.id}]
            )
        ]
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
            self._prepare_results(),
            technician=self.technician_id,
            extra_vals=self._prepare_calibration_vals(),
        )
        passed = calibrations.filtered(lambda cal: cal.result == "pass")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Recorded calibrations: %(passed)s passed, %(failed)s failed",
                passed=len(passed),
                failed=len(calibrations - passed),
            ),
            "res_model": "meter.calibration",
            "view_mode": "list,form",
            "domain": [("id", "in", calibrations.ids)],
        }

    def _prepare_calibration_vals(self):
        """Values written on every calibration of the batch (hook)."""
        self.ensure_one()
        return {
            "reference_standard": self.reference_standard,
            "test_equipment": self.test_equipment,
            "approver_id": self.approver_id.id,
        }

    def _prepare_results(self):
        """One result per meter, with one pair of errors per register line; the override and
        the action on failure may be set on any line of the meter."""
        self.ensure_one()
        lines_by_lot = defaultdict(lambda: self.env["meter.calibration.batch.line"])
        for line in self.line_ids:
            lines_by_lot[line.lot_id] |= line
        results, conflicting = [], []
        for lot, lines in lines_by_lot.items():
            overridden = lines.filtered("override_result")
            if len(set(overridden.mapped("override_result"))) > 1:
                conflicting.append(lot.name)
            registers = lines.filtered("register_id")
            results.append(
                {
                    "lot": lot,
                    "as_found": lines[0].as_found_error,
                    "as_left": lines[0].as_left_error,
                    "registers": [line._prepare_register_result() for line in registers],
                    "fail_action": lines.filtered("fail_action")[:1].fail_action
                    or self.fail_action,
                    "override_result": overridden[:1].override_result,
                    "override_reason": "; ".join(overridden.mapped("override_reason")),
                }
            )
        if conflicting:
            raise UserError(
                self.env._(
                    "The registers of a meter cannot override its result both ways: %(numbers)s",
                    numbers=", ".join(conflicting),
                )
            )
        return results


class MeterCalibrationBatchLine(models.TransientModel):
    _name = "meter.calibration.batch.line"
    _description = "Calibration Result of One Register"

    batch_id = fields.Many2one("meter.calibration.batch", required=True, ondelete="cascade")
    lot_id = fields.Many2one("stock.lot", string="Meter", required=True)
    register_id = fields.Many2one("meter.register", string="Register Record")
    register_type = fields.Selection(related="register_id.register_type", string="Register")
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
    override_result = fields.Selection(
        CALIBRATION_RESULTS,
        string="Override",
        help="Sets the result of the whole meter (on any one of its register lines).",
    )
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

    def _prepare_register_result(self):
        self.ensure_one()
        return {
            "register": self.register_id,
            "register_type": self.register_type,
            "as_found": self.as_found_error,
            "as_left": self.as_left_error,
        }
