from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class MeterInstallationWizard(models.TransientModel):
    """Install, remove or exchange the meter of a service point, in one atomic operation:
    readings of every register, stock movements and installation records."""

    _name = "meter.installation.wizard"
    _description = "Install, Remove or Exchange a Meter"
    _check_company_auto = True

    operation = fields.Selection(
        [("install", "Install"), ("remove", "Remove"), ("exchange", "Exchange")],
        required=True,
        default="install",
    )
    service_point_id = fields.Many2one("meter.service.point", required=True, check_company=True)
    company_id = fields.Many2one(related="service_point_id.company_id")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    removed_installation_id = fields.Many2one(
        "meter.installation",
        string="Installation to End",
        compute="_compute_removed_installation_id",
        store=True,
        readonly=False,
        domain="[('service_point_id', '=', service_point_id), ('date_to', '=', False)]",
    )
    removed_lot_id = fields.Many2one(
        related="removed_installation_id.lot_id", string="Meter to Remove"
    )
    new_lot_id = fields.Many2one(
        "stock.lot",
        string="Meter to Install",
        check_company=True,
        domain="[('is_meter', '=', True), ('meter_state', '=', 'store'), "
        "('company_id', '=', company_id)]",
    )
    new_meter_number = fields.Char(
        string="Meter Number",
        help="Type the number of the meter to install: the wizard finds it, or says why it "
        "cannot be installed (in a laboratory, rejected, installed elsewhere, ...).",
    )
    destination = fields.Selection(
        [("store", "Back to a store"), ("laboratory", "To a laboratory")],
        string="Removed Meter Goes",
        default="store",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Store or Laboratory",
        compute="_compute_warehouse_id",
        store=True,
        readonly=False,
        check_company=True,
    )
    removal_reason = fields.Char()
    reader_code = fields.Char(string="Reader Code")
    line_ids = fields.One2many(
        "meter.installation.wizard.line",
        "wizard_id",
        string="Readings",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )

    @api.depends("service_point_id", "operation")
    def _compute_removed_installation_id(self):
        for wizard in self:
            if wizard.operation == "install":
                wizard.removed_installation_id = False
            else:
                wizard.removed_installation_id = (
                    wizard.service_point_id.current_installation_ids.sorted("date_from")[-1:]
                )

    @api.depends("destination", "removed_lot_id")
    def _compute_warehouse_id(self):
        for wizard in self:
            domain = [("company_id", "=", wizard.company_id.id or self.env.company.id)]
            if wizard.destination == "laboratory":
                domain.append(("meter_role", "=", "laboratory"))
            else:
                domain.append(("meter_role", "in", ("central", "regional")))
            wizard.warehouse_id = self.env["stock.warehouse"].search(domain, limit=1)

    @api.depends("operation", "removed_installation_id", "new_lot_id")
    def _compute_line_ids(self):
        for wizard in self:
            commands = [Command.clear()]
            if wizard.operation in ("remove", "exchange"):
                last_values = wizard._get_last_values(wizard.removed_installation_id)
                commands += [
                    Command.create(
                        {
                            "role": "final",
                            "register_id": register.id,
                            "last_value": last_values.get(register.id, 0.0),
                        }
                    )
                    for register in wizard.removed_installation_id.lot_id.meter_register_ids
                ]
            if wizard.operation in ("install", "exchange"):
                commands += [
                    Command.create({"role": "initial", "register_id": register.id})
                    for register in wizard.new_lot_id.meter_register_ids
                ]
            wizard.line_ids = commands

    @api.onchange("new_meter_number")
    def _onchange_new_meter_number(self):
        """The meter picker lists only meters that can be installed: a typed number finds the
        meter, or the reason it cannot be installed."""
        number = (self.new_meter_number or "").strip()
        if not number:
            return None
        lot = self.env["stock.lot"].search(
            [
                ("is_meter", "=", True),
                ("name", "=", number),
                ("company_id", "=", self.company_id.id or self.env.company.id),
            ],
            limit=1,
        )
        problems = lot._get_meter_install_problems(self.date) if lot else []
        if lot and not problems:
            self.new_lot_id = lot
            return None
        self.new_lot_id = False
        if not lot:
            message = self.env._("No meter is numbered %(number)s.", number=number)
        else:
            message = self.env._(
                "Meter %(meter)s cannot be installed: %(reason)s.",
                meter=lot.name,
                reason=problems[0][1],
            )
        return {
            "warning": {"title": self.env._("Meter %(number)s", number=number), "message": message}
        }

    @api.model
    def _get_last_values(self, installation):
        if not installation:
            return {}
        readings = self.env["meter.reading"].search(
            [("installation_id", "=", installation.id)], order="reading_date, id"
        )
        return {reading.register_id.id: reading.value for reading in readings}

    def _get_destination_location(self):
        self.ensure_one()
        warehouse = self.warehouse_id
        if not warehouse:
            raise UserError(self.env._("Choose the store or laboratory the removed meter goes to."))
        if self.destination == "laboratory":
            location = warehouse.meter_lab_queue_location_id
            if not location:
                raise UserError(
                    self.env._(
                        "%(store)s is not a laboratory: it has no laboratory queue.",
                        store=warehouse.name,
                    )
                )
            return location
        return warehouse.lot_stock_id

    def _get_values(self, role):
        return {line.register_id: line.value for line in self.line_ids if line.role == role}

    def action_confirm(self):
        self.ensure_one()
        point = self.service_point_id
        # one savepoint: any refusal leaves nothing behind, even inside a larger transaction
        with self.env.cr.savepoint():
            installation = self.env["meter.installation"]
            if self.operation in ("remove", "exchange"):
                if not self.removed_installation_id:
                    raise UserError(
                        self.env._(
                            "No meter is installed at %(point)s: there is nothing to remove.",
                            point=point.name,
                        )
                    )
                self.removed_installation_id._remove(
                    self.date,
                    self._get_values("final"),
                    self._get_destination_location(),
                    reason=self.removal_reason,
                    reader_code=self.reader_code,
                )
            if self.operation in ("install", "exchange"):
                if not self.new_lot_id:
                    raise UserError(self.env._("Choose the meter to install."))
                installation = point._install_meter(
                    self.new_lot_id,
                    self.date,
                    self._get_values("initial"),
                    reader_code=self.reader_code,
                )
        if installation:
            return {
                "type": "ir.actions.act_window",
                "res_model": "meter.service.point",
                "res_id": point.id,
                "view_mode": "form",
                "target": "current",
            }
        return {"type": "ir.actions.act_window_close"}


class MeterInstallationWizardLine(models.TransientModel):
    _name = "meter.installation.wizard.line"
    _description = "Reading of a Register in the Installation Wizard"
    _order = "role desc, id"

    wizard_id = fields.Many2one("meter.installation.wizard", required=True, ondelete="cascade")
    role = fields.Selection(
        [("final", "Final reading (removed meter)"), ("initial", "Initial reading (new meter)")],
        required=True,
    )
    register_id = fields.Many2one("meter.register", required=True)
    lot_id = fields.Many2one(related="register_id.lot_id", string="Meter")
    register_type = fields.Selection(related="register_id.register_type")
    last_value = fields.Float(string="Last Reading", digits=(16, 3), readonly=True)
    value = fields.Float(string="Reading", digits=(16, 3))
