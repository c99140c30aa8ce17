from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.meter_numbers import format_ranges


class MeterStockEngine(models.AbstractModel):
    """The engine's transfers: lot lines reserved, pickings validated, meters relocated."""

    _inherit = "meter.stock.engine"

    @api.model
    def reserve_meter_lines(self, moves, rows, picked=False):
        """Reserve the quants of ``rows`` (``lot_id``, ``product_id``, ``location_id``,
        ``quant_id``) with one lot move line each on ``moves`` (``{product_id: move}``): the
        lines Odoo's own ``stock.move.line.create`` leaves. ``picked``: the meters are there,
        as when their numbers are scanned."""
        move_ids = [moves[row["product_id"]].id for row in rows]
        if not self._use_fast_path("reserve"):
            self.env["stock.move.line"].create(
                [
                    {
                        "move_id": move_id,
                        "picking_id": moves[row["product_id"]].picking_id.id,
                        "product_id": row["product_id"],
                        "lot_id": row["lot_id"],
                        "quantity": 1,
                        "picked": picked,
                        "location_id": row["location_id"],
                    }
                    for move_id, row in zip(move_ids, rows, strict=True)
                ]
            )
            return
        counts = {}
        for move_id in move_ids:
            counts[move_id] = counts.get(move_id, 0) + 1
        # the move's quantity and state once the lines are there, as _recompute_state gives them
        move_values = {}
        for move in self.env["stock.move"].browse(counts):
            quantity = move.quantity + counts[move.id]
            state = "assigned" if quantity >= move.product_uom_qty else "partially_available"
            move_values[move.id] = (quantity, state)
        self.env.flush_all()
        now = fields.Datetime.now()
        uid = self.env.uid
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                UPDATE stock_move move
                   SET quantity = t.quantity, state = t.state, picked = move.picked OR %(picked)s,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM unnest(%(ids)s::int[], %(quantities)s::numeric[], %(states)s::varchar[])
                       AS t(id, quantity, state)
                 WHERE move.id = t.id
                """,
                uid=uid,
                now=now,
                picked=picked,
                ids=list(move_values),
                quantities=[values[0] for values in move_values.values()],
                states=[values[1] for values in move_values.values()],
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO stock_move_line (move_id, picking_id, company_id, product_id, product_uom_id,
                                             lot_id, location_id, location_dest_id, state, reference,
                                             quantity, quantity_product_uom, picked, date,
                                             create_uid, create_date, write_uid, write_date)
                SELECT move.id, move.picking_id, move.company_id, move.product_id, move.product_uom,
                       t.lot_id, t.location_id, move.location_dest_id, move.state, move.reference,
                       1.0, 1.0, %(picked)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(move_ids)s::int[], %(lot_ids)s::int[], %(location_ids)s::int[])
                       WITH ORDINALITY AS t(move_id, lot_id, location_id, position)
                  JOIN stock_move move ON move.id = t.move_id
                 ORDER BY t.position
                """,
                now=now,
                uid=uid,
                picked=picked,
                move_ids=move_ids,
                lot_ids=[row["lot_id"] for row in rows],
                location_ids=[row["location_id"] for row in rows],
            )
        )
        cr.execute(
            SQL(
                "UPDATE stock_quant SET reserved_quantity = reserved_quantity + 1, "
                "write_uid = %(uid)s, write_date = %(now)s WHERE id = ANY(%(ids)s)",
                uid=uid,
                now=now,
                ids=[row["quant_id"] for row in rows],
            )
        )
        self.env.invalidate_all()

    @api.model
    def mark_picked(self, pickings):
        """Mark every open move and line of ``pickings`` picked, as Odoo's
        ``_pre_action_done_hook`` does one line at a time."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE stock_move_line SET picked = TRUE WHERE picking_id = ANY(%(ids)s) "
                "AND state NOT IN ('done', 'cancel');"
                "UPDATE stock_move SET picked = TRUE WHERE picking_id = ANY(%(ids)s) "
                "AND state NOT IN ('done', 'cancel')",
                ids=pickings.ids,
            )
        )
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    @api.model
    def get_fast_done_pickings(self, pickings, any_kind=False):
        """The meter pickings that the set-based done path can validate: every open move is
        fully picked with one lot line per meter, nothing packed, no owner, no chained move,
        and no add-on overrides what the fast path replaces. ``any_kind``: also pickings of
        no meter movement kind."""
        pickings = pickings.filtered(
            lambda p: (any_kind or p.meter_movement_kind) and not p.owner_id
        )
        if not pickings or not self._use_fast_path("done"):
            return pickings.browse()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT move.picking_id
                  FROM stock_move move
                  JOIN product_product pp ON pp.id = move.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  LEFT JOIN stock_move_line ml ON ml.move_id = move.id
                 WHERE move.picking_id = ANY(%(ids)s) AND move.state NOT IN ('done', 'cancel')
                 GROUP BY move.picking_id, move.id, pt.tracking, pt.is_storable
                HAVING NOT (pt.tracking = 'serial' AND pt.is_storable
                            AND COUNT(ml.id) > 0
                            AND COUNT(ml.id) = SUM(ml.quantity)
                            AND SUM(ml.quantity) = move.product_uom_qty
                            AND bool_and(ml.picked AND ml.lot_id IS NOT NULL AND ml.quantity = 1
                                         AND ml.package_id IS NULL AND ml.result_package_id IS NULL
                                         AND ml.owner_id IS NULL AND move.product_uom = ml.product_uom_id
                                         AND move.product_uom = pt.uom_id))
                    OR EXISTS (SELECT 1 FROM stock_move_move_rel r WHERE r.move_orig_id = move.id)
                """,
                ids=pickings.ids,
            )
        )
        excluded = {row[0] for row in self.env.cr.fetchall()}
        return pickings.filtered(
            lambda p: (
                p.id not in excluded
                and p.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            )
        )

    @api.model
    def validate_pickings(self, pickings, date=None):
        """Validate fully picked meter pickings (from :meth:`get_fast_done_pickings`) with
        one query per table, dated ``date`` (default: now).

        It leaves what ``stock.move.line._action_done`` leaves for serials — the source quant
        emptied and unreserved, the destination quant created or filled with the source's
        in-date, the lines and moves done — and stock_account's valuation of the moves.
        """
        pickings.check_access("write")
        pickings._check_company()
        cr = self.env.cr
        now = fields.Datetime.now()
        done_date = (date or now).replace(microsecond=0)
        uid = self.env.uid
        moves = pickings.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        self.env.flush_all()
        valued_moves = self._get_valued_moves(moves)
        # the source quants: emptied, unreserved; their in-date goes with the meter
        cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (ml.id) ml.id, ml.lot_id, ml.product_id, ml.location_dest_id,
                       q.id, q.in_date, q.reserved_quantity
                  FROM stock_move_line ml
                  LEFT JOIN stock_quant q
                         ON q.lot_id = ml.lot_id AND q.location_id = ml.location_id
                        AND q.package_id IS NULL AND q.owner_id IS NULL AND q.quantity > 0
                 WHERE ml.move_id = ANY(%(moves)s)
                 ORDER BY ml.id, q.id
                """,
                moves=moves.ids,
            )
        )
        rows = cr.fetchall()
        missing = [row[1] for row in rows if not row[4]]
        if missing:
            lots = self.env["stock.lot"].browse(missing)
            raise UserError(
                self.env._(
                    "These meters are not in the source location any more: %(numbers)s",
                    numbers=format_ranges(lots.mapped("name")),
                )
            )
        cr.execute(
            SQL(
                """
                UPDATE stock_quant
                   SET quantity = quantity - 1, reserved_quantity = GREATEST(reserved_quantity - 1, 0),
                       write_uid = %(uid)s, write_date = %(now)s
                 WHERE id = ANY(%(ids)s)
                """,
                uid=uid,
                now=now,
                ids=[row[4] for row in rows],
            )
        )
        self._fill_destination_quants(rows, uid, now)
        cr.execute(
            SQL(
                "UPDATE stock_move_line SET state = 'done', picked = TRUE, date = %(date)s, "
                "write_uid = %(uid)s, write_date = %(now)s WHERE move_id = ANY(%(moves)s)",
                date=done_date,
                uid=uid,
                now=now,
                moves=moves.ids,
            )
        )
        self._set_moves_done(moves, done_date, uid, now)
        self._set_pickings_done(pickings, done_date, uid, now)
        if len(rows) >= 5000:
            cr.execute(SQL("ANALYZE stock_quant, stock_move_line, stock_lot"))
        self.env.invalidate_all()
        self._value_done_moves(valued_moves)
        self._after_done(pickings)
        return True

    @api.model
    def _set_moves_done(self, moves, date, uid, now, quantity=None):
        """Moves done, their quantity the sum of their lines (or ``quantity``)."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE stock_move move
                   SET state = 'done', picked = TRUE, date = %(date)s, write_uid = %(uid)s,
                       write_date = %(now)s,
                       quantity = COALESCE(%(quantity)s, (SELECT SUM(ml.quantity)
                                                           FROM stock_move_line ml
                                                          WHERE ml.move_id = move.id))
                 WHERE id = ANY(%(moves)s)
                """,
                date=date,
                uid=uid,
                now=now,
                quantity=quantity,
                moves=moves.ids,
            )
        )

    @api.model
    def _set_pickings_done(self, pickings, date, uid, now):
        # the chatter's tracking of the transfer ("Ready → Done"), as Odoo's own write leaves
        # it: mail reads the tracked values now and posts the changes when the transaction is
        # flushed
        pickings._track_prepare(pickings._track_get_fields())
        self.env.cr.execute(
            SQL(
                "UPDATE stock_picking SET state = 'done', date_done = %(date)s, priority = '0', "
                "write_uid = %(uid)s, write_date = %(now)s WHERE id = ANY(%(ids)s)",
                date=date,
                uid=uid,
                now=now,
                ids=pickings.ids,
            )
        )
        pickings.invalidate_recordset(["state", "date_done", "priority", "write_uid", "write_date"])

    @api.model
    def _after_done(self, pickings):
        """What Odoo's ``stock.picking._action_done`` does once the moves are done."""
        pickings.filtered(
            lambda p: p.picking_type_id.code in ("incoming", "internal")
        ).move_ids.filtered(lambda m: m.state == "done")._trigger_assign()
        pickings._send_confirmation_email()

    @api.model
    def _fill_destination_quants(self, rows, uid, now):
        """Put each meter of ``rows`` into its destination: fill the empty quant the meter may
        have left there earlier, or create one, as ``_update_available_quantity`` does."""
        locations = self.env["stock.location"].browse({row[3] for row in rows})
        inventory_dates = {loc.id: loc._get_next_inventory_date() or None for loc in locations}
        self.env.cr.execute(
            SQL(
                """
                WITH incoming AS (
                    SELECT * FROM unnest(%(lots)s::int[], %(products)s::int[], %(dests)s::int[],
                                         %(in_dates)s::timestamp[])
                           AS t(lot_id, product_id, location_id, in_date)
                ), filled AS (
                    UPDATE stock_quant q
                       SET quantity = q.quantity + 1, in_date = incoming.in_date,
                           write_uid = %(uid)s, write_date = %(now)s
                      FROM incoming
                     WHERE q.lot_id = incoming.lot_id AND q.location_id = incoming.location_id
                       AND q.package_id IS NULL AND q.owner_id IS NULL
                    RETURNING q.lot_id
                )
                INSERT INTO stock_quant (product_id, company_id, location_id, storage_category_id, lot_id,
                                         quantity, reserved_quantity, inventory_diff_quantity,
                                         inventory_date, inventory_quantity_set, in_date,
                                         create_uid, create_date, write_uid, write_date)
                SELECT incoming.product_id, loc.company_id, loc.id, loc.storage_category_id,
                       incoming.lot_id, 1, 0, -1, dates.inventory_date, FALSE, incoming.in_date,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM incoming
                  JOIN stock_location loc ON loc.id = incoming.location_id
                  JOIN unnest(%(date_locations)s::int[], %(date_values)s::date[])
                       AS dates(location_id, inventory_date) ON dates.location_id = loc.id
                 WHERE incoming.lot_id NOT IN (SELECT lot_id FROM filled)
                """,
                lots=[row[1] for row in rows],
                products=[row[2] for row in rows],
                dests=[row[3] for row in rows],
                in_dates=[row[5] for row in rows],
                uid=uid,
                now=now,
                date_locations=list(inventory_dates),
                date_values=list(inventory_dates.values()),
            )
        )

    # ------------------------------------------------------------------
    # Meters' locations and meter columns
    # ------------------------------------------------------------------

    @api.model
    def update_meters(self, assignments, where, joins=None, stamp=True):
        """``UPDATE stock_lot lot SET assignments [FROM joins] WHERE where`` for the meters'
        own columns (calibration status, due dates), one statement for any number of meters;
        ``stamp``: also write_uid / write_date. Returns the ids of the updated meters. The
        caller invalidates the fields it wrote."""
        if stamp:
            assignments = SQL(
                "%s, write_uid = %s, write_date = now() at time zone 'UTC'",
                assignments,
                self.env.uid,
            )
        self.env.cr.execute(
            SQL(
                "UPDATE stock_lot lot SET %s %s WHERE lot.is_meter AND %s RETURNING lot.id",
                assignments,
                SQL("FROM %s", joins) if joins else SQL(),
                where,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def relocate_lots(self, pickings):
        """Set the location of the meters these done pickings moved to where their line took
        them (also to a supplier, where Odoo leaves no positive quant), with their meter state
        and store; then compute the other stored fields that follow the location."""
        Lot = self.env["stock.lot"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ml.location_dest_id
                  FROM stock_move_line ml JOIN stock_move move ON move.id = ml.move_id
                 WHERE move.picking_id = ANY(%s) AND ml.state = 'done'
                """,
                pickings.ids,
            )
        )
        locations = self.env["stock.location"].browse(row[0] for row in self.env.cr.fetchall())
        if not locations:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE stock_lot lot
                   SET location_id = ml.location_dest_id, meter_state = loc.meter_state,
                       meter_warehouse_id = loc.warehouse_id
                  FROM stock_move_line ml
                  JOIN stock_move move ON move.id = ml.move_id,
                       unnest(%(locations)s::int[], %(states)s::varchar[], %(warehouses)s::int[])
                       AS loc(id, meter_state, warehouse_id)
                 WHERE move.picking_id = ANY(%(pickings)s) AND ml.state = 'done' AND ml.lot_id = lot.id
                   AND loc.id = ml.location_dest_id AND lot.is_meter
                   AND lot.location_id IS DISTINCT FROM ml.location_dest_id
                RETURNING lot.id
                """,
                locations=locations.ids,
                states=[Lot._get_meter_state_from_location(loc) for loc in locations],
                warehouses=[loc.warehouse_id.id or None for loc in locations],
                pickings=pickings.ids,
            )
        )
        lots = Lot.browse(row[0] for row in self.env.cr.fetchall())
        self.env.invalidate_all()
        if not lots:
            return
        # the computes read each meter's location: one query for all, not one per thousand
        lots.fetch([name for name, field in lots._fields.items() if field.prefetch is True])
        for field in self._get_location_dependent_fields():
            self.env.add_to_compute(field, lots)
        self.env.flush_all()

    @api.model
    def _get_location_dependent_fields(self):
        """Stored computed fields of meters that follow their location, other than the meter
        state and store that :meth:`relocate_lots` writes itself."""
        Lot = self.env["stock.lot"]
        written = {"location_id", "meter_state", "meter_warehouse_id"}
        result = []
        for name, field in Lot._fields.items():
            if not (field.store and field.compute) or name in written:
                continue
            depends = self.env.registry.field_depends[field]
            if any(dep.split(".")[0] in written for dep in depends):
                result.append(field)
        return result
