from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.messages import meters_text
from .meter_type_register import REGISTER_UNITS


class MeterServicePoint(models.Model):
    """A place where a meter is installed: a customer's supply, independent of meter numbers."""

    _name = "meter.service.point"
    _description = "Service Point"
    _inherit = ["mail.thread"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(
        string="Code",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, tracking=True, check_company=True
    )
    contract_ref = fields.Char(string="Contract", index="btree_not_null", tracking=True)
    street = fields.Char()
    city = fields.Char()
    zip = fields.Char()
    use_type_id = fields.Many2one(
        "meter.use.type", string="Type of Use", check_company=True, tracking=True
    )
    meter_capacity = fields.Integer(
        string="Meters it Takes",
        default=1,
        required=True,
        help="How many meters may be installed at this point at the same time.",
    )
    contracted_demand = fields.Float(
        string="Contracted Demand (kW)",
        digits=(16, 3),
        help="Demand readings above it (with the tolerance of the anomaly type) are anomalies.",
    )
    installation_ids = fields.One2many("meter.installation", "service_point_id")
    installation_count = fields.Integer(compute="_compute_installation_count")
    current_installation_ids = fields.One2many(
        "meter.installation",
        "service_point_id",
        domain=[("date_to", "=", False)],
        string="Installed Now",
    )
    current_lot_id = fields.Many2one(
        "stock.lot",
        string="Installed Meter",
        compute="_compute_current_lot_id",
        store=True,
        index="btree_not_null",
    )
    note = fields.Html()

    _sql_constraints = [
        ("name_company_uniq", "unique (name, company_id)", "A service point code is unique."),
        (
            "meter_capacity_positive",
            "check (meter_capacity > 0)",
            "A point takes one meter or more.",
        ),
    ]

    @api.depends("installation_ids.date_to", "installation_ids.lot_id")
    def _compute_current_lot_id(self):
        for point in self:
            current = point.installation_ids.filtered(lambda inst: not inst.date_to)
            point.current_lot_id = current.sorted("date_from")[-1:].lot_id

    def _compute_installation_count(self):
        counts = dict(
            self.env["meter.installation"]._read_group(
                [("service_point_id", "in", self.ids)], ["service_point_id"], ["__count"]
            )
        )
        for point in self:
            point.installation_count = counts.get(point, 0)

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for point in self:
            point.display_name = (
                f"{point.name} – {point.partner_id.name}" if point.partner_id else point.name
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "meter.service.point"
                ) or self.env._("New")
        return super().create(vals_list)

    def _action_open_installation_wizard(self, operation):
        self.ensure_one()
        titles = {
            "install": self.env._("Install a Meter"),
            "remove": self.env._("Remove the Meter"),
            "exchange": self.env._("Exchange the Meter"),
        }
        return {
            "type": "ir.actions.act_window",
            "name": titles[operation],
            "res_model": "meter.installation.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_service_point_id": self.id,
                "default_operation": operation,
            },
        }

    def action_install_meter(self):
        return self._action_open_installation_wizard("install")

    def action_remove_meter(self):
        return self._action_open_installation_wizard("remove")

    def action_exchange_meter(self):
        return self._action_open_installation_wizard("exchange")

    def action_open_installations(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Installations at %(point)s", point=self.name),
            "res_model": "meter.installation",
            "view_mode": "list,form",
            "domain": [("service_point_id", "=", self.id)],
        }

    def action_open_readings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Readings at %(point)s", point=self.name),
            "res_model": "meter.reading",
            "view_mode": "list,pivot,form",
            "domain": [("service_point_id", "=", self.id)],
        }

    # ------------------------------------------------------------------
    # Install, remove, exchange (atomic; the wizard calls these)
    # ------------------------------------------------------------------

    def _install_meter(self, lot, date, initial_values, reader_code=False):
        """Install ``lot`` here on ``date`` with ``initial_values`` ``{register: value}``.

        Moves the meter from its store to the company's installed location, creates the
        installation and its installation readings. Returns the installation.
        """
        self.ensure_one()
        lot._check_meter_installable(date)
        lot._check_meter_operation_date(date, self.env._("Installation"))
        self._check_free_capacity(date)
        registers = lot.meter_register_ids
        missing = registers.filtered(lambda reg: reg not in initial_values)
        if missing:
            raise UserError(
                self.env._(
                    "Give the initial reading of every register of meter %(meter)s: %(registers)s",
                    meter=lot.name,
                    registers=", ".join(missing.mapped("display_name")),
                )
            )
        location = self.company_id._get_meter_installed_location()
        picking = self._move_meter(lot, location, date)
        installation = self.env["meter.installation"].create(
            self._prepare_installation_vals(lot, date, picking)
        )
        lot.meter_service_point_id = self
        self.env["meter.reading"].create(
            [
                installation._prepare_reading_vals(
                    register, date, initial_values[register], "installation", reader_code
                )
                for register in registers
            ]
        )
        return installation

    def _prepare_installation_vals(self, lot, date, picking):
        return {
            "service_point_id": self.id,
            "lot_id": lot.id,
            "date_from": date,
            "install_picking_id": picking.id,
        }

    def _check_free_capacity(self, date):
        self.ensure_one()
        installed = self.current_installation_ids
        if len(installed) >= self.meter_capacity:
            raise UserError(
                self.env._(
                    "Service point %(point)s takes %(capacity)s and already has "
                    "%(meters)s installed: remove or exchange it instead.",
                    point=self.name,
                    capacity=meters_text(self.env, self.meter_capacity),
                    meters=", ".join(installed.lot_id.mapped("name")),
                )
            )

    def _move_meter(self, lot, destination, date, origin=None):
        """Move one meter to ``destination`` with a validated picking; returns it."""
        source = lot.location_id or lot.quant_ids.filtered(lambda q: q.quantity > 0)[:1].location_id
        picking_type = self._get_meter_picking_type(source, destination)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "origin": origin or self.name,
                "company_id": self.company_id.id,
                "partner_id": self.partner_id.id,
                "move_ids": [
                    fields.Command.create(
                        {
                            "name": lot.product_id.display_name,
                            "product_id": lot.product_id.id,
                            "product_uom_qty": 1,
                            "product_uom": lot.product_id.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                            "company_id": self.company_id.id,
                            "move_line_ids": [
                                fields.Command.create(
                                    {
                                        "product_id": lot.product_id.id,
                                        "lot_id": lot.id,
                                        "quantity": 1,
                                        "location_id": source.id,
                                        "location_dest_id": destination.id,
                                        "company_id": self.company_id.id,
                                    }
                                )
                            ],
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.picked = True
        done = fields.Datetime.to_datetime(date)
        # validated on the movement's date: the lines, the quants' and the meter's history
        # (laboratory arrival) and the valuation carry it
        picking.with_context(
            skip_sanity_check=True,
            meter_done_date=done,
            # the accounting day of the movement is the company's day, not UTC's
            force_period_date=self.company_id._meter_date(done),
        )._action_done()
        if picking.state != "done":
            raise UserError(
                self.env._(
                    "Meter %(meter)s could not be moved to %(location)s.",
                    meter=lot.name,
                    location=destination.display_name,
                )
            )
        return picking

    def _get_meter_picking_type(self, source, destination):
        """Operation type of a meter's installation (the installation type of the store it
        leaves) or removal (the removal type of the store or laboratory it goes to) (hook)."""
        if source.warehouse_id:
            warehouse = source.warehouse_id
            picking_type = warehouse.meter_install_type_id
        else:
            warehouse = destination.warehouse_id
            picking_type = warehouse.meter_removal_type_id
        if not picking_type:
            raise UserError(
                self.env._(
                    "The store %(store)s has no meter role: meters cannot be installed from "
                    "it or removed to it.",
                    store=warehouse.name or destination.display_name,
                )
            )
        return picking_type

    # ------------------------------------------------------------------
    # Billing consumption
    # ------------------------------------------------------------------

    @api.model
    def _get_billing_segments(self, date_from, date_to, points=None):
        """Consumption of every installation segment in a period, per register, one query.

        The period runs from ``date_from`` 00:00 to the end of ``date_to`` in the company's
        time zone (``res.company._get_meter_tz``); a reading
        belongs to it by its date. A segment is what one installation read during the
        period: the removed meter's (up to its removal reading) and the new meter's (from
        its installation reading), each with its own multiplier. Energy registers sum the
        consumption of their readings (rollovers included, anomalies counted as 0); demand
        registers take their largest value. Corrected readings count with their corrected
        value; readings with an open anomaly that blocks billing are left out (counted in
        ``blocked`` and ``blocked_consumption``) until it is resolved. Returns a list of
        dicts, by point and time.
        """
        start, end = self.env.company._meter_period_bounds(date_from, date_to)
        if end <= start:
            raise UserError(self.env._("The period ends before it starts."))
        points = points if points is not None else self.browse()
        self.env["meter.reading"].flush_model()
        self.env["meter.anomaly"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH blocked AS (
                    SELECT DISTINCT reading_id FROM meter_anomaly
                     WHERE severity = 'block' AND state <> 'resolved' AND reading_id IS NOT NULL
                )
                SELECT inst.service_point_id, r.installation_id, inst.lot_id, r.register_type,
                       (array_agg(COALESCE(r.previous_date, r.reading_date)
                                  ORDER BY r.reading_date, r.id))[1] AS opening_date,
                       (array_agg(CASE WHEN r.previous_date IS NULL THEN r.value
                                       ELSE r.previous_value END
                                  ORDER BY r.reading_date, r.id))[1] AS opening_value,
                       max(r.reading_date) AS closing_date,
                       (array_agg(%(value)s ORDER BY r.reading_date DESC, r.id DESC))[1]
                           AS closing_value,
                       (array_agg(r.multiplier ORDER BY r.reading_date DESC, r.id DESC))[1] AS multiplier,
                       CASE WHEN r.register_type = 'demand'
                            THEN COALESCE(max(r.units) FILTER (WHERE b.reading_id IS NULL), 0)
                            ELSE COALESCE(sum(r.units) FILTER (WHERE b.reading_id IS NULL), 0)
                       END AS units,
                       CASE WHEN r.register_type = 'demand'
                            THEN COALESCE(max(r.consumption) FILTER (WHERE b.reading_id IS NULL), 0)
                            ELSE COALESCE(sum(r.consumption) FILTER (WHERE b.reading_id IS NULL), 0)
                       END AS consumption,
                       count(b.reading_id) AS blocked,
                       COALESCE(sum(r.consumption) FILTER (WHERE b.reading_id IS NOT NULL), 0)
                           AS blocked_consumption,
                       count(*) FILTER (WHERE r.is_corrected) AS corrected,
                       count(*) AS reading_count,
                       count(*) FILTER (WHERE r.rollover) AS rollovers,
                       count(*) FILTER (WHERE r.anomaly IS NOT NULL) AS anomalies,
                       min(inst.date_from) AS installed_on, min(inst.date_to) AS removed_on
                  FROM meter_reading r
                  JOIN meter_installation inst ON inst.id = r.installation_id
                  LEFT JOIN blocked b ON b.reading_id = r.id
                 WHERE inst.company_id = ANY(%(companies)s)
                   AND r.reading_date >= %(start)s AND r.reading_date < %(end)s
                   AND (%(all_points)s OR inst.service_point_id = ANY(%(points)s))
                 GROUP BY inst.service_point_id, r.installation_id, inst.lot_id, r.register_type
                 ORDER BY inst.service_point_id, min(inst.date_from), r.installation_id,
                          r.register_type
                """,
                companies=self.env.companies.ids,
                start=start,
                end=end,
                all_points=not points,
                points=points.ids,
                value=self.env["meter.reading"]._sql_billing_value("r"),
            )
        )
        columns = [description.name for description in self.env.cr.description]
        return [dict(zip(columns, row, strict=True)) for row in self.env.cr.fetchall()]

    @api.model
    def get_billing_consumption(self, date_from, date_to, service_point_codes=None):
        """RPC for billing systems: consumption per service point and register type in a
        period (``date_from`` and ``date_to`` included, "YYYY-MM-DD").

        Returns ``[{"service_point", "contract_ref", "customer", "register_type", "unit",
        "consumption", "segments": [{"meter_number", "installed_on", "removed_on",
        "opening_date", "opening_value", "closing_date", "closing_value", "multiplier",
        "units", "consumption", "readings", "rollovers", "anomalies", "blocked",
        "blocked_consumption", "corrected"}]}]``; energy sums the segments, demand takes the
        largest. ``blocked``: readings left out of the consumption by an open anomaly that
        blocks billing (their consumption in ``blocked_consumption``); ``corrected``:
        readings counted with their corrected value.
        """
        points = self.browse()
        if service_point_codes:
            points = self.search([("name", "in", list(service_point_codes))])
            unknown = set(service_point_codes) - set(points.mapped("name"))
            if unknown:
                raise UserError(
                    self.env._(
                        "Unknown service points: %(codes)s", codes=", ".join(sorted(unknown))
                    )
                )
        segments = self._get_billing_segments(date_from, date_to, points)
        points = self.browse({segment["service_point_id"] for segment in segments})
        lots = self.env["stock.lot"].browse({segment["lot_id"] for segment in segments})
        names = {lot.id: lot.name for lot in lots}
        point_by_id = {point.id: point for point in points}
        result = {}
        for segment in segments:
            key = (segment["service_point_id"], segment["register_type"])
            point = point_by_id[segment["service_point_id"]]
            entry = result.setdefault(
                key,
                {
                    "service_point": point.name,
                    "contract_ref": point.contract_ref or "",
                    "customer": point.partner_id.name or "",
                    "register_type": segment["register_type"],
                    "unit": REGISTER_UNITS.get(segment["register_type"], ""),
                    "consumption": 0.0,
                    "segments": [],
                },
            )
            consumption = float(segment["consumption"] or 0)
            if segment["register_type"] == "demand":
                entry["consumption"] = max(entry["consumption"], consumption)
            else:
                entry["consumption"] = round(entry["consumption"] + consumption, 3)
            entry["segments"].append(
                {
                    "meter_number": names[segment["lot_id"]],
                    "installed_on": fields.Datetime.to_string(segment["installed_on"]),
                    "removed_on": fields.Datetime.to_string(segment["removed_on"]) or False,
                    "opening_date": fields.Datetime.to_string(segment["opening_date"]),
                    "opening_value": float(segment["opening_value"]),
                    "closing_date": fields.Datetime.to_string(segment["closing_date"]),
                    "closing_value": float(segment["closing_value"]),
                    "multiplier": float(segment["multiplier"]),
                    "units": float(segment["units"]),
                    "consumption": consumption,
                    "readings": segment["reading_count"],
                    "rollovers": segment["rollovers"],
                    "anomalies": segment["anomalies"],
                    "blocked": segment["blocked"],
                    "blocked_consumption": float(segment["blocked_consumption"]),
                    "corrected": segment["corrected"],
                }
            )
        return list(result.values())
