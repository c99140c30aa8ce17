from psycopg2.errors import UniqueViolation

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.messages import meters_text
from ..tools.meter_numbers import (
    MeterNumberError,
    format_ranges,
    number_range,
    range_ends,
    range_size,
)


class MeterRangeRegistration(models.TransientModel):
    """Register a group of meters received together, by their manufacturer's numbers."""

    _name = "meter.range.registration"
    _description = "Register a Range of Meters"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    product_id = fields.Many2one(
        "product.product",
        string="Meter Type",
        required=True,
        domain=[("is_meter", "=", True)],
        check_company=True,
    )
    first_number = fields.Char(
        required=True, help="Manufacturer's number of the first meter, e.g. 30001."
    )
    last_number = fields.Char(help="Number of the last meter; or give the quantity instead.")
    quantity = fields.Integer(
        compute="_compute_quantity",
        store=True,
        readonly=False,
        help="How many meters from the first number on; computed from the last number when given.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        required=True,
        check_company=True,
        default=lambda self: self._default_warehouse(),
    )
    partner_id = fields.Many2one("res.partner", string="Supplier")
    use_type_id = fields.Many2one(
        "meter.use.type",
        string="Type of Use",
        compute="_compute_use_type_id",
        store=True,
        readonly=False,
        check_company=True,
    )
    group_name = fields.Char(
        string="Group", help="Name of the new meter group; left empty, the next group number."
    )
    manufacturer_id = fields.Many2one(
        "res.partner", compute="_compute_manufacturer_id", store=True, readonly=False
    )
    model = fields.Char(compute="_compute_model", store=True, readonly=False)
    year = fields.Integer(
        string="Year of Manufacture", default=lambda self: fields.Date.context_today(self).year
    )
    ct_primary = fields.Float(
        string="CT Primary (A)", compute="_compute_ct_primary", store=True, readonly=False
    )
    ct_secondary = fields.Float(
        string="CT Secondary (A)", compute="_compute_ct_secondary", store=True, readonly=False
    )
    pt_primary = fields.Float(
        string="PT Primary (V)", compute="_compute_pt_primary", store=True, readonly=False
    )
    pt_secondary = fields.Float(
        string="PT Secondary (V)", compute="_compute_pt_secondary", store=True, readonly=False
    )
    multiplier = fields.Float(compute="_compute_multiplier", digits=(16, 6), min_display_digits=1)
    register_summary = fields.Char(string="Registers", compute="_compute_register_summary")
    preview = fields.Char(compute="_compute_preview")

    @api.model
    def _default_warehouse(self):
        warehouses = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], order="sequence, id"
        )
        return warehouses.filtered(lambda wh: wh.meter_role == "central")[:1] or warehouses[:1]

    @api.depends("first_number", "last_number")
    def _compute_quantity(self):
        for wizard in self:
            if wizard.first_number and wizard.last_number:
                try:
                    wizard.quantity = max(range_size(wizard.first_number, wizard.last_number), 0)
                except MeterNumberError:
                    wizard.quantity = 0

    # one compute per field: a value given for one of them (as the RPC call does) leaves the
    # others to their own default from the meter type
    @api.depends("product_id")
    def _compute_use_type_id(self):
        for wizard in self:
            wizard.use_type_id = wizard.product_id.meter_use_type_id

    @api.depends("product_id")
    def _compute_manufacturer_id(self):
        for wizard in self:
            wizard.manufacturer_id = wizard.product_id.meter_manufacturer_id

    @api.depends("product_id")
    def _compute_model(self):
        for wizard in self:
            wizard.model = wizard.product_id.meter_model

    @api.depends("product_id")
    def _compute_ct_primary(self):
        for wizard in self:
            wizard.ct_primary = wizard.product_id.meter_ct_primary or 1.0

    @api.depends("product_id")
    def _compute_ct_secondary(self):
        for wizard in self:
            wizard.ct_secondary = wizard.product_id.meter_ct_secondary or 1.0

    @api.depends("product_id")
    def _compute_pt_primary(self):
        for wizard in self:
            wizard.pt_primary = wizard.product_id.meter_pt_primary or 1.0

    @api.depends("product_id")
    def _compute_pt_secondary(self):
        for wizard in self:
            wizard.pt_secondary = wizard.product_id.meter_pt_secondary or 1.0

    @api.depends("ct_primary", "ct_secondary", "pt_primary", "pt_secondary")
    def _compute_multiplier(self):
        for wizard in self:
            if wizard.ct_secondary and wizard.pt_secondary:
                wizard.multiplier = (wizard.ct_primary / wizard.ct_secondary) * (
                    wizard.pt_primary / wizard.pt_secondary
                )
            else:
                wizard.multiplier = 0.0

    @api.depends("product_id")
    def _compute_register_summary(self):
        for wizard in self:
            wizard.register_summary = ", ".join(
                f"{register.unit} ({register.digits}+{register.decimals})"
                for register in wizard.product_id.meter_register_template_ids
            )

    @api.depends("first_number", "last_number", "quantity")
    def _compute_preview(self):
        for wizard in self:
            try:
                first, last, count = wizard._get_range_ends()
            except UserError:
                wizard.preview = False
                continue
            wizard.preview = self.env._(
                "%(first)s … %(last)s: %(meters)s",
                first=first,
                last=last,
                meters=meters_text(self.env, count),
            )

    def _get_range_ends(self):
        """``(first, last, count)`` of the range, checked, without expanding it."""
        self.ensure_one()
        first = (self.first_number or "").strip()
        last = (self.last_number or "").strip() or None
        if not first:
            raise UserError(self.env._("Give the first meter number."))
        if not last and not self.quantity:
            raise UserError(self.env._("Give the last number or the quantity of the range."))
        try:
            return range_ends(first, last, None if last else self.quantity)
        except MeterNumberError as error:
            raise UserError(str(error)) from error

    def _get_numbers(self, max_quantity=None):
        """The meter numbers of the range, with their width and prefix kept."""
        first, last, count = self._get_range_ends()
        if max_quantity and count > max_quantity:
            raise UserError(
                self.env._(
                    "A registration may create at most %(max)s; the range %(first)s … %(last)s "
                    "has %(count)s.",
                    max=meters_text(self.env, max_quantity),
                    first=first,
                    last=last,
                    count=count,
                )
            )
        return number_range(first, last)

    def _check_registration(self, numbers):
        self.ensure_one()
        if not self.product_id.is_meter:
            raise UserError(
                self.env._("%(product)s is not a meter type.", product=self.product_id.display_name)
            )
        if not self.warehouse_id.lot_stock_id:
            raise UserError(
                self.env._(
                    "The store %(store)s has no stock location.", store=self.warehouse_id.name
                )
            )
        existing = self.env["stock.lot"]._get_existing_meter_numbers(
            numbers, self.warehouse_id.company_id.ids
        )
        if existing:
            raise UserError(self._get_existing_numbers_message(existing))
        for name in ("ct_primary", "ct_secondary", "pt_primary", "pt_secondary"):
            if self[name] <= 0:
                raise UserError(self.env._("CT and PT values must be positive."))

    def _get_existing_numbers_message(self, existing):
        return self.env._(
            "Already registered (%(meters)s), nothing was created: %(numbers)s",
            meters=meters_text(self.env, len(existing)),
            numbers=", ".join(sorted(existing)[:200]) + (" …" if len(existing) > 200 else ""),
        )

    def _get_committed_meter_numbers(self, numbers):
        """Numbers among ``numbers`` that meters committed by other transactions have.

        This transaction's snapshot predates them (Odoo works in REPEATABLE READ), so they
        are read by a cursor of its own."""
        with self.env.registry.cursor() as cr:
            return (
                self.env(cr=cr)["stock.lot"]
                .sudo()
                ._get_existing_meter_numbers(numbers, self.warehouse_id.company_id.ids)
            )

    def _prepare_group_vals(self, numbers):
        self.ensure_one()
        vals = {
            "company_id": self.warehouse_id.company_id.id,
            "product_id": self.product_id.id,
            "manufacturer_id": self.manufacturer_id.id,
            "model": self.model,
            "year": self.year,
            "date_received": self.warehouse_id.company_id._meter_today(),
        }
        if self.group_name:
            vals["name"] = self.group_name
        return vals

    def _check_access_rights(self):
        """The bulk path writes with SQL: check the rights the ORM would have checked."""
        for model in ("stock.lot", "meter.register", "stock.picking", "meter.group"):
            self.env[model].check_access("create")

    def _register_meters(self):
        """Create the meters, their group and the validated receipt into the store.

        Returns ``(group, picking, meters)``.
        """
        self.ensure_one()
        self._check_access_rights()
        numbers = self._get_numbers(
            max_quantity=self.warehouse_id.company_id.meter_max_range_quantity
        )
        self._check_registration(numbers)
        try:
            # a registration of the same numbers committed meanwhile by another transaction
            # is refused by the unique index: nothing of this one is left, and the message
            # names every number as when the registrations come one after the other
            with self.env.cr.savepoint():
                group = self.env["meter.group"].create(self._prepare_group_vals(numbers))
                lots, picking = self._register_meters_in_store(numbers, group)
        except UniqueViolation as error:
            existing = self._get_committed_meter_numbers(numbers)
            if not existing:
                raise
            raise UserError(self._get_existing_numbers_message(existing)) from error
        group.message_post(
            body=self.env._(
                "%(meters)s registered (%(first)s … %(last)s) into %(store)s by %(picking)s.",
                meters=meters_text(self.env, len(lots)),
                first=numbers[0],
                last=numbers[-1],
                store=self.warehouse_id.name,
                picking=picking.name,
            )
        )
        return group, picking.with_env(self.env), lots.with_env(self.env)

    def _register_meters_in_store(self, numbers, group):
        return (
            self.env["stock.lot"]
            .sudo()
            ._register_meters_in_store(
                self.product_id,
                numbers,
                self.warehouse_id,
                group,
                use_type=self.use_type_id,
                partner=self.partner_id,
                register_overrides={
                    "ct_primary": self.ct_primary,
                    "ct_secondary": self.ct_secondary,
                    "pt_primary": self.pt_primary,
                    "pt_secondary": self.pt_secondary,
                },
            )
        )

    def action_register(self):
        """Register the range, say what was done, then show the new meters."""
        _group, _picking, lots = self._register_meters()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Meters registered"),
                "message": self.env._(
                    "%(meters)s registered into %(store)s: %(numbers)s",
                    meters=meters_text(self.env, len(lots)),
                    store=self.warehouse_id.name,
                    numbers=format_ranges(lots.mapped("name"), counts=False),
                ),
                "next": _group.action_view_meters(),
            },
        }

    @api.model
    def register_range(self, vals):
        """RPC entry point: register a range of meters in one call.

        ``vals`` holds the wizard's fields, e.g. ``{"product_id": 7, "first_number": "30001",
        "last_number": "30010", "warehouse_id": 1}``. Returns the group, the receipt and the
        number of meters created.
        """
        group, picking, lots = self.create(vals)._register_meters()
        return {
            "group_id": group.id,
            "group_name": group.name,
            "picking_id": picking.id,
            "picking_name": picking.name,
            "meter_count": len(lots),
        }
