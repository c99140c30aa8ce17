import logging

from odoo import Command, api, fields, models, tools
from odoo.tools import SQL, split_every

_logger = logging.getLogger(__name__)

# The methods whose work each set-based operation does in SQL instead of calling them. An
# override of one of them by an add-on the engine does not reproduce sends the operation
# through Odoo's own path (see _get_fast_path_refusal). The methods the fast path calls
# itself (_send_confirmation_email, _trigger_assign, stock_account's valuation) need no check;
# those that sort the moves for valuation are read once per kind of line (_get_valued_moves).
VALUATION_SORT_METHODS = (
    "_is_in",
    "_is_out",
    "_get_in_move_lines",
    "_get_out_move_lines",
    "_sanity_check_for_valuation",
)
DONE_METHODS = {
    "stock.picking": ("_action_done", "write"),
    "stock.move": ("_action_done", "write", *VALUATION_SORT_METHODS),
    "stock.move.line": ("_action_done", "write", "_should_exclude_for_valuation"),
    "stock.quant": ("_update_available_quantity", "_update_reserved_quantity", "create", "write"),
}
REPLACED_METHODS = {
    "done": DONE_METHODS,
    "reserve": {
        "stock.move": ("write",),
        "stock.move.line": ("create",),
        "stock.quant": ("_update_reserved_quantity", "write"),
    },
    "register": {
        **DONE_METHODS,
        "stock.lot": ("create", "write"),
        "stock.move.line": ("_action_done", "write", "create", "_should_exclude_for_valuation"),
        "meter.register": ("create",),
    },
}


