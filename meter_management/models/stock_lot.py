from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, create_index, split_every

from ..tools.meter_numbers import MeterNumberError, parse_numbers

METER_STATES = [
    ("new", "Registered"),
    ("store", "In store"),
    ("transit", "In transit"),
    ("laboratory", "In laboratory"),
    ("installed", "Installed"),
    ("rejected", "Rejected"),
    ("supplier", "Returned to supplier"),
    ("scrapped", "Scrapped"),
]


class StockLot(models.Model):
    _inherit = "stock.lot"

    is_meter = fields.Boolean(related="product_id.is_meter", store=True, index=True)
    meter_register_ids = fields.One2many("meter.register", "lot_id", string="Registers")
    meter_use_type_id = fields.Many2one(
        "meter.use.type", string="Type of Use", index=True, check_company=True, tracking=True
    )
    meter_group_id = fields.Many2one(
        "meter.group", string="Meter Group", index=True, check_company=True, ondelete="restrict"
    )
    meter_state = fields.Selection(
        METER_STATES,
        string="Meter State",
        compute="_compute_meter_state",
        store=True,
        index=True,
        help="Where the meter is, read from its stock: in a store, in transit, in a laboratory, "
        "installed at a service point, rejected, returned to the supplier or scrapped.",
    )
    meter_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Current Store",
        compute="_compute_meter_state",
        store=True,
        index=True,
    )
    meter_manufacturer_id = fields.Many2one(related="product_id.meter_manufacturer_id")
    meter_numbers = fields.Char(
        string="Meter Numbers",
        compute="_compute_meter_numbers",
        search="_search_meter_numbers",
        help="Search meters by numbers, ranges and lists: 30001-30010, 30015",
    )

    def init(self):
        res = super().init()
        # The hard rule: a meter number is unique per company among all meters, whatever
        # their type. Odoo's own check is per product and in Python only.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS stock_lot_meter_number_uniq "
                "ON stock_lot (COALESCE(company_id, 0), name) WHERE is_meter"
            )
        )
        create_index(
            self.env.cr,
            "stock_lot_meter_state_warehouse_idx",
            self._table,
            ["meter_state", "meter_warehouse_id"],
            where="is_meter",
        )
        return res

    @api.depends("product_id.company_id")
    def _compute_company_id(self):
        # Odoo leaves lots of a shared product without company; a meter belongs to a utility,
        # and its number is unique within that utility.
        res = super()._compute_company_id()
        for lot in self:
            if lot.is_meter and not lot.company_id:
                lot.company_id = self.env.company
        return res

    @api.depends(
        "location_id",
        "location_id.usage",
        "location_id.meter_usage",
        "location_id.scrap_location",
        "location_id.warehouse_id",
    )
    def _compute_meter_state(self):
        for lot in self:
            if not lot.is_meter:
                lot.meter_state = False
                lot.meter_warehouse_id = False
                continue
            lot.meter_state = self._get_meter_state_from_location(lot.location_id)
            lot.meter_warehouse_id = lot.location_id.warehouse_id

    @api.model
    def _get_meter_state_from_location(self, location):
        """The meter state a meter has when it lies in ``location`` (hook)."""
        if not location:
            return "new"
        if location.scrap_location or location.usage == "inventory":
            return "scrapped"
        if location.meter_usage in ("laboratory", "rejected", "installed"):
            return location.meter_usage
        if location.usage == "transit":
            return "transit"
        if location.usage == "supplier":
            return "supplier"
        if location.usage == "customer":
            return "installed"
        return "store"

    def _compute_meter_numbers(self):
        for lot in self:
            lot.meter_numbers = lot.name

    def _search_meter_numbers(self, operator, value):
        if operator not in ("=", "ilike", "in") or not value:
            return [("name", operator, value)]
        if isinstance(value, (list, tuple)):
            return [("name", "in", list(value))]
        try:
            numbers = parse_numbers(value)
        except MeterNumberError:
            return [("name", "ilike", value)]
        if len(numbers) == 1 and operator == "ilike":
            return [("name", "ilike", numbers[0])]
        return [("name", "in", numbers)]

    @api.constrains("name", "company_id", "product_id")
    def _check_meter_number_unique(self):
        meters = self.filtered("is_meter")
        if not meters:
            return
        # no flush: the database's unique index would refuse the row before this clear message
        duplicates = self._get_existing_meter_numbers(
            meters.mapped("name"), meters.company_id.ids, exclude_ids=meters.ids
        )
        seen = set()
        for name in meters.mapped(lambda lot: lot.name):
            if name in seen:
                duplicates.add(name)
            seen.add(name)
        if duplicates:
            raise ValidationError(
                self.env._(
                    "These meter numbers already exist: %(numbers)s",
                    numbers=", ".join(sorted(duplicates)),
                )
            )

    @api.model
    def _get_existing_meter_numbers(self, names, company_ids, exclude_ids=()):
        """Meter numbers among ``names`` that a meter of these companies already has.

        One query for any number of names.
        """
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT lot.name FROM stock_lot lot
                 WHERE lot.is_meter AND lot.name = ANY(%s) AND lot.company_id = ANY(%s)
                   AND NOT lot.id = ANY(%s)
                """,
                list(names),
                list(company_ids),
                list(exclude_ids),
            )
        )
        return {name for (name,) in self.env.cr.fetchall()}

    @api.model_create_multi
    def create(self, vals_list):
        lots = super().create(vals_list)
        lots.filtered(
            lambda lot: lot.is_meter and not lot.meter_register_ids
        )._create_registers_from_type()
        return lots

    def _prepare_register_vals_from_type(self, register_overrides=None):
        """Register values of one meter, from its type (``register_overrides`` wins)."""
        self.ensure_one()
        tmpl = self.product_id.product_tmpl_id
        common = {
            "ct_primary": tmpl.meter_ct_primary or 1.0,
            "ct_secondary": tmpl.meter_ct_secondary or 1.0,
            "pt_primary": tmpl.meter_pt_primary or 1.0,
            "pt_secondary": tmpl.meter_pt_secondary or 1.0,
        }
        common.update(register_overrides or {})
        return [
            {**common, **type_register._prepare_meter_register_vals()}
            for type_register in tmpl.meter_register_template_ids
        ]

    def _create_registers_from_type(self):
        vals_list = []
        for lot in self:
            vals_list += [
                {**vals, "lot_id": lot.id} for vals in lot._prepare_register_vals_from_type()
            ]
        return self.env["meter.register"].create(vals_list)

    def action_open_meter_registers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Registers of %(meter)s", meter=self.name),
            "res_model": "meter.register",
            "view_mode": "list,form",
            "domain": [("lot_id", "=", self.id)],
            "context": {"default_lot_id": self.id},
        }

    # ------------------------------------------------------------------
    # Bulk registration of meters into a store (set-based)
    # ------------------------------------------------------------------

    @api.model
    def _register_meters_in_store(
        self,
        product,
        numbers,
        warehouse,
        group,
        use_type=False,
        partner=False,
        register_overrides=None,
        batch_size=20000,
    ):
        """Create the meters ``numbers`` of type ``product`` and a validated receipt that
        puts each of them into ``warehouse``'s stock.

        It leaves the same records as Odoo's receipt of serials — a lot, a move line and a
        quant per meter (and the supplier's negative quant), the receipt done — but writes
        them with one query per table and batch instead of the ORM's per-line work, so that a
        range of 100,000 meters fits in one call of a normal worker.
        """
        company = warehouse.company_id
        picking_type = warehouse.in_type_id
        src_location = picking_type.default_location_src_id or self.env.ref(
            "stock.stock_location_suppliers"
        )
        dest_location = warehouse.lot_stock_id
        picking = self.env["stock.picking"].create(
            self._prepare_meter_receipt_vals(
                product, numbers, picking_type, src_location, dest_location, group, partner
            )
        )
        move = picking.move_ids
        self.env.flush_all()
        now = fields.Datetime.now()
        uid = self.env.uid
        meter_state = self._get_meter_state_from_location(dest_location)
        register_vals = self._prepare_bulk_register_vals(product, register_overrides)
        inventory_date = dest_location._get_next_inventory_date() or None
        cr = self.env.cr
        lot_ids = []
        for chunk in split_every(batch_size, numbers, list):
            cr.execute(
                SQL(
                    """
                    INSERT INTO stock_lot (name, product_id, product_uom_id, company_id, location_id,
                                           is_meter, meter_use_type_id, meter_group_id, meter_state,
                                           meter_warehouse_id, create_uid, create_date, write_uid, write_date)
                    SELECT number, %(product)s, %(uom)s, %(company)s, %(location)s, TRUE, %(use_type)s,
                           %(group)s, %(state)s, %(warehouse)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM unnest(%(numbers)s::varchar[]) WITH ORDINALITY AS t(number, position)
                     ORDER BY position
                    RETURNING id
                    """,
                    product=product.id,
                    uom=product.uom_id.id,
                    company=company.id,
                    location=dest_location.id,
                    use_type=use_type.id if use_type else None,
                    group=group.id,
                    state=meter_state,
                    warehouse=warehouse.id,
                    uid=uid,
                    now=now,
                    numbers=chunk,
                )
            )
            chunk_ids = [row[0] for row in cr.fetchall()]
            lot_ids += chunk_ids
            if register_vals:
                self._insert_bulk_registers(chunk_ids, register_vals, company, uid, now)
            cr.execute(
                SQL(
                    """
                    INSERT INTO stock_move_line (move_id, picking_id, company_id, product_id, product_uom_id,
                                                 lot_id, lot_name, location_id, location_dest_id, state,
                                                 reference, quantity, quantity_product_uom, picked, date,
                                                 create_uid, create_date, write_uid, write_date)
                    SELECT %(move)s, %(picking)s, %(company)s, %(product)s, %(uom)s, lot_id, number,
                           %(src)s, %(dest)s, 'done', %(reference)s, 1.0, 1.0, TRUE, %(date)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM unnest(%(lot_ids)s::int[], %(numbers)s::varchar[]) AS t(lot_id, number)
                    """,
                    move=move.id,
                    picking=picking.id,
                    company=company.id,
                    product=product.id,
                    uom=product.uom_id.id,
                    src=src_location.id,
                    dest=dest_location.id,
                    reference=picking.name,
                    date=now.replace(microsecond=0),
                    uid=uid,
                    now=now,
                    lot_ids=chunk_ids,
                    numbers=chunk,
                )
            )
            cr.execute(
                SQL(
                    """
                    INSERT INTO stock_quant (product_id, company_id, location_id, lot_id, quantity,
                                             reserved_quantity, inventory_diff_quantity, inventory_date,
                                             inventory_quantity_set, in_date, create_uid, create_date, write_uid, write_date)
                    SELECT %(product)s, loc.company_id, loc.id, lot_id, loc.quantity, 0, -loc.quantity,
                           loc.inventory_date, FALSE, %(in_date)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM unnest(%(lot_ids)s::int[]) AS t(lot_id)
                     CROSS JOIN (VALUES (%(dest)s, %(dest_company)s, 1.0, %(inventory_date)s::date),
                                        (%(src)s, %(src_company)s, -1.0, NULL::date))
                                AS loc(id, company_id, quantity, inventory_date)
                    """,
                    product=product.id,
                    in_date=now.replace(microsecond=0),
                    uid=uid,
                    now=now,
                    lot_ids=chunk_ids,
                    dest=dest_location.id,
                    dest_company=dest_location.company_id.id or None,
                    inventory_date=inventory_date,
                    src=src_location.id,
                    src_company=src_location.company_id.id or None,
                )
            )
        done_date = now.replace(microsecond=0)
        cr.execute(
            SQL(
                "UPDATE stock_move SET state = 'done', quantity = %(qty)s, picked = TRUE, date = %(date)s "
                "WHERE id = %(move)s",
                qty=float(len(numbers)),
                date=done_date,
                move=move.id,
            )
        )
        cr.execute(
            SQL(
                "UPDATE stock_picking SET state = 'done', date_done = %(date)s, is_locked = TRUE "
                "WHERE id = %(picking)s",
                date=done_date,
                picking=picking.id,
            )
        )
        if len(numbers) >= 5000:
            # planner statistics: quant look-ups after a bulk load are twice as slow without
            cr.execute(SQL("ANALYZE stock_lot, stock_quant, stock_move_line, meter_register"))
        self.env.invalidate_all()
        lots = self.browse(lot_ids)
        self._recompute_bulk_fields(lots)
        return lots, picking

    @api.model
    def _prepare_meter_receipt_vals(
        self, product, numbers, picking_type, src_location, dest_location, group, partner
    ):
        return {
            "picking_type_id": picking_type.id,
            "location_id": src_location.id,
            "location_dest_id": dest_location.id,
            "partner_id": partner.id if partner else False,
            "origin": group.name,
            "company_id": picking_type.company_id.id,
            "move_ids": [
                Command.create(
                    {
                        "name": product.display_name,
                        "product_id": product.id,
                        "product_uom_qty": len(numbers),
                        "product_uom": product.uom_id.id,
                        "location_id": src_location.id,
                        "location_dest_id": dest_location.id,
                        "company_id": picking_type.company_id.id,
                    }
                )
            ],
        }

    @api.model
    def _prepare_bulk_register_vals(self, product, register_overrides=None):
        """Register values shared by every meter of a bulk registration."""
        registers = []
        tmpl = product.product_tmpl_id
        common = {
            "ct_primary": tmpl.meter_ct_primary or 1.0,
            "ct_secondary": tmpl.meter_ct_secondary or 1.0,
            "pt_primary": tmpl.meter_pt_primary or 1.0,
            "pt_secondary": tmpl.meter_pt_secondary or 1.0,
        }
        common.update(register_overrides or {})
        for type_register in tmpl.meter_register_template_ids:
            vals = {**common, **type_register._prepare_meter_register_vals()}
            # the stored computes of meter.register, evaluated once for the whole batch
            register = self.env["meter.register"].new(vals)
            vals.update(
                ct_ratio=register.ct_ratio,
                pt_ratio=register.pt_ratio,
                multiplier=register.multiplier,
            )
            registers.append(vals)
        return registers

    @api.model
    def _insert_bulk_registers(self, lot_ids, register_vals, company, uid, now):
        columns = list(register_vals[0])
        rows = [tuple(vals[column] for column in columns) for vals in register_vals]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO meter_register (lot_id, company_id, %(columns)s,
                                            create_uid, create_date, write_uid, write_date)
                SELECT lot_id, %(company)s, reg.*, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(lot_ids)s::int[]) AS t(lot_id)
                 CROSS JOIN (VALUES %(rows)s) AS reg(%(columns)s)
                """,
                columns=SQL(", ").join(SQL.identifier(column) for column in columns),
                company=company.id,
                uid=uid,
                now=now,
                lot_ids=lot_ids,
                rows=SQL(", ").join(
                    SQL("(%s)", SQL(", ").join(SQL("%s", value) for value in row)) for row in rows
                ),
            )
        )

    @api.model
    def _recompute_bulk_fields(self, lots):
        """Compute the stored fields that other add-ons add to meters, which the bulk
        insert did not fill, in batches."""
        filled = {
            "name",
            "product_id",
            "product_uom_id",
            "company_id",
            "location_id",
            "is_meter",
            "meter_use_type_id",
            "meter_group_id",
            "meter_state",
            "meter_warehouse_id",
            "lot_properties",  # empty, as Odoo's own receipt leaves it
        }
        fields_to_compute = [
            field
            for name, field in lots._fields.items()
            if field.store and field.compute and name not in filled
        ]
        if not fields_to_compute:
            return
        for batch in split_every(1000, lots.ids, self.browse):
            for field in fields_to_compute:
                self.env.add_to_compute(field, batch)
            batch.flush_recordset()
            self.env.invalidate_all()
