from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

SERVICE_ORDER_TYPES = [
    ("install", "Install"),
    ("remove", "Remove"),
    ("exchange", "Exchange"),
    ("reread", "Re-read"),
    ("inspect", "Inspect / investigate"),
    ("test", "Test on site"),
    ("seal", "Seal"),
    ("disconnect", "Disconnect"),
    ("reconnect", "Reconnect"),
]
FAILURE_REASONS = [
    ("no_access", "No access"),
    ("customer_absent", "Customer absent"),
    ("unsafe", "Unsafe"),
    ("meter_not_found", "Meter not found"),
    ("refused", "Customer refused"),
    ("other", "Other"),
]


class MeterServiceOrder(models.Model):
    """Field work on a meter or a service point: raised by hand or from reading anomalies
    (one open order per point and type collects them), done by a technician; completing
    it does its work (install, remove, exchange, re-read) in the same transaction."""

    _name = "meter.service.order"
    _description = "Meter Service Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, scheduled_date, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/", index=True
    )
    order_type = fields.Selection(SERVICE_ORDER_TYPES, required=True, tracking=True)
    stage_id = fields.Many2one(
        "meter.service.order.stage",
        required=True,
        index=True,
        tracking=True,
        group_expand="_read_group_stage_ids",
        default=lambda self: self._default_stage(),
        copy=False,
    )
    state = fields.Selection(related="stage_id.state", store=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    service_point_id = fields.Many2one(
        "meter.service.point", index=True, check_company=True, tracking=True
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Meter",
        index="btree_not_null",
        check_company=True,
        domain=[("is_meter", "=", True)],
    )
    origin = fields.Selection(
        [
            ("anomaly", "Reading anomalies"),
            ("calibration", "Calibration due"),
            ("manual", "Manual"),
        ],
        required=True,
        default="manual",
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")], default="0", tracking=True
    )
    appointment = fields.Boolean(
        help="Agree a time with the customer before the visit (raised by escalation)."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Technician",
        tracking=True,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("meter_management.group_meter_field").id)
        ],
    )
    team = fields.Char(tracking=True)
    scheduled_date = fields.Datetime(tracking=True)
    date_deadline = fields.Date(string="Deadline", tracking=True)
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    anomaly_ids = fields.One2many("meter.anomaly", "service_order_id", string="Anomalies")
    anomaly_count = fields.Integer(compute="_compute_anomaly_count")
    failed_visits = fields.Integer(readonly=True, copy=False)
    failure_reason = fields.Selection(FAILURE_REASONS, readonly=True, copy=False, tracking=True)
    cancel_reason = fields.Char(copy=False, tracking=True)
    result_note = fields.Text(string="Result", copy=False)
    reading_ids = fields.Many2many(
        "meter.reading", string="Readings Taken", readonly=True, copy=False
    )
    removed_installation_id = fields.Many2one(
        "meter.installation", string="Installation Ended", readonly=True, copy=False
    )
    new_installation_id = fields.Many2one(
        "meter.installation", string="Installation Made", readonly=True, copy=False
    )

    @api.model
    def _default_stage(self):
        return self.env["meter.service.order.stage"].search([("state", "=", "new")], limit=1)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([])

    @api.depends("anomaly_ids")
    def _compute_anomaly_count(self):
        for order in self:
            order.anomaly_count = len(order.anomaly_ids)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("meter.service.order") or "/"
            if vals.get("service_point_id") and not vals.get("lot_id"):
                point = self.env["meter.service.point"].browse(vals["service_point_id"])
                vals["lot_id"] = point.current_lot_id.id
        return super().create(vals_list)

    def unlink(self):
        # meter.anomaly.service_order_id has no foreign key: release the anomalies
        self.env["meter.anomaly"].sudo().search([("service_order_id", "in", self.ids)]).write(
            {"service_order_id": False}
        )
        return super().unlink()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_complete_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Complete %(order)s", order=self.name),
            "res_model": "meter.service.order.complete",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_cancel(self):
        stage = self._get_stage("cancel")
        self.filtered(lambda order: order.state not in ("done", "cancel")).stage_id = stage
        return True

    def action_open_anomalies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "meter_management.meter_anomaly_action"
        )
        action["domain"] = [("service_order_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------

    @api.model
    def _get_stage(self, state):
        stage = self.env["meter.service.order.stage"].search([("state", "=", state)], limit=1)
        if not stage:
            raise UserError(self.env._("No service order stage means %(state)s.", state=state))
        return stage

    def _check_open(self):
        closed = self.filtered(lambda order: order.state in ("done", "cancel"))
        if closed:
            raise UserError(
                self.env._(
                    "These service orders are closed: %(orders)s",
                    orders=", ".join(closed.mapped("name")),
                )
            )

    def _mark_done(self, note=False, readings=None, removed=None, installed=None):
        """Close the order and resolve the anomalies its work answered."""
        self.ensure_one()
        self.write(
            {
                "stage_id": self._get_stage("done").id,
                "date_done": fields.Datetime.now(),
                "result_note": note,
                "failure_reason": False,
                "reading_ids": [fields.Command.link(r.id) for r in (readings or [])],
                "removed_installation_id": removed.id if removed else False,
                "new_installation_id": installed.id if installed else False,
            }
        )
        open_anomalies = self.anomaly_ids.filtered(lambda anomaly: anomaly.state != "resolved")
        # the order's work answers them: resolved in its name, whoever did the work
        open_anomalies.sudo()._resolve(
            "service_order", self.env._("Done by %(order)s", order=self.name)
        )

    def _record_failed_visit(self, reason, note=False):
        """A visit that could not do the work: its reason is kept, anomalies stay open."""
        self.ensure_one()
        self.write(
            {
                "failure_reason": reason,
                "failed_visits": self.failed_visits + 1,
                "result_note": note,
                "stage_id": self._default_stage().id or self.stage_id.id,
            }
        )
        labels = dict(self._fields["failure_reason"]._description_selection(self.env))
        self.message_post(
            body=self.env._(
                "Visit failed: %(reason)s. %(note)s", reason=labels[reason], note=note or ""
            )
        )

    @api.model
    def _raise_from_anomalies(self, anomalies):
        """Give the anomalies whose type calls for field work an order, set-based (an
        import may raise thousands): the open order of that type at their service point
        collects them, else one new order per point and type. Escalation: when a point has
        as many open anomalies of a type as the type's escalation count, its order becomes
        an appointment with the type's priority. Returns the new orders."""
        if not anomalies:
            return self.browse()
        self.env.flush_all()
        number_sql, name_sql = self._get_name_sql() or (None, None)
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS meter_service_order_raise"))
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE meter_service_order_raise ON COMMIT DROP AS
                SELECT a.id AS anomaly_id, a.service_point_id, t.service_order_type AS order_type,
                       a.company_id, t.escalation_count > 0 AS escalates,
                       (SELECT o.id FROM meter_service_order o
                         WHERE o.service_point_id = a.service_point_id
                           AND o.order_type = t.service_order_type
                           AND o.state NOT IN ('done', 'cancel')
                         ORDER BY o.id LIMIT 1) AS order_id
                  FROM meter_anomaly a JOIN meter_anomaly_type t ON t.id = a.type_id
                 WHERE a.id = ANY(%s) AND a.service_point_id IS NOT NULL
                   AND a.service_order_id IS NULL AND a.state <> 'resolved'
                   AND t.service_order_type IS NOT NULL
                """,
                anomalies.ids,
            )
        )
        cr.execute(
            SQL(
                """
                WITH created AS (
                    INSERT INTO meter_service_order (
                        name, order_type, stage_id, state, company_id, service_point_id, lot_id,
                        origin, priority, appointment, failed_visits,
                        create_uid, create_date, write_uid, write_date)
                    SELECT %(name)s, g.order_type, %(stage)s, 'new', g.company_id,
                           g.service_point_id, sp.current_lot_id, 'anomaly', '0', FALSE, 0,
                           %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                      FROM (SELECT d.*, %(number)s AS number
                              FROM (SELECT DISTINCT service_point_id, order_type, company_id
                                      FROM meter_service_order_raise WHERE order_id IS NULL
                                     ORDER BY service_point_id, order_type) d) g
                      JOIN meter_service_point sp ON sp.id = g.service_point_id
                    RETURNING id, service_point_id, order_type
                )
                UPDATE meter_service_order_raise r SET order_id = c.id
                  FROM created c
                 WHERE r.order_id IS NULL AND c.service_point_id = r.service_point_id
                   AND c.order_type = r.order_type
             RETURNING c.id
                """,
                name=name_sql or SQL("'/'"),
                number=number_sql or SQL("NULL"),
                stage=self._default_stage().id,
                uid=self.env.uid,
            )
        )
        created = self.browse({row[0] for row in cr.fetchall()})
        if created and not name_sql:
            for order in created:
                order.name = self.env["ir.sequence"].next_by_code("meter.service.order") or "/"
        cr.execute(
            SQL(
                """
                UPDATE meter_anomaly a SET service_order_id = r.order_id
                  FROM meter_service_order_raise r WHERE a.id = r.anomaly_id;
                SELECT DISTINCT order_id FROM meter_service_order_raise WHERE escalates
                """
            )
        )
        escalating = self.browse([row[0] for row in cr.fetchall()])
        cr.execute(SQL("DROP TABLE meter_service_order_raise"))
        self.env["meter.anomaly"].invalidate_model(["service_order_id"])
        self.invalidate_model()
        escalating._escalate()
        return created

    @api.model
    def _get_name_sql(self):
        """``(next number, reference of column number)`` of the orders' sequence as SQL,
        for a set-based insert; None when the sequence is not a plain PostgreSQL sequence
        (the orders are then numbered one by one)."""
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "meter.service.order"),
                    ("company_id", "in", [self.env.company.id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        if not sequence or sequence.implementation != "standard" or sequence.use_date_range:
            return None
        prefix, suffix = sequence._get_prefix_suffix()
        number = SQL("nextval(%s)::text", f"ir_sequence_{sequence.id:03d}")
        name = SQL(
            "%s || lpad(g.number, greatest(%s, length(g.number)), '0') || %s",
            prefix,
            sequence.padding,
            suffix,
        )
        return number, name

    def _escalate(self):
        # open anomalies per service point and type, counted in one query for every order
        counts = {
            (point.id, anomaly_type.id): count
            for point, anomaly_type, count in self.env["meter.anomaly"]._read_group(
                [
                    ("service_point_id", "in", self.service_point_id.ids),
                    ("type_id", "in", self.anomaly_ids.type_id.ids),
                    ("state", "!=", "resolved"),
                ],
                ["service_point_id", "type_id"],
                ["__count"],
            )
        }
        for order in self:
            for anomaly_type in order.anomaly_ids.type_id.filtered("escalation_count"):
                count = counts.get((order.service_point_id.id, anomaly_type.id), 0)
                if count >= anomaly_type.escalation_count and not order.appointment:
                    order.write(
                        {
                            "appointment": True,
                            "priority": max(order.priority, anomaly_type.escalation_priority),
                        }
                    )
                    order.message_post(
                        body=self.env._(
                            "Escalated: %(count)s open %(type)s anomalies at %(point)s; "
                            "agree an appointment with the customer.",
                            count=count,
                            type=anomaly_type.name,
                            point=order.service_point_id.name,
                        )
                    )