class MeterStockEngine(models.AbstractModel):
    """The one place that writes Odoo's stock tables set-based for meters: lots, move lines,
    quants, moves and pickings done, lot locations.

    Each operation leaves what Odoo's own path leaves (the tests compare the rows column by
    column), with one query per table and batch instead of the ORM's work per line. Before
    each call it checks that no installed add-on overrides a method whose work it replaces;
    if one does, the call goes through Odoo's own path, so that add-on's work is done.
    With ``stock_account`` it values the moves through stock_account's own methods.
    """

    _name = "meter.stock.engine"
    _description = "Meter Stock Engine"

    # ------------------------------------------------------------------
    # Fast path or Odoo's own path
    # ------------------------------------------------------------------

    @api.model
    def _get_reproduced_modules(self):
        """Add-ons whose overrides of the replaced methods the fast path reproduces (hook)."""
        return {"stock", "meter_management", "stock_account"}

    @api.model
    @tools.ormcache("operation")
    def _get_fast_path_refusal(self, operation):
        """Why ``operation`` cannot take the fast path (overrides found in the registry), or
        an empty string."""
        known = self._get_reproduced_modules()
        found = []
        for model_name, methods in REPLACED_METHODS[operation].items():
            if model_name not in self.env:
                continue
            for cls in type(self.env[model_name]).__mro__:
                own = cls.__dict__
                inherits = own.get("_inherit") or ()
                inherits = [inherits] if isinstance(inherits, str) else inherits
                if own.get("_name") != model_name and model_name not in inherits:
                    continue  # a mixin or the registry's own class
                module = getattr(cls, "_module", None)
                if module in known:
                    continue
                found += [f"{model_name}.{name} ({module})" for name in methods if name in own]
        return (
            ", ".join(found) and f"overridden by add-ons it does not reproduce: {', '.join(found)}"
        )

    @api.model
    def _use_fast_path(self, operation):
        if self.env.context.get("meter_no_bulk_done"):
            _logger.debug("meter stock engine: %s through Odoo's own path (asked)", operation)
            return False
        reason = self._get_fast_path_refusal(operation)
        if reason:
            _logger.info("meter stock engine: %s through Odoo's own path, %s", operation, reason)
        return not reason

    # ------------------------------------------------------------------
    # Registration: the meters and the validated receipt into a store
    # ------------------------------------------------------------------

    @api.model
    def register_meters(self, receipt_vals, lot_vals, numbers, register_vals, batch_size=20000):
        """Create the meters ``numbers`` (``lot_vals``: their shared values) with registers
        ``register_vals`` and the receipt ``receipt_vals`` (one move) that puts them into
        stock, validated. Returns ``(lots, picking)``."""
        picking = self.env["stock.picking"].create(receipt_vals)
        if not self._use_fast_path("register"):
            return self._register_meters_odoo(picking, lot_vals, numbers, register_vals)
        move = picking.move_ids
        product = move.product_id
        src, dest = move.location_id, move.location_dest_id
        self.env.flush_all()
        now = fields.Datetime.now()
        date = now.replace(microsecond=0)
        uid = self.env.uid
        Lot = self.env["stock.lot"]
        bulk_registers = self._prepare_bulk_register_vals(register_vals)
        inventory_date = dest._get_next_inventory_date() or None
        cr = self.env.cr
        lot_ids = []
        for chunk in split_every(batch_size, numbers, list):
            cr.execute(
                SQL(
                    """
                    INSERT INTO stock_lot (name, product_id, product_uom_id, company_id, location_id,
                                           is_meter, meter_use_type_id, meter_group_id, meter_state,
                                           meter_warehouse_id, meter_calibration_status,
                                           create_uid, create_date, write_uid, write_date)
                    SELECT number, %(product)s, %(uom)s, %(company)s, %(location)s, TRUE, %(use_type)s,
                           %(group)s, %(state)s, %(warehouse)s, 'never',
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM unnest(%(numbers)s::varchar[]) WITH ORDINALITY AS t(number, position)
                     ORDER BY position
                    RETURNING id
                    """,
                    product=product.id,
                    uom=product.uom_id.id,
                    company=lot_vals["company_id"],
                    location=dest.id,
                    use_type=lot_vals.get("meter_use_type_id") or None,
                    group=lot_vals["meter_group_id"],
                    state=Lot._get_meter_state_from_location(dest),
                    warehouse=dest.warehouse_id.id or None,
                    uid=uid,
                    now=now,
                    numbers=chunk,
                )
            )
            chunk_ids = [row[0] for row in cr.fetchall()]
            lot_ids += chunk_ids
            # before the rows that reference these meters: their foreign-key checks run plans
            # that PostgreSQL caches, made for the table as its statistics describe it
            self._analyze_grown_tables({"stock_lot": len(chunk_ids)})
            if bulk_registers:
                self._insert_registers(chunk_ids, bulk_registers, uid, now)
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
                    company=move.company_id.id,
                    product=product.id,
                    uom=product.uom_id.id,
                    src=src.id,
                    dest=dest.id,
                    reference=picking.name,
                    date=date,
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
                    in_date=date,
                    uid=uid,
                    now=now,
                    lot_ids=chunk_ids,
                    dest=dest.id,
                    dest_company=dest.company_id.id or None,
                    inventory_date=inventory_date,
                    src=src.id,
                    src_company=src.company_id.id or None,
                )
            )
        self.env.invalidate_all()
        lots = Lot.browse(lot_ids)
        if "lot_valuated" in product._fields and product.lot_valuated:
            # what stock_account's stock.lot.create does
            lots.with_context(disable_auto_svl=True).write(
                {"standard_price": product.standard_price}
            )
            self.env.flush_all()
        valued_moves = self._get_valued_moves(move)
        self._set_moves_done(move, date, uid, now, quantity=len(numbers))
        self._set_pickings_done(picking, date, uid, now)
        # quant look-ups after a bulk load are twice as slow with stale statistics; registers
        # are only read by meter, through their unique index
        self._analyze_grown_tables(
            {"stock_quant": 2 * len(numbers), "stock_move_line": len(numbers)}
        )
        self.env.invalidate_all()
        self._value_done_moves(valued_moves)
        self._after_done(picking)
        self._recompute_bulk_fields(lots)
        return lots, picking

    @api.model
    def _register_meters_odoo(self, picking, lot_vals, numbers, register_vals):
        """Odoo's own receipt of serials: lots created, lot lines, the receipt validated."""
        lots = self.env["stock.lot"].create(
            [
                {
                    **lot_vals,
                    "name": number,
                    "product_id": picking.move_ids.product_id.id,
                    "meter_register_ids": [Command.create(vals) for vals in register_vals],
                }
                for number in numbers
            ]
        )
        picking.action_confirm()
        move = picking.move_ids
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": move.product_id.id,
                    "lot_id": lot.id,
                    "lot_name": lot.name,
                    "quantity": 1,
                    "picked": True,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
                for lot in lots
            ]
        )
        picking.with_context(meter_no_bulk_done=True)._action_done()
        return lots, picking

    @api.model
    def _prepare_bulk_register_vals(self, register_vals):
        """Register rows with the stored computes of meter.register evaluated once."""
        registers = []
        for vals in register_vals:
            register = self.env["meter.register"].new(vals)
            registers.append(
                dict(
                    vals,
                    ct_ratio=register.ct_ratio,
                    pt_ratio=register.pt_ratio,
                    multiplier=register.multiplier,
                )
            )
        return registers

    @api.model
    def _insert_registers(self, lot_ids, register_vals, uid, now):
        columns = list(register_vals[0])
        rows = [tuple(vals[column] for column in columns) for vals in register_vals]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO meter_register (lot_id, create_uid, create_date, write_uid, write_date,
                                            %(columns)s)
                SELECT lot_id, %(uid)s, %(now)s, %(uid)s, %(now)s, reg.*
                  FROM unnest(%(lot_ids)s::int[]) AS t(lot_id)
                 CROSS JOIN (VALUES %(rows)s) AS reg(%(columns)s)
                """,
                columns=SQL(", ").join(SQL.identifier(column) for column in columns),
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
            # a new meter was never verified: no due date, no due month
            "meter_calibration_status",
            "meter_calibration_due_month",
            "meter_lab_arrival_date",  # registered into a store, not a laboratory
        }
        fields_to_compute = [
            field
            for name, field in lots._fields.items()
            if field.store and field.compute and name not in filled
        ]
        if not fields_to_compute:
            return
        for batch in split_every(1000, lots.ids, lots.browse):
            for field in fields_to_compute:
                self.env.add_to_compute(field, batch)
            batch.flush_recordset()
            self.env.invalidate_all()

    @api.model
    def _analyze_grown_tables(self, new_rows):
        """Refresh the planner statistics of the tables that ``new_rows`` (``{table: rows
        inserted}``) grew past autovacuum's own threshold: 50 rows and 10 % of the rows the
        statistics know, by the server's settings.

        Autovacuum would analyze them after the commit; the transaction itself needs them now:
        a plan made while the table looked empty reads the whole table per row. A small
        insert into a large table analyzes nothing.
        """
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT rel.relname FROM pg_class rel
                  JOIN unnest(%s::regclass[], %s::int[]) AS grown(oid, count) ON grown.oid = rel.oid
                 WHERE grown.count > current_setting('autovacuum_analyze_threshold')::int
                       + current_setting('autovacuum_analyze_scale_factor')::float
                         * GREATEST(rel.reltuples, 0)
                """,
                list(new_rows),
                list(new_rows.values()),
            )
        )
        tables = sorted(name for (name,) in cr.fetchall())
        if tables:
            cr.execute(SQL("ANALYZE %s", SQL(", ").join(map(SQL.identifier, tables))))
        return tables
