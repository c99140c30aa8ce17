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
        move line each, through the stock engine. ``picked``: the meters are there, as when
        their numbers are scanned or pasted."""
        self.ensure_one()
        product_counts = defaultdict(int)
        for row in rows:
            product_counts[row["product_id"]] += 1
        moves = self._get_meter_moves(product_counts)
        self.env["meter.stock.engine"].reserve_meter_lines(moves, rows, picked=picked)
        self.env.add_to_compute(self._fields["state"], self)
        self.env.flush_all()
        return self.env["stock.move"].browse(move.id for move in moves.values())

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    def _pre_action_done_hook(self):
        # Odoo marks every move of a picking with nothing picked as picked, one line at a
        # time through the ORM; the engine does it for meter pickings with one query per table
        to_pick = self.filtered(
            lambda p: (
                p.meter_movement_kind
                and not any(p.move_ids.mapped("picked"))
                and any(p.move_ids.mapped("quantity"))
            )
        )
        if to_pick:
            self.env["meter.stock.engine"].mark_picked(to_pick)
        return super()._pre_action_done_hook()

    def _get_lot_move_lines_for_sanity_check(self, none_done_picking_ids, separate_pickings=True):
        # Odoo reads every line of a transfer to find the ones without a serial; for meter
        # pickings (thousands of lines), one query finds them: only those matter to the check
        meter = self.filtered("meter_movement_kind") if separate_pickings else self.browse()
        lines = super(StockPicking, self - meter)._get_lot_move_lines_for_sanity_check(
            none_done_picking_ids, separate_pickings
        )
        if not meter:
            return lines
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT ml.id FROM stock_move_line ml
                  JOIN product_product pp ON pp.id = ml.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE ml.picking_id = ANY(%(ids)s) AND pt.tracking != 'none'
                   AND ml.lot_id IS NULL AND COALESCE(ml.lot_name, '') = ''
                   AND (ml.picking_id = ANY(%(none_done)s) OR (ml.picked AND ml.quantity != 0))
                """,
                ids=meter.ids,
                none_done=list(none_done_picking_ids),
            )
        )
        return lines | lines.browse(row[0] for row in self.env.cr.fetchall())

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
            refused = picking._get_meter_refusals(picking._get_meter_unavailable_lines())
            if refused:
                raise UserError(picking._format_meter_refusals(refused))

    def _get_meter_unavailable_lines(self):
        """The meters on this dispatch's lines that cannot leave, as rows of
        :meth:`_get_meter_availability` (one query, whatever the number of lines: the
        meters that can leave are not read)."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT lot.name AS number, lot.id AS lot_id, lot.product_id, lot.meter_state,
                       quant.id AS quant_id, quant.location_id, 1 AS free,
                       FALSE AS own_line_id, other.name AS other_dispatch
                  FROM stock_move_line ml
                  JOIN stock_lot lot ON lot.id = ml.lot_id
                  LEFT JOIN LATERAL (
                       SELECT q.id, q.location_id FROM stock_quant q
                         JOIN stock_location loc ON loc.id = q.location_id
                        WHERE q.lot_id = ml.lot_id AND q.quantity > 0
                          AND loc.parent_path LIKE %(path)s
                        LIMIT 1) quant ON TRUE
                  LEFT JOIN LATERAL (
                       SELECT p.name FROM stock_move_line other_ml
                         JOIN stock_picking p ON p.id = other_ml.picking_id
                        WHERE other_ml.lot_id = ml.lot_id AND p.id != %(picking)s
                          AND p.meter_movement_kind = 'dispatch'
                          AND p.state NOT IN ('done', 'cancel')
                        ORDER BY p.id LIMIT 1) other ON TRUE
                 WHERE ml.picking_id = %(picking)s AND ml.state NOT IN ('done', 'cancel')
                   AND (lot.meter_state IN %(states)s OR quant.id IS NULL
                        OR other.name IS NOT NULL)
                 ORDER BY lot.name
                """,
                path=f"{self.location_id.parent_path}%",
                picking=self.id,
                states=METER_STATES_NOT_DISPATCHABLE,
            )
        )
        return self.env.cr.dictfetchall()

    def _action_done(self):
        self._check_meter_dispatches()
        engine = self.env["meter.stock.engine"]
        date = self.env.context.get("meter_done_date")
        # meter pickings, and the pickings of meter installations and removals
        fast = engine.get_fast_done_pickings(self, any_kind=bool(date))
        if fast:
            engine.validate_pickings(fast, date=date)
        rest = self - fast
        result = super(StockPicking, rest)._action_done() if rest else True
        if rest and date:
            # Odoo's own path dates everything now
            rest._meter_set_done_date(date)
        done = self.filtered(lambda p: (p.meter_movement_kind or p in fast) and p.state == "done")
        engine.relocate_lots(done)
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

    def _meter_set_done_date(self, date):
        self.write({"date_done": date})
        self.move_ids.write({"date": date})
        self.move_ids.move_line_ids.write({"date": date})

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
