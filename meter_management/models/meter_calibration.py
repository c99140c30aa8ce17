from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.calibration import next_due_date

CALIBRATION_REASONS = [
    ("initial", "Initial verification"),
    ("periodic", "Periodic recalibration"),
    ("sample", "Sample recertification"),
    ("customer", "Customer request"),
    ("repair", "After repair"),
]
CALIBRATION_RESULTS = [("pass", "Pass"), ("fail", "Fail")]
FAIL_ACTIONS = [("repair", "Keep in the laboratory for repair"), ("reject", "Reject")]


class MeterCalibration(models.Model):
    """One test of one meter in a laboratory, with a result line per register.

    The result is computed from the as-left errors against the tolerance of the meter
    type's accuracy class; the technician may override it with a written reason.
    Validating the test updates the meter: a pass sets its last verification and next due
    date, a fail keeps it in the laboratory for repair or moves it to rejection.
    """

    _name = "meter.calibration"
    _description = "Meter Calibration"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Certificate Number",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Meter",
        required=True,
        index=True,
        check_company=True,
        domain=[("is_meter", "=", True)],
        ondelete="restrict",
    )
    product_id = fields.Many2one(related="lot_id.product_id", string="Meter Type", store=True)
    meter_group_id = fields.Many2one(related="lot_id.meter_group_id", store=True, index=True)
    laboratory_id = fields.Many2one(
        "stock.warehouse",
        string="Laboratory",
        required=True,
        index=True,
        check_company=True,
        domain=[("meter_role", "=", "laboratory")],
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    technician_id = fields.Many2one(
        "res.users", string="Technician", default=lambda self: self.env.user
    )
    approver_id = fields.Many2one(
        "res.users",
        string="Approved By",
        help="Who approves the certificate; signs its approval line.",
    )
    reference_standard = fields.Char(
        compute="_compute_laboratory_instruments",
        store=True,
        readonly=False,
        help="The reference standard the meter was compared with (its number and "
        "certificate); taken from the laboratory.",
    )
    test_equipment = fields.Char(
        string="Laboratory Equipment",
        compute="_compute_laboratory_instruments",
        store=True,
        readonly=False,
        help="The test bench and instruments used; taken from the laboratory.",
    )
    reason = fields.Selection(CALIBRATION_REASONS, required=True, default="periodic")
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        copy=False,
        index=True,
        tracking=True,
    )
    line_ids = fields.One2many(
        "meter.calibration.line", "calibration_id", string="Registers", copy=True
    )
    accuracy_class = fields.Selection(related="product_id.meter_accuracy_class")
    tolerance = fields.Float(
        string="Tolerance (± %)",
        digits=(4, 3),
        compute="_compute_tolerance",
        store=True,
        readonly=False,
        help="Taken from the meter type's accuracy class when the test is made.",
    )
    computed_result = fields.Selection(
        CALIBRATION_RESULTS, compute="_compute_result", store=True, string="Measured Result"
    )
    result_override = fields.Boolean(string="Override Result")
    override_result = fields.Selection(CALIBRATION_RESULTS, string="Result Set by the Technician")
    override_reason = fields.Text()
    result = fields.Selection(
        CALIBRATION_RESULTS, compute="_compute_result", store=True, index=True, tracking=True
    )
    fail_action = fields.Selection(FAIL_ACTIONS, default="repair", string="When Failed")
    next_due_date = fields.Date(
        string="Valid Until",
        readonly=True,
        copy=False,
        help="The meter's next verification due date that this passed test set.",
    )
    note = fields.Text()

    @api.depends("laboratory_id")
    def _compute_laboratory_instruments(self):
        for calibration in self:
            calibration.reference_standard = calibration.laboratory_id.meter_reference_standard
            calibration.test_equipment = calibration.laboratory_id.meter_test_equipment

    @api.depends("product_id")
    def _compute_tolerance(self):
        for calibration in self:
            calibration.tolerance = calibration.product_id.meter_accuracy_tolerance

    @api.depends(
        "line_ids.as_left_error",
        "line_ids.as_found_error",
        "tolerance",
        "result_override",
        "override_result",
    )
    def _compute_result(self):
        for calibration in self:
            lines = calibration.line_ids
            if lines:
                measured = "pass" if all(line.result == "pass" for line in lines) else "fail"
            else:
                measured = False
            calibration.computed_result = measured
            calibration.result = (
                calibration.override_result if calibration.result_override else measured
            )

    @api.constrains("result_override", "override_result", "override_reason")
    def _check_override_reason(self):
        wrong = self.filtered(
            lambda cal: (
                cal.result_override
                and (not cal.override_result or not (cal.override_reason or "").strip())
            )
        )
        if wrong:
            raise ValidationError(
                self.env._(
                    "A result that overrides the measured one needs the result and a written "
                    "reason: %(meters)s",
                    meters=", ".join(wrong.lot_id.mapped("name")),
                )
            )

    @api.constrains("lot_id", "laboratory_id")
    def _check_laboratory(self):
        wrong = self.filtered(lambda cal: cal.laboratory_id.meter_role != "laboratory")
        if wrong:
            raise ValidationError(
                self.env._(
                    "Calibrations are made in a laboratory: %(stores)s is not one.",
                    stores=", ".join(wrong.laboratory_id.mapped("display_name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        new_name = self.env._("New")
        to_number = [vals for vals in vals_list if vals.get("name", new_name) == new_name]
        for vals in to_number:
            vals["name"] = self.env["ir.sequence"].next_by_code("meter.calibration") or "/"
        calibrations = super().create(vals_list)
        calibrations.filtered(lambda cal: not cal.line_ids)._create_lines_from_registers()
        return calibrations

    def _prepare_line_vals(self, register, as_found=0.0, as_left=None):
        self.ensure_one()
        return {
            "calibration_id": self.id,
            "register_id": register.id,
            "as_found_error": as_found,
            "as_left_error": as_found if as_left is None else as_left,
        }

    def _create_lines_from_registers(self, as_found=0.0, as_left=None):
        vals_list = [
            calibration._prepare_line_vals(register, as_found, as_left)
            for calibration in self
            for register in calibration.lot_id.meter_register_ids
        ]
        return self.env["meter.calibration.line"].create(vals_list)

    def action_validate(self):
        """Record the results on the meters (a pass sets the next due date; a fail keeps the
        meter for repair or rejects it)."""
        drafts = self.filtered(lambda cal: cal.state == "draft")
        no_tolerance = drafts.filtered(lambda cal: cal.tolerance <= 0)
        if no_tolerance:
            raise UserError(self._get_no_tolerance_message(no_tolerance.lot_id))
        missing = drafts.filtered(lambda cal: not cal.result)
        if missing:
            raise UserError(
                self.env._(
                    "These calibrations have no result yet (no register measured): %(meters)s",
                    meters=", ".join(missing.lot_id.mapped("name")),
                )
            )
        passed = drafts.filtered(lambda cal: cal.result == "pass")
        for calibration in passed:
            tmpl = calibration.product_id.product_tmpl_id
            calibration.next_due_date = next_due_date(
                calibration.date,
                tmpl.meter_calibration_validity_months,
                tmpl.meter_validity_end_of_year,
            )
        drafts.state = "done"
        drafts._apply_to_meters()
        return True

    @api.model
    def _get_no_tolerance_message(self, lots):
        """The error that names the meter types without an accuracy class (or tolerance)."""
        return self.env._(
            "Meter type %(types)s has no accuracy class (or tolerance): set it on the meter "
            "type before its meters can be tested. Meters: %(numbers)s",
            types=", ".join(lots.product_id.mapped("display_name")),
            numbers=", ".join(sorted(lots.mapped("name"))),
        )

    def action_cancel(self):
        self.filtered(lambda cal: cal.state == "draft").state = "cancel"
        return True

    def action_draft(self):
        self.filtered(lambda cal: cal.state == "cancel").state = "draft"
        return True

    def _apply_to_meters(self):
        """Write the latest result of each meter onto it (one write per result)."""
        latest = {}
        for calibration in self.sorted(lambda cal: (cal.date, cal.id)):
            latest[calibration.lot_id] = calibration
        passed = self.browse([cal.id for cal in latest.values() if cal.result == "pass"])
        failed = self.browse([cal.id for cal in latest.values() if cal.result == "fail"])
        for (date, due), calibrations in passed.grouped(
            lambda cal: (cal.date, cal.next_due_date)
        ).items():
            calibrations.lot_id.write(
                {
                    "meter_last_calibration_date": date,
                    "meter_last_calibration_result": "pass",
                    "meter_next_calibration_date": due,
                    "meter_calibration_notice_id": False,
                    "meter_replacement_required": False,
                }
            )
        for date, calibrations in failed.grouped("date").items():
            calibrations.lot_id.write(
                {
                    "meter_last_calibration_date": date,
                    "meter_last_calibration_result": "fail",
                }
            )
        failed.filtered(lambda cal: cal.fail_action == "reject")._reject_meters()

    def _reject_meters(self):
        """Move the failed meters to the rejected location of their laboratory."""
        for laboratory, calibrations in self.grouped("laboratory_id").items():
            if not laboratory.meter_rejected_location_id:
                raise UserError(
                    self.env._(
                        "Laboratory %(lab)s has no location for rejected meters.",
                        lab=laboratory.display_name,
                    )
                )
            lots = calibrations.lot_id.filtered(
                lambda lot, lab=laboratory: (
                    lot.location_id and lot.location_id != lab.meter_rejected_location_id
                )
            )
            if lots:
                lots._move_meters_to(laboratory.meter_rejected_location_id)

    def action_print_certificate(self):
        return self.env.ref("meter_management.action_report_meter_calibration").report_action(self)
