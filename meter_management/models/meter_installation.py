from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.messages import meters_text


class MeterInstallation(models.Model):
    """One meter installed at one service point, from a date to a date."""

    _name = "meter.installation"
    _description = "Meter Installation"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    service_point_id = fields.Many2one(
        "meter.service.point",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Meter",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain=[("is_meter", "=", True)],
    )
    product_id = fields.Many2one(related="lot_id.product_id", string="Meter Type")
    company_id = fields.Many2one(
        related="service_point_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(related="service_point_id.partner_id", string="Customer")
    date_from = fields.Datetime(string="Installed On", required=True, index=True)
    date_to = fields.Datetime(string="Removed On", index=True, copy=False)
    state = fields.Selection(
        [("installed", "Installed"), ("removed", "Removed")],
        compute="_compute_state",
        store=True,
    )
    reading_ids = fields.One2many("meter.reading", "installation_id", string="Readings")
    initial_reading_ids = fields.One2many(
        "meter.reading",
        "installation_id",
        domain=[("kind", "=", "installation")],
        string="Initial Readings",
    )
    final_reading_ids = fields.One2many(
        "meter.reading",
        "installation_id",
        domain=[("kind", "=", "removal")],
        string="Final Readings",
    )
    install_picking_id = fields.Many2one("stock.picking", string="Installation Transfer")
    removal_picking_id = fields.Many2one("stock.picking", string="Removal Transfer")
    removal_reason = fields.Char()

    _sql_constraints = [
        (
            "dates_in_order",
            "check (date_to IS NULL OR date_to >= date_from)",
            "A meter is removed after it was installed.",
        ),
    ]

    def init(self):
        # the hard rule: a meter is installed at one point at a time
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS meter_installation_lot_open_uniq "
                "ON meter_installation (lot_id) WHERE date_to IS NULL"
            )
        )

    @api.depends("date_to")
    def _compute_state(self):
        for installation in self:
            installation.state = "removed" if installation.date_to else "installed"

    @api.depends("lot_id.name", "service_point_id.name")
    def _compute_display_name(self):
        for installation in self:
            installation.display_name = (
                f"{installation.lot_id.name} @ {installation.service_point_id.name}"
            )

    @api.constrains("lot_id", "date_from", "date_to")
    def _check_no_overlap(self):
        for installation in self:
            overlapping = self.search(self._get_overlap_domain(installation, "lot_id"))
            if overlapping:
                raise ValidationError(
                    self.env._(
                        "Meter %(meter)s is already installed at %(points)s at that time.",
                        meter=installation.lot_id.name,
                        points=", ".join(overlapping.service_point_id.mapped("name")),
                    )
                )

    @api.constrains("service_point_id", "date_from", "date_to")
    def _check_point_capacity(self):
        for installation in self:
            point = installation.service_point_id
            overlapping = self.search(self._get_overlap_domain(installation, "service_point_id"))
            if len(overlapping) >= point.meter_capacity:
                raise ValidationError(
                    self.env._(
                        "Service point %(point)s takes %(capacity)s; %(meters)s "
                        "is already installed there at that time.",
                        point=point.name,
                        capacity=meters_text(self.env, point.meter_capacity),
                        meters=", ".join(overlapping.lot_id.mapped("name")),
                    )
                )

    @api.model
    def _get_overlap_domain(self, installation, field_name):
        # a meter cannot leave one point and reach another at the same instant: its
        # installations do not even touch (a reading's date finds one installation)
        after = ">=" if field_name == "lot_id" else ">"
        domain = [
            (field_name, "=", installation[field_name].id),
            ("id", "!=", installation.id),
            "|",
            ("date_to", "=", False),
            ("date_to", after, installation.date_from),
        ]
        if installation.date_to:
            domain.append(("date_from", "<", installation.date_to))
        return domain

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_readings(self):
        # meter.reading has no foreign key to its installation (see Many2oneWithoutForeignKey)
        with_readings = (
            self.env["meter.reading"].sudo().search([("installation_id", "in", self.ids)], limit=1)
        )
        if with_readings:
            raise UserError(
                self.env._(
                    "The installation %(installation)s has readings: it cannot be deleted.",
                    installation=with_readings.installation_id.display_name,
                )
            )

    def _prepare_reading_vals(self, register, date, value, kind, reader_code=False):
        self.ensure_one()
        return {
            "installation_id": self.id,
            "register_type": register.register_type,
            "reading_date": date,
            "value": value,
            "kind": kind,
            "source": "manual",
            "reader_code": reader_code,
        }

    def _remove(self, date, final_values, destination, reason=False, reader_code=False):
        """Remove the meter on ``date`` with ``final_values`` ``{register: value}`` and
        move it to ``destination`` (a store or a laboratory queue)."""
        self.ensure_one()
        date = fields.Datetime.to_datetime(date)
        if self.date_to:
            raise UserError(
                self.env._(
                    "Meter %(meter)s was already removed from %(point)s on %(date)s.",
                    meter=self.lot_id.name,
                    point=self.service_point_id.name,
                    date=self.date_to,
                )
            )
        if date < self.date_from:
            raise UserError(
                self.env._(
                    "Meter %(meter)s cannot be removed on %(date)s: it was installed at "
                    "%(point)s on %(installed)s.",
                    meter=self.lot_id.name,
                    date=date,
                    point=self.service_point_id.name,
                    installed=self.date_from,
                )
            )
        self.lot_id._check_meter_operation_date(date, self.env._("Removal"))
        registers = self.lot_id.meter_register_ids
        missing = registers.filtered(lambda reg: reg not in final_values)
        if missing:
            raise UserError(
                self.env._(
                    "Give the final reading of every register of meter %(meter)s: %(registers)s",
                    meter=self.lot_id.name,
                    registers=", ".join(missing.mapped("display_name")),
                )
            )
        vals_list = [
            self._prepare_reading_vals(
                register, date, final_values[register], "removal", reader_code
            )
            for register in registers
        ]
        self.env["meter.reading"]._check_values_against_previous(vals_list)
        if self.env["meter.reading"].search_count(
            [("installation_id", "=", self.id), ("reading_date", ">", date)], limit=1
        ):
            raise UserError(
                self.env._(
                    "Meter %(meter)s has readings after %(date)s: the removal must come after them.",
                    meter=self.lot_id.name,
                    date=date,
                )
            )
        self.env["meter.reading"].create(vals_list)
        picking = self.service_point_id._move_meter(self.lot_id, destination, date)
        self.write({"date_to": date, "removal_picking_id": picking.id, "removal_reason": reason})
        self.lot_id.meter_service_point_id = False
        return picking
