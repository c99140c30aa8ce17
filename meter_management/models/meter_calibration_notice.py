import threading

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.meter_numbers import format_ranges

ACTIVE_METER_STATES = ("new", "store", "transit", "installed")
CHECK_PROGRESS_PARAM = "meter_management.calibration_check_progress"


class MeterCalibrationNotice(models.Model):
    """What falls due for calibration in one store, as the daily check found it.

    The daily scheduled action refreshes every meter's calibration status and attaches the
    meters that newly fall due (due soon or overdue) to the pending notice of their store;
    when all meters are checked, each pending notice is announced: one activity for the
    store's responsible summarising its due meters and, when the company wants it, a draft
    dispatch of the due meters in stock to the laboratory. A meter is attached to a notice
    once per verification cycle, so a rerun flags nothing twice.
    """

    _name = "meter.calibration.notice"
    _description = "Calibration Due Notice"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Store", index=True, check_company=True, readonly=True
    )
    date = fields.Date(
        required=True, readonly=True, default=lambda self: self.env.company._meter_today()
    )
    state = fields.Selection(
        [("pending", "Being checked"), ("announced", "Announced")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    responsible_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    lot_ids = fields.One2many("stock.lot", "meter_calibration_notice_id", string="Meters")
    overdue_count = fields.Integer(string="Overdue", readonly=True)
    due_soon_count = fields.Integer(string="Due Soon", readonly=True)
    meter_count = fields.Integer(string="Meters Due", readonly=True)
    first_due_date = fields.Date(string="Earliest Due Date", readonly=True)
    picking_id = fields.Many2one(
        "stock.picking", string="Draft Dispatch", readonly=True, check_company=True
    )

    @api.depends("warehouse_id", "date")
    def _compute_name(self):
        for notice in self:
            notice.name = self.env._(
                "Calibration due %(date)s: %(store)s",
                date=notice.date,
                store=notice.warehouse_id.name or self.env._("meters outside stores"),
            )

    def action_view_meters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "meter_management.stock_lot_meter_action"
        )
        action["domain"] = [("meter_calibration_notice_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # The daily check
    # ------------------------------------------------------------------

    @api.model
    def _get_check_progress(self, today):
        """Id of the last meter checked ``today`` (0: none yet), or None when the day is done."""
        value = self.env["ir.config_parameter"].sudo().get_param(CHECK_PROGRESS_PARAM) or ""
        day, _sep, last = value.partition(" ")
        if day != str(today):
            return 0
        return None if last == "done" else int(last or 0)

    @api.model
    def _set_check_progress(self, today, last_id):
        self.env["ir.config_parameter"].sudo().set_param(CHECK_PROGRESS_PARAM, f"{today} {last_id}")

    @api.model
    def _cron_flag_calibration_due(self, batch_size=10000, max_batches=None):
        """Refresh the calibration status of every meter, flag those falling due, announce.

        Walks the meters by id in batches of ``batch_size``; the id reached today is kept
        with each batch, and run by a cron worker each batch is committed with the cron's
        progress, so a killed run resumes after the last committed batch and a rerun on the
        same day does nothing. ``max_batches`` stops early, leaving the rest to the next
        call, as Odoo's cron runner does with the progress it is told.
        """
        auto_commit = bool(self.env.context.get("cron_id")) and not getattr(
            threading.current_thread(), "testing", False
        )
        today = self.env.company._meter_today()
        # each company's meters are due by its own calendar
        todays = {
            company.id: company._meter_today() for company in self.env["res.company"].search([])
        }
        cr = self.env.cr
        last_id = self._get_check_progress(today)
        if last_id is None:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0
        self.env.flush_all()
        cr.execute(SQL("SELECT count(*) FROM stock_lot WHERE is_meter AND id > %s", last_id))
        todo = cr.fetchone()[0]
        done = batches = 0
        while True:
            cr.execute(
                SQL(
                    """
                    SELECT max(id), count(*) FROM (
                        SELECT id FROM stock_lot WHERE is_meter AND id > %(last_id)s
                         ORDER BY id LIMIT %(limit)s) batch
                    """,
                    last_id=last_id,
                    limit=batch_size,
                )
            )
            upper, count = cr.fetchone()
            if not count:
                break
            self._refresh_calibration_status(todays, last_id, upper)
            last_id = upper
            self._set_check_progress(today, last_id)
            done += count
            batches += 1
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(todo - done, 0))
            if auto_commit:
                cr.commit()  # pylint: disable=invalid-commit
            if max_batches and batches >= max_batches:
                return done
        self.search([("state", "=", "pending")])._announce(today)
        self._set_check_progress(today, "done")
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return done

    @api.model
    def _get_status_sql(self, today):
        """The calibration status of ``lot`` (joined with its ``company``) on ``today``: a
        date, or ``{company id: date}`` (each company's today in its time zone)."""
        if isinstance(today, dict):
            today = SQL(
                "(SELECT day.today FROM unnest(%s::int[], %s::date[]) AS day(company_id, today) "
                "WHERE day.company_id = company.id)",
                list(today),
                list(today.values()),
            )
        return SQL(
            """
            CASE
                WHEN lot.meter_last_calibration_result = 'fail' THEN 'failed'
                WHEN lot.meter_next_calibration_date IS NULL THEN 'never'
                WHEN lot.meter_next_calibration_date < %(today)s THEN 'overdue'
                WHEN lot.meter_next_calibration_date
                     <= %(today)s + COALESCE(company.meter_calibration_horizon_days, 0)
                THEN 'due_soon'
                ELSE 'valid'
            END
            """,
            today=today,
        )

    @api.model
    def _get_flag_domain_sql(self):
        """Which meters are flagged when due (hook): the ones still in service."""
        return SQL(
            "lot.meter_state IN %s AND lot.meter_replacement_required IS NOT TRUE",
            ACTIVE_METER_STATES,
        )

    @api.model
    def _refresh_calibration_status(self, today, first_id=0, last_id=None, lot_ids=None):
        """Status and due month of the meters with ids in ``]first_id, last_id]`` (or of
        ``lot_ids``), and, for a range, the meters newly falling due attached to their
        store's pending notice: one UPDATE that writes only the rows that change."""
        cr = self.env.cr
        if lot_ids is not None:
            where = SQL("lot.id = ANY(%s)", list(lot_ids))
            flag = SQL("FALSE")
        else:
            where = SQL("lot.id > %s AND lot.id <= %s", first_id, last_id)
            flag = SQL(
                "(%s) IN ('due_soon', 'overdue') AND lot.meter_calibration_notice_id IS NULL "
                "AND %s",
                self._get_status_sql(today),
                self._get_flag_domain_sql(),
            )
        cr.execute(
            SQL(
                """
                SELECT DISTINCT lot.company_id, COALESCE(lot.meter_warehouse_id, 0)
                  FROM stock_lot lot JOIN res_company company ON company.id = lot.company_id
                 WHERE lot.is_meter AND %s AND %s
                """,
                where,
                flag,
            )
        )
        notices = self._get_pending_notices(today, cr.fetchall())
        status = self._get_status_sql(today)
        due_month = SQL("date_trunc('month', lot.meter_next_calibration_date)::date")
        cr.execute(
            SQL(
                """
                UPDATE stock_lot lot
                   SET meter_calibration_status = %(status)s,
                       meter_calibration_due_month = %(due_month)s,
                       meter_calibration_notice_id = CASE WHEN %(flag)s THEN (
                           SELECT notice.id
                             FROM unnest(%(companies)s::int[], %(warehouses)s::int[], %(notices)s::int[])
                                  AS notice(company_id, wh_id, id)
                            WHERE notice.company_id = lot.company_id
                              AND notice.wh_id = COALESCE(lot.meter_warehouse_id, 0)
                           ) ELSE lot.meter_calibration_notice_id END
                  FROM res_company company
                 WHERE company.id = lot.company_id AND lot.is_meter AND %(where)s
                   AND (lot.meter_calibration_status IS DISTINCT FROM %(status)s
                        OR lot.meter_calibration_due_month IS DISTINCT FROM %(due_month)s
                        OR %(flag)s)
                """,
                status=status,
                due_month=due_month,
                flag=flag,
                where=where,
                companies=[company_id for company_id, _wh in notices],
                warehouses=[wh_id for _company, wh_id in notices],
                notices=[notice.id for notice in notices.values()],
            )
        )
        self.env["stock.lot"].invalidate_model(
            [
                "meter_calibration_status",
                "meter_calibration_due_month",
                "meter_calibration_notice_id",
            ]
        )

    @api.model
    def _get_pending_notices(self, today, keys):
        """The pending notice of each ``(company id, warehouse id or 0)``, created if needed."""
        if not keys:
            return {}
        pending = self.search(
            [("state", "=", "pending"), ("company_id", "in", list({key[0] for key in keys}))]
        )
        by_key = {(notice.company_id.id, notice.warehouse_id.id or 0): notice for notice in pending}
        missing = [key for key in keys if key not in by_key]
        if missing:
            created = self.create(
                [
                    {
                        "company_id": company_id,
                        "warehouse_id": wh_id or False,
                        "date": today.get(company_id) if isinstance(today, dict) else today,
                    }
                    for company_id, wh_id in missing
                ]
            )
            by_key.update(zip(missing, created, strict=True))
            self.env.flush_all()
        return {key: by_key[key] for key in keys}

    def _announce(self, today):
        """Count each notice's meters, schedule one activity per notice, prepare dispatches."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT meter_calibration_notice_id,
                       count(*) FILTER (WHERE meter_calibration_status = 'overdue'),
                       count(*) FILTER (WHERE meter_calibration_status = 'due_soon'),
                       count(*), min(meter_next_calibration_date)
                  FROM stock_lot
                 WHERE meter_calibration_notice_id = ANY(%s)
                 GROUP BY meter_calibration_notice_id
                """,
                self.ids,
            )
        )
        counts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for notice in self:
            overdue, due_soon, total, first_due = counts.get(notice.id, (0, 0, 0, None))
            responsible = notice._get_responsible()
            notice.write(
                {
                    "state": "announced",
                    "overdue_count": overdue,
                    "due_soon_count": due_soon,
                    "meter_count": total,
                    "first_due_date": first_due,
                    "responsible_id": responsible.id,
                    "date": today,
                }
            )
            if not total:
                continue
            if notice.company_id.meter_calibration_auto_dispatch:
                notice._create_draft_dispatch()
            notice.activity_schedule(
                activity_type_id=activity_type.id,
                summary=self.env._("1 meter falls due for calibration")
                if total == 1
                else self.env._("%(count)s meters fall due for calibration", count=total),
                note=notice._get_summary_note(),
                user_id=responsible.id,
                date_deadline=min(first_due, today) if first_due else today,
            )

    def _get_responsible(self):
        self.ensure_one()
        return (
            self.warehouse_id.meter_responsible_id
            or self.company_id.meter_calibration_responsible_id
            or self.env.user
        )

    def _get_summary_note(self):
        self.ensure_one()
        by_type = self.env["stock.lot"]._read_group(
            [("meter_calibration_notice_id", "=", self.id)],
            ["product_id", "meter_calibration_status"],
            ["__count"],
        )
        rows = Markup("").join(
            Markup("<li>%s — %s: %s</li>") % (product.display_name, status, count)
            for product, status, count in by_type
        )
        numbers = self.lot_ids.mapped("name") if self.meter_count <= 500 else []
        text = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "%(store)s: %(overdue)s overdue, %(soon)s due soon (earliest %(date)s).",
                store=self.warehouse_id.display_name or self.env._("Meters outside stores"),
                overdue=self.overdue_count,
                soon=self.due_soon_count,
                date=self.first_due_date,
            ),
            rows,
        )
        if numbers:
            text += Markup("<p>%s</p>") % format_ranges(numbers)
        if self.picking_id:
            text += Markup("<p>%s</p>") % self.env._(
                "Draft dispatch to the laboratory: %(picking)s", picking=self.picking_id.name
            )
        return text

    def _get_dispatch_lots(self):
        """Due meters of the notice that lie in the store's stock (hook)."""
        self.ensure_one()
        return self.env["stock.lot"].search(
            [
                ("meter_calibration_notice_id", "=", self.id),
                ("meter_state", "=", "store"),
                ("location_id", "child_of", self.warehouse_id.lot_stock_id.id),
            ]
        )

    def _create_draft_dispatch(self):
        """A draft internal transfer of the due meters in stock to the default laboratory,
        naming each meter on its move line."""
        self.ensure_one()
        laboratory = self.company_id.meter_calibration_laboratory_id
        if not laboratory or not self.warehouse_id or self.warehouse_id == laboratory:
            return False
        lots = self._get_dispatch_lots()
        if not lots:
            return False
        dest = laboratory.meter_lab_queue_location_id or laboratory.lot_stock_id
        source = self.warehouse_id.lot_stock_id
        picking_type = self.env["stock.lot"]._get_meter_move_picking_type(source, dest)
        picking = self.env["stock.picking"].create(
            {**lots._prepare_meter_picking_vals(picking_type, source, dest), "origin": self.name}
        )
        self.env["stock.move.line"].create(lots._prepare_meter_move_line_vals(picking))
        self.picking_id = picking
        return picking
