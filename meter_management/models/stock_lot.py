from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, create_index

from ..tools.calibration import CALIBRATION_STATUSES, calibration_status
from ..tools.meter_numbers import (
    MeterNumberError,
    compress_numbers,
    parse_numbers,
    split_number,
)

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

    # not indexed: nearly every lot of a utility is a meter; the meter indexes below are
    # partial (WHERE is_meter) instead
    is_meter = fields.Boolean(related="product_id.is_meter", store=True)
    meter_register_ids = fields.One2many("meter.register", "lot_id", string="Registers")
    meter_use_type_id = fields.Many2one(
        "meter.use.type",
        string="Type of Use",
        index="btree_not_null",
        check_company=True,
        tracking=True,
    )
    meter_group_id = fields.Many2one(
        "meter.group", string="Meter Group", index=True, check_company=True, ondelete="restrict"
    )
    # indexed with the current store in init(): (meter_state, meter_warehouse_id)
    meter_state = fields.Selection(
        METER_STATES,
        string="Meter State",
        compute="_compute_meter_state",
        store=True,
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
    # movements between stores (stock.picking in models/stock_picking.py)
    meter_transit_route = fields.Char(
        string="In Transit",
        compute="_compute_meter_transit_route",
        help="For a meter in transit: the store that sent it and the store it goes to.",
    )
    meter_place = fields.Char(
        string="Where",
        compute="_compute_meter_place",
        help="The meter's store; for a meter in transit, the store that sent it and the store "
        "it goes to.",
    )
    meter_move_line_ids = fields.One2many(
        "stock.move.line",
        compute="_compute_meter_move_line_ids",
        string="Meter History",
        help="Every movement of the meter, newest first.",
    )
    # installation at service points (meter.installation writes it, in the same operation)
    meter_installation_ids = fields.One2many("meter.installation", "lot_id", string="Installations")
    meter_service_point_id = fields.Many2one(
        "meter.service.point",
        string="Service Point",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The service point where the meter is installed now.",
    )
    # calibration / verification (meter.calibration sets them, the daily cron refreshes the status)
    meter_calibration_ids = fields.One2many("meter.calibration", "lot_id", string="Calibrations")
    meter_last_calibration_date = fields.Date(string="Last Verification", copy=False, tracking=True)
    meter_last_calibration_result = fields.Selection(
        [("pass", "Passed"), ("fail", "Failed")], string="Last Result", copy=False
    )
    # btree_not_null: a new meter has no due date yet, and every search on it names a date
    meter_next_calibration_date = fields.Date(
        string="Verification Due", copy=False, index="btree_not_null", tracking=True
    )
    meter_calibration_status = fields.Selection(
        CALIBRATION_STATUSES,
        string="Calibration Status",
        compute="_compute_meter_calibration_status",
        store=True,
        index=True,
        help="Refreshed every day by a scheduled action: due soon means within the company's "
        "horizon before the due date.",
    )
    meter_calibration_due_month = fields.Date(
        string="Due Month",
        compute="_compute_meter_calibration_status",
        store=True,
        index="btree_not_null",
        help="First day of the month in which the verification falls due.",
    )
    meter_lab_arrival_date = fields.Date(
        string="Waiting in Laboratory Since",
        compute="_compute_meter_lab_arrival_date",
        store=True,
        help="Date the meter arrived in the laboratory queue where it lies, while it has not "
        "been tested since: the meter is waiting for calibration.",
    )
    meter_calibration_notice_id = fields.Many2one(
        "meter.calibration.notice", copy=False, readonly=True, index="btree_not_null"
    )
    meter_replacement_required = fields.Boolean(
        string="To Replace",
        copy=False,
        tracking=True,
        help="Its group failed a sample recertification: the meter must be replaced.",
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
        # serves "meter_state = X" alone too; a lot that is no meter has no state
        create_index(
            self.env.cr,
            "stock_lot_meter_state_warehouse_idx",
            self._table,
            ["meter_state", "meter_warehouse_id"],
            where="meter_state IS NOT NULL",
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

    def _compute_single_location(self):
        """A meter that left the company (returned to its supplier) keeps no positive quant,
        so Odoo finds no location for it: it lies where its last done move took it."""
        res = super()._compute_single_location()
        lost = self.filtered(lambda lot: lot.id and lot.is_meter and not lot.location_id)
        if not lost:
            return res
        self.env["stock.move.line"].flush_model(["lot_id", "location_dest_id", "state", "date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (ml.lot_id) ml.lot_id, ml.location_dest_id
                  FROM stock_move_line ml
                 WHERE ml.lot_id = ANY(%s) AND ml.state = 'done'
                 ORDER BY ml.lot_id, ml.date DESC, ml.id DESC
                """,
                lost.ids,
            )
        )
        last = dict(self.env.cr.fetchall())
        # the locations read together, not one query each
        locations = self.env["stock.location"].browse(set(last.values()))
        by_id = {location.id: location for location in locations}
        for lot in lost:
            location = by_id.get(last.get(lot.id), self.env["stock.location"])
            # only where Odoo keeps no stock: a meter elsewhere with no quant has no place
            if location.usage == "supplier":
                lot.location_id = location
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

    @api.depends("meter_next_calibration_date", "meter_last_calibration_result", "is_meter")
    def _compute_meter_calibration_status(self):
        todays = {}
        for lot in self:
            company = lot.company_id or self.env.company
            if company not in todays:
                todays[company] = company._meter_today()
            today = todays[company]
            if not lot.is_meter:
                lot.meter_calibration_status = False
                lot.meter_calibration_due_month = False
                continue
            due = lot.meter_next_calibration_date
            lot.meter_calibration_status = calibration_status(
                due,
                today,
                lot.company_id.meter_calibration_horizon_days,
                failed=lot.meter_last_calibration_result == "fail",
            )
            lot.meter_calibration_due_month = due and due.replace(day=1)

    def _compute_meter_transit_route(self):
        in_transit = self.filtered(lambda lot: lot.id and lot.meter_state == "transit")
        (self - in_transit).meter_transit_route = False
        if not in_transit:
            return
        self.env.flush_all()
        # the last done dispatch of each meter in transit: one query for all
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (ml.lot_id) ml.lot_id, source.name, dest.name
                  FROM stock_move_line ml
                  JOIN stock_picking p ON p.id = ml.picking_id
                  JOIN stock_picking_type pt ON pt.id = p.picking_type_id
                  LEFT JOIN stock_warehouse source ON source.id = pt.warehouse_id
                  LEFT JOIN stock_warehouse dest ON dest.id = p.meter_dest_warehouse_id
                 WHERE ml.lot_id = ANY(%s) AND ml.state = 'done'
                   AND p.meter_movement_kind = 'dispatch'
                 ORDER BY ml.lot_id, ml.date DESC, ml.id DESC
                """,
                in_transit.ids,
            )
        )
        routes = {lot_id: (source, dest) for lot_id, source, dest in self.env.cr.fetchall()}
        for lot in in_transit:
            source, dest = routes.get(lot.id, (False, False))
            lot.meter_transit_route = (
                f"{source or '?'} → {dest or '?'}" if source or dest else False
            )

    @api.depends("meter_state", "meter_warehouse_id")
    def _compute_meter_place(self):
        for lot in self:
            if lot.meter_state == "transit":
                lot.meter_place = lot.meter_transit_route or lot.location_id.name
            else:
                lot.meter_place = lot.meter_warehouse_id.name

    def _compute_meter_move_line_ids(self):
        lines = self.env["stock.move.line"].search(
            [("lot_id", "in", self.ids), ("state", "=", "done")], order="date desc, id desc"
        )
        by_lot = {}
        for line in lines:
            by_lot.setdefault(line.lot_id.id, []).append(line.id)
        for lot in self:
            lot.meter_move_line_ids = [Command.set(by_lot.get(lot.id, []))]

    @api.depends("location_id", "meter_calibration_ids.state", "meter_calibration_ids.date")
    def _compute_meter_lab_arrival_date(self):
        """Date of the done move line that brought the meter into the laboratory queue where
        it lies, unless the meter was tested since; one query for all the meters."""
        in_lab = self.filtered(
            lambda lot: lot.id and lot.is_meter and lot.location_id.meter_usage == "laboratory"
        )
        (self - in_lab).meter_lab_arrival_date = False
        if not in_lab:
            return
        self.env["stock.move.line"].flush_model(["lot_id", "location_dest_id", "state", "date"])
        self.env["meter.calibration"].flush_model(["lot_id", "state", "date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT lot.id, arrival.day
                  FROM unnest(%(ids)s::int[], %(locations)s::int[], %(tzs)s::varchar[])
                       AS lot(id, location_id, tz)
                 CROSS JOIN LATERAL (
                       -- the day of the arrival in the company's time zone
                       SELECT (sml.date AT TIME ZONE 'UTC' AT TIME ZONE lot.tz)::date AS day,
                              sml.create_date
                         FROM stock_move_line sml
                        WHERE sml.lot_id = lot.id AND sml.location_dest_id = lot.location_id
                          AND sml.state = 'done'
                        ORDER BY sml.date DESC LIMIT 1
                       ) arrival
                 WHERE NOT EXISTS (
                       -- tested since: a result dated from the arrival on, or recorded after
                       -- the move that brought the meter
                       SELECT 1 FROM meter_calibration cal
                        WHERE cal.lot_id = lot.id AND cal.state = 'done'
                          AND (cal.date >= arrival.day OR cal.create_date >= arrival.create_date)
                       )
                """,
                ids=in_lab.ids,
                locations=[lot.location_id.id for lot in in_lab],
                tzs=[lot.company_id._get_meter_tz() for lot in in_lab],
            )
        )
        arrivals = dict(self.env.cr.fetchall())
        for lot in in_lab:
            lot.meter_lab_arrival_date = arrivals.get(lot.id, False)

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
        if len(numbers) == 1:
            return [("name", operator if operator != "in" else "=", numbers[0])]
        return [
            (
                "id",
                "in",
                SQL("(SELECT meter.id FROM (%s) AS meter)", self._meter_numbers_query(numbers)),
            )
        ]

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
        """Meter numbers among ``names`` (a range, ranges or any list) that a meter of these
        companies already has, other than the meters ``exclude_ids``: one range scan of the
        unique index per run of consecutive numbers (``_meter_numbers_query``), however many
        numbers and meters there are."""
        if not names:
            return set()
        self.env.cr.execute(
            SQL(
                "SELECT meter.name FROM (%s) AS meter WHERE NOT meter.id = ANY(%s)",
                self._meter_numbers_query(names, company_ids),
                list(exclude_ids),
            )
        )
        return {name for (name,) in self.env.cr.fetchall()}

    @api.model
    def _meter_numbers_query(self, numbers, company_ids=None):
        """SQL selecting ``id, name`` of the meters whose number is among ``numbers``, of these
        companies (default: any).

        Numbers of one prefix and one width sort as they count, so each run of consecutive
        numbers (``compress_numbers``) is one range scan of the unique index on
        ``(COALESCE(company_id, 0), name)``; the length, prefix and digits checks make it
        exact, and a number not ending in digits is a run of itself.

        Odoo's trigram index on the name (GIN) serves equality too, and after a bulk load its
        statistics, refreshed only by VACUUM, price it as empty: given ``name = ANY(numbers)``
        the planner picked it and every number searched the index's unsorted pending list
        (71 s instead of 5 ms for 10,000 numbers, measured). It cannot serve a range.
        """
        runs = []
        for first, last, _count in compress_numbers(numbers):
            try:
                prefix, _digits = split_number(first)
            except MeterNumberError:  # not ending in digits: a run of itself
                prefix = first
            runs.append((first, last, prefix))
        if company_ids is None:
            companies = SQL("ARRAY(SELECT id FROM res_company) || 0")
        else:
            companies = SQL("%s::int[]", list(company_ids))
        return SQL(
            """
            SELECT lot.id, lot.name
              FROM unnest(%(firsts)s::varchar[], %(lasts)s::varchar[], %(prefixes)s::varchar[])
                   AS run(first, last, prefix)
              JOIN stock_lot lot ON lot.name BETWEEN run.first AND run.last
             WHERE lot.is_meter AND COALESCE(lot.company_id, 0) = ANY(%(companies)s)
               AND char_length(lot.name) = char_length(run.first)
               AND left(lot.name, char_length(run.prefix)) = run.prefix
               AND substr(lot.name, char_length(run.prefix) + 1) ~ '^[0-9]*$'
            """,
            firsts=[run[0] for run in runs],
            lasts=[run[1] for run in runs],
            prefixes=[run[2] for run in runs],
            companies=companies,
        )

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
        return self.product_id.product_tmpl_id._prepare_meter_register_vals_list(register_overrides)

    def _create_registers_from_type(self):
        vals_list = []
        for lot in self:
            vals_list += [
                {**vals, "lot_id": lot.id} for vals in lot._prepare_register_vals_from_type()
            ]
        return self.env["meter.register"].create(vals_list)

    def action_open_meter_calibrations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "meter_management.meter_calibration_action"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"default_lot_id": self.id}
        return action

    def _move_meters_to(self, location, picking_type=None):
        """Move these meters to ``location`` with Odoo's own internal transfer, one picking
        per source location; returns the done pickings.

        For the small numbers a laboratory handles at once (rejection of failed meters);
        the meters are named on the move lines, never reserved at random.
        """
        pickings = self.env["stock.picking"]
        for source, lots in self.grouped("location_id").items():
            ptype = picking_type or self._get_meter_move_picking_type(source, location)
            picking = pickings.create(lots._prepare_meter_picking_vals(ptype, source, location))
            picking.action_confirm()
            picking.move_ids.move_line_ids.unlink()
            self.env["stock.move.line"].create(lots._prepare_meter_move_line_vals(picking))
            picking.move_ids.picked = True
            picking._action_done()
            pickings |= picking
        return pickings

    @api.model
    def _get_meter_move_picking_type(self, source, dest):
        """Operation type of a move of meters from ``source`` to ``dest`` (hook): into rejected
        meters, the rejection type; into or out of a laboratory queue, the laboratory type;
        otherwise the store's internal transfers."""
        warehouse = source.warehouse_id or dest.warehouse_id
        if dest.meter_usage == "rejected":
            picking_type = dest.warehouse_id.meter_rejection_type_id
        elif "laboratory" in (source.meter_usage, dest.meter_usage):
            picking_type = warehouse.meter_laboratory_type_id
        else:
            picking_type = False
        return picking_type or source.warehouse_id.int_type_id or dest.warehouse_id.int_type_id

    def _prepare_meter_picking_vals(self, picking_type, source, dest):
        """Values of a transfer of these meters from ``source`` to ``dest``: one move per
        meter type (hook)."""
        company = picking_type.company_id
        return {
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": dest.id,
            "company_id": company.id,
            "move_ids": [
                Command.create(
                    {
                        "name": product.display_name,
                        "product_id": product.id,
                        "product_uom_qty": len(product_lots),
                        "product_uom": product.uom_id.id,
                        "location_id": source.id,
                        "location_dest_id": dest.id,
                        "company_id": company.id,
                    }
                )
                for product, product_lots in self.grouped("product_id").items()
            ],
        }

    def _prepare_meter_move_line_vals(self, picking):
        """One move line per meter on ``picking``'s moves, naming the meter: never a
        meter reserved at random."""
        move_by_product = {move.product_id: move for move in picking.move_ids}
        return [
            {
                "move_id": move_by_product[lot.product_id].id,
                "picking_id": picking.id,
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "quantity": 1,
                "location_id": lot.location_id.id,
                "location_dest_id": picking.location_dest_id.id,
                "company_id": picking.company_id.id,
            }
            for lot in self
        ]

    def _check_meter_installable(self, date):
        """Refuse (UserError naming the meters) the meters that cannot be installed on
        ``date``: not in a store, rejected, or out of calibration validity (hook)."""
        problems = self._get_meter_install_problems(date)
        if problems:
            raise UserError(
                self.env._(
                    "These meters cannot be installed:\n%(problems)s",
                    problems="\n".join(f"- {lot.name}: {reason}" for lot, reason in problems),
                )
            )

    def _get_meter_place_text(self):
        """Where the meter is, as people say it: ``"in laboratory at Central Lab"``,
        ``"rejected at North Regional Store"``, ``"installed at service point SP-0042"``."""
        self.ensure_one()
        state = dict(self._fields["meter_state"]._description_selection(self.env)).get(
            self.meter_state, self.meter_state or ""
        )
        if self.meter_state == "installed" and self.meter_service_point_id:
            return self.env._(
                "installed at service point %(point)s", point=self.meter_service_point_id.name
            )
        if self.meter_state == "transit" and self.meter_transit_route:
            return self.env._("in transit %(route)s", route=self.meter_transit_route)
        if self.meter_warehouse_id:
            return self.env._(
                "%(state)s at %(store)s", state=state.lower(), store=self.meter_warehouse_id.name
            )
        return state.lower()

    def _get_meter_install_problems(self, date):
        """``[(meter, reason)]`` of the meters that cannot be installed on ``date`` (hook)."""
        problems = []
        check_validity = "meter_next_calibration_date" in self._fields
        for lot in self:
            day = lot.company_id._meter_date(date)
            if not lot.is_meter:
                problems.append((lot, self.env._("not a meter")))
            elif lot.meter_state != "store":
                problems.append((lot, lot._get_meter_place_text()))
            elif (
                check_validity
                and lot.meter_next_calibration_date
                and lot.meter_next_calibration_date < day
            ):
                problems.append(
                    (
                        lot,
                        self.env._(
                            "out of calibration validity (verification was due on %(date)s)",
                            date=lot.meter_next_calibration_date,
                        ),
                    )
                )
        return problems

    def _check_meter_operation_date(self, date, operation):
        """Refuse (UserError naming the meter and its last movement) to install, remove or
        exchange these meters on ``date`` when it is in the future or before the meter's
        last movement: a meter's history stays in order."""
        date = fields.Datetime.to_datetime(date)
        company = self.company_id[:1] or self.env.company
        # a few minutes of a field device's clock ahead, as for readings
        if date > fields.Datetime.now() + timedelta(minutes=5):
            raise UserError(
                self.env._(
                    "%(operation)s of meter %(meters)s cannot be dated %(date)s: that is in "
                    "the future.",
                    operation=operation,
                    meters=", ".join(self.mapped("name")),
                    date=company._meter_format_datetime(date),
                )
            )
        last_moves = self._get_meter_last_move_dates()
        problems = [
            self.env._(
                "%(meter)s last moved on %(last)s (%(reference)s)",
                meter=lot.name,
                last=company._meter_format_datetime(last_moves[lot.id][0]),
                reference=last_moves[lot.id][1],
            )
            for lot in self
            if lot.id in last_moves and last_moves[lot.id][0] > date
        ]
        if problems:
            raise UserError(
                self.env._(
                    "%(operation)s cannot be dated %(date)s, before the meter's last "
                    "movement:\n%(problems)s",
                    operation=operation,
                    date=company._meter_format_datetime(date),
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )

    def _get_meter_last_move_dates(self):
        """``{meter id: (date, reference)}`` of each meter's last done movement, one query."""
        self.env["stock.move.line"].flush_model(["lot_id", "state", "date", "reference"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (lot_id) lot_id, date, reference
                  FROM stock_move_line
                 WHERE lot_id = ANY(%s) AND state = 'done'
                 ORDER BY lot_id, date DESC, id DESC
                """,
                self.ids,
            )
        )
        return {lot_id: (date, reference) for lot_id, date, reference in self.env.cr.fetchall()}

    def action_open_meter_installations(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Installations of %(meter)s", meter=self.name),
            "res_model": "meter.installation",
            "view_mode": "list,form",
            "domain": [("lot_id", "=", self.id)],
        }

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

        The stock engine (``meter.stock.engine``) leaves the records of Odoo's receipt of
        serials, set-based, so that a range of 100,000 meters fits in one call of a worker.
        """
        picking_type = warehouse.in_type_id
        src_location = picking_type.default_location_src_id or self.env.ref(
            "stock.stock_location_suppliers"
        )
        receipt_vals = self._prepare_meter_receipt_vals(
            product, numbers, picking_type, src_location, warehouse.lot_stock_id, group, partner
        )
        lot_vals = {
            "company_id": warehouse.company_id.id,
            "meter_use_type_id": use_type.id if use_type else False,
            "meter_group_id": group.id,
        }
        register_vals = product.product_tmpl_id._prepare_meter_register_vals_list(
            register_overrides
        )
        return self.env["meter.stock.engine"].register_meters(
            receipt_vals, lot_vals, numbers, register_vals, batch_size=batch_size
        )

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
