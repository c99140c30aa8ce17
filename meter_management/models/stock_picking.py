from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.messages import meters_text
from ..tools.meter_numbers import MeterNumberError, format_ranges, parse_numbers

# meters in these states never leave a store by a dispatch
METER_STATES_NOT_DISPATCHABLE = ("installed", "transit", "rejected")


class StockPicking(models.Model):
    _inherit = "stock.picking"

    meter_movement_kind = fields.Selection(
        string="Movement Kind",
        related="picking_type_id.meter_movement_kind",
        store=True,
        index=True,
    )
    meter_reason_id = fields.Many2one(
        "meter.movement.reason",
        string="Reason",
        index=True,
        check_company=True,
        help="Why the meters are rejected or returned.",
    )
    meter_dest_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Destination Store",
        index=True,
        check_company=True,
        help="The store a dispatch sends the meters to; validating the dispatch creates the "
        "reception there.",
    )
    meter_dispatch_id = fields.Many2one(
        "stock.picking",
        string="Dispatch",
        index="btree_not_null",
        copy=False,
        check_company=True,
        help="The dispatch whose meters this reception or rejection on arrival handles.",
    )
    meter_arrival_ids = fields.One2many(
        "stock.picking",
        "meter_dispatch_id",
        string="Receptions and Rejections on Arrival",
    )
    meter_paste = fields.Text(
        string="Add Meters",
        copy=False,
        help="Meter numbers, ranges and lists, e.g. 30001-30010, 30015, A00998-A01002.",
    )
    meter_count = fields.Integer(string="Meters", compute="_compute_meter_ranges")
    meter_ranges = fields.Text(string="Meter Numbers", compute="_compute_meter_ranges")

    @api.depends("move_line_ids.lot_id")
    def _compute_meter_ranges(self):
        pickings = self.filtered(lambda p: p.id and p.meter_movement_kind)
        (self - pickings).update({"meter_count": 0, "meter_ranges": False})
        if not pickings:
            return
        self.env["stock.move.line"].flush_model(["picking_id", "lot_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT ml.picking_id, array_agg(lot.name)
                  FROM stock_move_line ml JOIN stock_lot lot ON lot.id = ml.lot_id
                 WHERE ml.picking_id = ANY(%s)
                 GROUP BY ml.picking_id
                """,
                pickings.ids,
            )
        )
        names = dict(self.env.cr.fetchall())
        for picking in pickings:
            numbers = names.get(picking.id, [])
            picking.meter_count = len(numbers)
            picking.meter_ranges = format_ranges(numbers)

    @api.onchange("meter_dest_warehouse_id")
    def _onchange_meter_dest_warehouse_id(self):
        if self.meter_movement_kind == "dispatch" and self.meter_dest_warehouse_id:
            self.location_dest_id = self.company_id.internal_transit_location_id

    @api.model_create_multi
    def create(self, vals_list):
        pickings = super().create(vals_list)
        # Add on a new transfer: the web client saves the transfer, then runs the button.
        # The pasted meters are added in the saving transaction, so that a refused number
        # saves nothing (no draft transfer is left behind).
        pickings.filtered("meter_paste").action_add_pasted_meters()
        return pickings

    # ------------------------------------------------------------------
    # Entering meters: pasted numbers, ranges and lists
    # ------------------------------------------------------------------

    def action_add_pasted_meters(self):
        """Add the meters pasted in ``meter_paste`` as lot lines, then clear the field."""
        for picking in self:
            if picking.meter_paste:
                picking._add_meter_numbers(picking.meter_paste)
                picking.meter_paste = False
        return True

    def _add_meter_numbers(self, text):
        """Add the meters ``text`` names to this picking as lot move lines.

        Numbers already on the picking are marked as picked, like a scan. Every number that
        cannot be taken from the source location is listed in one error, and nothing is added.
        Returns the number of meters added or picked.
        """
        self.ensure_one()
        self.check_access("write")
        self.env["stock.move.line"].check_access("create")
        if self.state in ("done", "cancel"):
            raise UserError(
                self.env._(
                    "%(picking)s is done or cancelled: no meter can be added.", picking=self.name
                )
            )
        try:
            numbers = parse_numbers(
                text, max_quantity=self.company_id.meter_max_range_quantity or None
            )
        except MeterNumberError as error:
            raise UserError(str(error)) from error
        rows = self._get_meter_availability(numbers)
        refused = self._get_meter_refusals(rows)
        if refused:
            raise UserError(self._format_meter_refusals(refused))
        to_pick = [row["own_line_id"] for row in rows if row["own_line_id"]]
        to_add = [row for row in rows if not row["own_line_id"]]
        if to_pick:
            self.env["stock.move.line"].browse(to_pick).picked = True
        if to_add:
            self._insert_meter_move_lines(to_add, picked=True)
        return len(rows)

    def _get_meter_availability(self, numbers):
        """Each number with its meter, its state and its quant in the source location (one query)."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                -- materialized: joined on the number outside, the meters' range scans
                -- could be flattened into a look-up by name (see _meter_numbers_query)
                WITH meter AS MATERIALIZED (%(meters)s
                ), given AS (
                    SELECT n.number, n.position, lot.id AS lot_id, lot.product_id, lot.meter_state
                      FROM unnest(%(numbers)s::varchar[]) WITH ORDINALITY AS n(number, position)
                      LEFT JOIN meter ON meter.name = n.number
                      LEFT JOIN stock_lot lot ON lot.id = meter.id
                ), quant AS (
                    SELECT DISTINCT ON (q.lot_id) q.lot_id, q.id, q.location_id,
                           q.quantity - q.reserved_quantity AS free
                      FROM stock_quant q
                      JOIN given ON given.lot_id = q.lot_id
                      JOIN stock_location loc ON loc.id = q.location_id
                     WHERE q.quantity > 0 AND loc.parent_path LIKE %(path)s
                     ORDER BY q.lot_id, q.quantity - q.reserved_quantity DESC, q.id
                ), own AS (
                    SELECT DISTINCT ON (ml.lot_id) ml.lot_id, ml.id
                      FROM stock_move_line ml
                      JOIN given ON given.lot_id = ml.lot_id
                     WHERE ml.picking_id = %(picking)s
                     ORDER BY ml.lot_id, ml.id
                ), other AS (
                    SELECT DISTINCT ON (ml.lot_id) ml.lot_id, p.name
                      FROM stock_move_line ml
                      JOIN given ON given.lot_id = ml.lot_id
                      JOIN stock_picking p ON p.id = ml.picking_id
                     WHERE p.id != %(picking)s AND p.meter_movement_kind = 'dispatch'
                       AND p.state NOT IN ('done', 'cancel')
                     ORDER BY ml.lot_id, p.id
                )
                SELECT given.number, given.lot_id, given.product_id, given.meter_state,
                       quant.id AS quant_id, quant.location_id, quant.free,
                       own.id AS own_line_id, other.name AS other_dispatch
                  FROM given
                  LEFT JOIN quant ON quant.lot_id = given.lot_id
                  LEFT JOIN own ON own.lot_id = given.lot_id
                  LEFT JOIN other ON other.lot_id = given.lot_id
                 ORDER BY given.position
                """,
                meters=self.env["stock.lot"]._meter_numbers_query(numbers, self.company_id.ids),
                numbers=numbers,
                path=f"{self.location_id.parent_path}%",
                picking=self.id,
            )
        )
        return self.env.cr.dictfetchall()

    def _get_meter_refusals(self, rows):
        """``{reason label: [numbers]}`` of the rows that cannot be added to this picking (hook)."""
        self.ensure_one()
        refused = defaultdict(list)
        states = dict(self.env["stock.lot"]._fields["meter_state"]._description_selection(self.env))
        is_dispatch = self.meter_movement_kind == "dispatch"
        # where the meters that are not here are: their store, named as people know it
        elsewhere = self.env["stock.lot"].browse(
            row["lot_id"] for row in rows if row["lot_id"] and not row["quant_id"]
        )
        stores = {lot.id: lot.meter_warehouse_id.name for lot in elsewhere}
        here = self.location_id._get_meter_place_name()
        for row in rows:
            number = row["number"]
            if not row["lot_id"]:
                refused[self.env._("unknown meter numbers")].append(number)
            elif row["own_line_id"]:
                continue
            elif is_dispatch and row["meter_state"] in METER_STATES_NOT_DISPATCHABLE:
                refused[states[row["meter_state"]]].append(number)
            elif is_dispatch and row["other_dispatch"]:
                refused[
                    self.env._("already in the open dispatch %(ref)s", ref=row["other_dispatch"])
                ].append(number)
            elif not row["quant_id"]:
                state = states.get(row["meter_state"], row["meter_state"])
                store = stores.get(row["lot_id"])
                refused[
                    self.env._(
                        "%(state)s at %(store)s, not in %(here)s",
                        state=state,
                        store=store,
                        here=here,
                    )
                    if store
                    else self.env._("%(state)s, not in %(here)s", state=state, here=here)
                ].append(number)
            elif row["free"] < 1:
                refused[self.env._("reserved by another transfer")].append(number)
        return refused

    def _format_meter_refusals(self, refused):
        lines = [
            f"- {label}: {format_ranges(numbers)}" for label, numbers in sorted(refused.items())
        ]
        return self.env._(
            "%(meters)s cannot be taken from %(location)s for %(picking)s; nothing was "
            "added:\n%(lines)s",
            meters=meters_text(self.env, sum(len(numbers) for numbers in refused.values())),
            location=self.location_id._get_meter_place_name(),
            picking=self.name,
            lines="\n".join(lines),
        )

    def _get_meter_moves(self, product_counts):
        """The open move of each product on this picking, created or enlarged to hold
        ``product_counts`` more meters: ``{product_id: move}``."""
        self.ensure_one()
        if self.state == "draft":
            self.action_confirm()
        moves = {}
        to_create = []
        for product_id, count in product_counts.items():
            move = self.move_ids.filtered(
                lambda m, p=product_id: m.product_id.id == p and m.state not in ("done", "cancel")
            )[:1]
            if move:
                needed = move.quantity + count
                move.product_uom_qty = max(move.product_uom_qty, needed)
                moves[product_id] = move
            else:
                to_create.append(self._prepare_meter_move_vals(product_id, count))
        if to_create:
            new_moves = self.env["stock.move"].create(to_create)
            new_moves._action_confirm(merge=False)
            moves.update({move.product_id.id: move for move in new_moves})
        return moves

    def _prepare_meter_move_vals(self, product_id, count):
        product = self.env["product.product"].browse(product_id)
        return {
            "name": product.display_name,
            "product_id": product.id,
            "product_uom_qty": count,
            "product_uom": product.uom_id.id,
            "location_id": self.location_id.id,
            "location_dest_id": self.location_dest_id.id,
            "picking_id": self.id,
            "picking_type_id": self.picking_type_id.id,
            "company_id": self.company_id.id,
        }

    def _insert_meter_move_lines(self, rows, picked=False):
        """Reserve the quants of ``rows`` (from :meth:`_get_meter_availability`) with one lot
        move line each: the lines Odoo's own ``stock.move.line.create`` leaves, written with
        one query per table. ``picked``: the meters are there, as when their numbers are
        scanned or pasted."""
        self.ensure_one()
        product_counts = defaultdict(int)
        for row in rows:
            product_counts[row["product_id"]] += 1
        moves = self._get_meter_moves(product_counts)
        # the move's quantity and state once the lines are there, as _recompute_state gives them
        move_values = {}
        for product_id, move in moves.items():
            quantity = move.quantity + product_counts[product_id]
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
                move_ids=[moves[row["product_id"]].id for row in rows],
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
        self.env.add_to_compute(self._fields["state"], self)
        self.env.flush_all()
        return self.env["stock.move"].browse(move_values)

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    def _pre_action_done_hook(self):
        # Odoo marks every move of a picking with nothing picked as picked, one line at a
        # time through the ORM; do it for meter pickings with one query per table
        to_pick = self.filtered(
            lambda p: (
                p.meter_movement_kind
                and not any(p.move_ids.mapped("picked"))
                and any(p.move_ids.mapped("quantity"))
            )
        )
        if to_pick:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "UPDATE stock_move_line SET picked = TRUE WHERE picking_id = ANY(%(ids)s) "
                    "AND state NOT IN ('done', 'cancel');"
                    "UPDATE stock_move SET picked = TRUE WHERE picking_id = ANY(%(ids)s) "
                    "AND state NOT IN ('done', 'cancel')",
                    ids=to_pick.ids,
                )
            )
            self.env.invalidate_all()
        return super()._pre_action_done_hook()

    def _check_meter_dispatches(self):
        """A dispatch names its destination store, and only sends meters that are in store and
        in no other open dispatch."""
        for picking in self.filtered(lambda p: p.meter_movement_kind == "dispatch"):
            if not picking.meter_dest_warehouse_id:
                raise UserError(
                    self.env._("Give the destination store of %(picking)s.", picking=picking.name)
                )
            if picking.meter_dest_warehouse_id == picking.picking_type_id.warehouse_id:
                raise UserError(
                    self.env._(
                        "%(picking)s sends meters to its own store %(store)s.",
                        picking=picking.name,
                        store=picking.meter_dest_warehouse_id.name,
                    )
                )
            if not picking.meter_dest_warehouse_id.meter_reception_type_id:
                raise UserError(
                    self.env._(
                        "The store %(store)s has no meter role: it cannot receive meters.",
                        store=picking.meter_dest_warehouse_id.name,
                    )
                )
            numbers = picking.move_line_ids.lot_id.mapped("name")
            if not numbers:
                continue
            rows = picking._get_meter_availability(numbers)
            for row in rows:
                # the lines of this picking reserve their own quants
                row["own_line_id"] = False
                row["free"] = 1
            refused = picking._get_meter_refusals(rows)
            if refused:
                raise UserError(picking._format_meter_refusals(refused))

    def _action_done(self):
        self._check_meter_dispatches()
        fast = self._get_meter_bulk_done_pickings()
        if fast:
            fast._meter_action_done_bulk()
        rest = self - fast
        result = super(StockPicking, rest)._action_done() if rest else True
        done = self.filtered(lambda p: p.meter_movement_kind and p.state == "done")
        done._meter_relocate_lots()
        # a reception's backorder keeps the meters still in transit reserved for it
        backorders = self.search(
            [
                ("backorder_id", "in", done.ids),
                ("meter_movement_kind", "=", "reception"),
                ("state", "in", ("confirmed", "waiting", "partially_available")),
            ]
        )
        if backorders:
            backorders.action_assign()
        self.filtered(
            lambda p: p.meter_movement_kind == "dispatch" and p.state == "done"
        )._create_meter_receptions()
        return result

    def _get_meter_bulk_done_pickings(self):
        """Meter pickings that the set-based done path can validate: every open move is fully
        picked with one lot line per meter, nothing packed, no owner, no valuation."""
        if "stock.valuation.layer" in self.env or self.env.context.get("meter_no_bulk_done"):
            return self.browse()
        pickings = self.filtered(lambda p: p.meter_movement_kind and not p.owner_id)
        if not pickings:
            return pickings
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

    def _meter_action_done_bulk(self):
        """Validate fully picked meter pickings with one query per table.

        It leaves what ``stock.move.line._action_done`` leaves for serials — the source quant
        emptied and unreserved, the destination quant created or filled with the source's
        in-date, the lines and moves done — without the ORM's work per line.
        """
        self.check_access("write")
        self._check_company()
        cr = self.env.cr
        now = fields.Datetime.now()
        done_date = now.replace(microsecond=0)
        uid = self.env.uid
        moves = self.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        self.env.flush_all()
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
        quant_ids = [row[4] for row in rows]
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
                ids=quant_ids,
            )
        )
        self._meter_fill_destination_quants(rows, uid, now)
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
        cr.execute(
            SQL(
                """
                UPDATE stock_move move
                   SET state = 'done', picked = TRUE, date = %(date)s, write_uid = %(uid)s,
                       write_date = %(now)s,
                       quantity = (SELECT SUM(ml.quantity) FROM stock_move_line ml
                                    WHERE ml.move_id = move.id)
                 WHERE id = ANY(%(moves)s)
                """,
                date=done_date,
                uid=uid,
                now=now,
                moves=moves.ids,
            )
        )
        cr.execute(
            SQL(
                "UPDATE stock_picking SET state = 'done', date_done = %(date)s, priority = '0', "
                "write_uid = %(uid)s, write_date = %(now)s WHERE id = ANY(%(ids)s)",
                date=done_date,
                uid=uid,
                now=now,
                ids=self.ids,
            )
        )
        if len(rows) >= 5000:
            cr.execute(SQL("ANALYZE stock_quant, stock_move_line, stock_lot"))
        self.env.invalidate_all()
        return True

    def _meter_fill_destination_quants(self, rows, uid, now):
        """Put each meter of ``rows`` into its destination: fill the empty quant the meter may
        have left there earlier, or create one, as ``_update_available_quantity`` does."""
        cr = self.env.cr
        locations = self.env["stock.location"].browse({row[3] for row in rows})
        inventory_dates = {loc.id: loc._get_next_inventory_date() or None for loc in locations}
        cr.execute(
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

    def _meter_relocate_lots(self):
        """Set the location of the meters these done pickings moved to where their line took
        them (also to a supplier, where Odoo leaves no positive quant), with their meter state
        and store; then compute the other stored fields that follow the location."""
        Lot = self.env["stock.lot"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ml.location_dest_id FROM stock_move_line ml
                 WHERE ml.picking_id = ANY(%s) AND ml.state = 'done'
                """,
                self.ids,
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
                  FROM stock_move_line ml,
                       unnest(%(locations)s::int[], %(states)s::varchar[], %(warehouses)s::int[])
                       AS loc(id, meter_state, warehouse_id)
                 WHERE ml.picking_id = ANY(%(pickings)s) AND ml.state = 'done' AND ml.lot_id = lot.id
                   AND loc.id = ml.location_dest_id AND lot.is_meter
                   AND lot.location_id IS DISTINCT FROM ml.location_dest_id
                RETURNING lot.id
                """,
                locations=locations.ids,
                states=[Lot._get_meter_state_from_location(loc) for loc in locations],
                warehouses=[loc.warehouse_id.id or None for loc in locations],
                pickings=self.ids,
            )
        )
        lots = Lot.browse(row[0] for row in self.env.cr.fetchall())
        self.env.invalidate_all()
        if not lots:
            return
        for field in self._get_meter_location_dependent_fields():
            self.env.add_to_compute(field, lots)
        self.env.flush_all()

    @api.model
    def _get_meter_location_dependent_fields(self):
        """Stored computed fields of meters that follow their location, other than the meter
        state and store that :meth:`_meter_relocate_lots` writes itself."""
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

    # ------------------------------------------------------------------
    # Reception of a dispatch at the destination store
    # ------------------------------------------------------------------

    def _create_meter_receptions(self):
        """Create, for each validated dispatch, the reception at its destination store with
        the dispatched meters reserved in transit."""
        receptions = self.browse()
        for dispatch in self:
            if dispatch.meter_arrival_ids:
                continue
            reception = self.create(dispatch._prepare_meter_reception_vals())
            reception.action_confirm()
            rows = dispatch._get_meter_transit_rows(reception.location_id)
            if rows:
                reception._insert_meter_move_lines(rows)
            receptions |= reception
        return receptions

    def _prepare_meter_reception_vals(self):
        self.ensure_one()
        warehouse = self.meter_dest_warehouse_id
        picking_type = warehouse.meter_reception_type_id
        done_moves = self.move_ids.filtered(lambda m: m.state == "done")
        return {
            "picking_type_id": picking_type.id,
            "location_id": self.location_dest_id.id,
            "location_dest_id": picking_type.default_location_dest_id.id
            or warehouse.lot_stock_id.id,
            "company_id": self.company_id.id,
            "origin": self.name,
            "meter_dispatch_id": self.id,
            "move_ids": [
                Command.create(
                    {
                        "name": move.name,
                        "product_id": move.product_id.id,
                        "product_uom_qty": move.quantity,
                        "product_uom": move.product_uom.id,
                        "location_id": self.location_dest_id.id,
                        "location_dest_id": picking_type.default_location_dest_id.id
                        or warehouse.lot_stock_id.id,
                        "company_id": self.company_id.id,
                        "move_orig_ids": [Command.link(move.id)],
                    }
                )
                for move in done_moves
            ],
        }

    def _get_meter_transit_rows(self, location):
        """The dispatched meters still in ``location``, as rows for :meth:`_insert_meter_move_lines`."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT ml.lot_id, ml.product_id, q.id AS quant_id, q.location_id
                  FROM stock_move_line ml
                  JOIN stock_quant q ON q.lot_id = ml.lot_id AND q.location_id = %(location)s
                                    AND q.quantity > 0 AND q.quantity - q.reserved_quantity >= 1
                 WHERE ml.picking_id = %(picking)s AND ml.state = 'done'
                 ORDER BY ml.id
                """,
                location=location.id,
                picking=self.id,
            )
        )
        return self.env.cr.dictfetchall()

    def _create_backorder_picking(self):
        # a reception's backorder still receives the meters of the same dispatch
        backorder = super()._create_backorder_picking()
        if self.meter_dispatch_id:
            backorder.meter_dispatch_id = self.meter_dispatch_id
        return backorder

    def action_open_meter_dispatch(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.meter_dispatch_id.name,
            "res_model": "stock.picking",
            "view_mode": "form",
            "res_id": self.meter_dispatch_id.id,
        }

    def action_open_meter_arrivals(self):
        """The reception of this dispatch; the list when meters were also rejected on arrival."""
        self.ensure_one()
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Arrivals of %(picking)s", picking=self.name),
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("meter_dispatch_id", "=", self.id)],
        }
        if len(self.meter_arrival_ids) == 1:
            action.update(
                {
                    "name": self.meter_arrival_ids.name,
                    "view_mode": "form",
                    "views": [(False, "form")],
                    "res_id": self.meter_arrival_ids.id,
                }
            )
        return action

    # ------------------------------------------------------------------
    # Rejection on arrival
    # ------------------------------------------------------------------

    def _reject_meters_on_arrival(self, text, reason):
        """Reject the meters ``text`` names from this reception: they leave its lines and go
        from transit to the store's rejected location with ``reason``, by a validated
        rejection. The rest stays in transit on the reception. Returns the rejection."""
        self.ensure_one()
        if self.meter_movement_kind != "reception" or self.state in ("done", "cancel"):
            raise UserError(
                self.env._("Meters can be rejected on arrival only from an open reception.")
            )
        if not reason:
            raise UserError(self.env._("Give the reason of the rejection."))
        try:
            numbers = parse_numbers(text)
        except MeterNumberError as error:
            raise UserError(str(error)) from error
        lines = self.move_line_ids.filtered(lambda ml: ml.lot_id.name in set(numbers))
        missing = set(numbers) - set(lines.lot_id.mapped("name"))
        if missing:
            raise UserError(
                self.env._(
                    "These meters are not on %(picking)s; nothing was rejected: %(numbers)s",
                    picking=self.name,
                    numbers=format_ranges(missing),
                )
            )
        warehouse = self.picking_type_id.warehouse_id
        rejection_type = warehouse.meter_rejection_type_id
        counts = {
            move: len(lines.filtered(lambda ml, m=move: ml.move_id == m)) for move in lines.move_id
        }
        lines.unlink()
        for move, count in counts.items():
            move.product_uom_qty = max(move.product_uom_qty - count, 0)
        rejection = self.create(
            {
                "picking_type_id": rejection_type.id,
                "location_id": self.location_id.id,
                "location_dest_id": warehouse.meter_rejected_location_id.id,
                "company_id": self.company_id.id,
                "origin": self.name,
                "meter_reason_id": reason.id,
                "meter_dispatch_id": self.meter_dispatch_id.id,
            }
        )
        rejection._add_meter_numbers(",".join(numbers))
        rejection.move_line_ids.picked = True
        rejection.with_context(skip_backorder=True).button_validate()
        self._cancel_emptied_meter_reception()
        return rejection

    def _cancel_emptied_meter_reception(self):
        """A reception left without meters (all of them rejected on arrival) has nothing
        more to receive: cancel it rather than leave it open."""
        emptied = self.filtered(
            lambda p: (
                p.meter_movement_kind == "reception"
                and p.state not in ("done", "cancel")
                and not p.move_line_ids
            )
        )
        if emptied:
            emptied.action_cancel()
        return emptied
