import random

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.messages import meters_text

RECERTIFICATION_STATES = [
    ("none", "Not sampled"),
    ("sampled", "Sample drawn"),
    ("passed", "Passed"),
    ("failed", "Failed: replace"),
]


class MeterGroup(models.Model):
    """Meters received together: same manufacturer, model and year.

    The group is the unit of sample recertification.
    """

    _name = "meter.group"
    _description = "Meter Group"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        copy=False,
        default=lambda self: self.env._("New"),
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    product_id = fields.Many2one(
        "product.product",
        string="Meter Type",
        domain=[("is_meter", "=", True)],
        check_company=True,
    )
    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer")
    model = fields.Char()
    year = fields.Integer(string="Year of Manufacture")
    date_received = fields.Date(string="Received On")
    lot_ids = fields.One2many("stock.lot", "meter_group_id", string="Meters of the Group")
    meter_count = fields.Integer(compute="_compute_meter_count", string="Meter Count")
    note = fields.Html()
    # sample recertification
    recert_state = fields.Selection(
        RECERTIFICATION_STATES,
        string="Recertification",
        default="none",
        required=True,
        copy=False,
        tracking=True,
    )
    sample_date = fields.Date(string="Sample Drawn On", copy=False, readonly=True)
    sample_seed = fields.Integer(
        copy=False,
        readonly=True,
        help="Seed of the random draw: the same seed over the same meters draws the same sample.",
    )
    sampling_plan_id = fields.Many2one("meter.sampling.plan", copy=False, readonly=True)
    sample_group_size = fields.Integer(string="Meters Sampled From", copy=False, readonly=True)
    sample_size = fields.Integer(copy=False, readonly=True)
    sample_accept_number = fields.Integer(string="Acceptance Number", copy=False, readonly=True)
    sample_lot_ids = fields.Many2many(
        "stock.lot",
        "meter_group_sample_lot_rel",
        "group_id",
        "lot_id",
        string="Sampled Meters",
        copy=False,
        readonly=True,
    )
    sample_calibration_ids = fields.Many2many(
        "meter.calibration",
        compute="_compute_sample_results",
        string="Sample Tests",
    )
    sample_tested_count = fields.Integer(compute="_compute_sample_results", string="Tested")
    sample_failed_count = fields.Integer(compute="_compute_sample_results", string="Failed")
    recert_decision_date = fields.Date(string="Decided On", copy=False, readonly=True)
    recert_extension_years = fields.Integer(
        string="Validity Extended By (years)", copy=False, readonly=True
    )

    @api.depends("lot_ids")
    def _compute_meter_count(self):
        counts = dict(
            self.env["stock.lot"]._read_group(
                [("meter_group_id", "in", self.ids)], ["meter_group_id"], ["__count"]
            )
        )
        for group in self:
            group.meter_count = counts.get(group, 0)

    @api.depends("sample_lot_ids", "sample_date")
    def _compute_sample_results(self):
        calibrations = self.env["meter.calibration"].search(
            [
                ("lot_id", "in", self.sample_lot_ids.ids),
                ("state", "=", "done"),
            ],
            order="date, id",
        )
        for group in self:
            latest = {}
            for calibration in calibrations:
                if calibration.lot_id in group.sample_lot_ids and (
                    calibration.date >= group.sample_date
                ):
                    latest[calibration.lot_id] = calibration
            tests = self.env["meter.calibration"].union(*latest.values())
            group.sample_calibration_ids = tests
            group.sample_tested_count = len(tests)
            group.sample_failed_count = len(tests.filtered(lambda cal: cal.result == "fail"))

    @api.depends("name", "meter_count")
    def _compute_display_name(self):
        for group in self:
            group.display_name = self.env._(
                "%(name)s (%(meters)s)",
                name=group.name,
                meters=meters_text(self.env, group.meter_count),
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("meter.group") or "/"
        return super().create(vals_list)

    def _get_sampling_population(self):
        """The meters of the group a sample is drawn from (hook): those still in service."""
        self.ensure_one()
        return self.env["stock.lot"].search(
            [
                ("meter_group_id", "=", self.id),
                ("meter_state", "not in", ("rejected", "scrapped", "supplier")),
            ],
            order="id",
        )

    def action_draw_sample(self):
        """Draw the random sample the sampling table gives for the group's size."""
        for group in self:
            if group.recert_state not in ("none", "sampled"):
                raise UserError(
                    self.env._(
                        "Group %(group)s is already decided; reset it to draw a new sample.",
                        group=group.name,
                    )
                )
            population = group._get_sampling_population()
            if not population:
                raise UserError(
                    self.env._("Group %(group)s has no meter in service.", group=group.name)
                )
            plan, size, accept = self.env["meter.sampling.plan"]._get_plan(len(population))
            seed = random.SystemRandom().randrange(1, 2**31)
            group.write(
                {
                    "recert_state": "sampled",
                    "sample_date": group.company_id._meter_today(),
                    "sample_seed": seed,
                    "sampling_plan_id": plan.id,
                    "sample_group_size": len(population),
                    "sample_size": size,
                    "sample_accept_number": accept,
                    "sample_lot_ids": [fields.Command.set(group._draw(population.ids, size, seed))],
                    "recert_decision_date": False,
                    "recert_extension_years": 0,
                }
            )
            group.message_post(
                body=self.env._(
                    "Sample of %(size)s drawn out of %(total)s (acceptance number "
                    "%(accept)s): %(numbers)s",
                    size=meters_text(self.env, size),
                    total=len(population),
                    accept=accept,
                    numbers=", ".join(sorted(group.sample_lot_ids.mapped("name"))),
                )
            )
        return True

    @api.model
    def _draw(self, lot_ids, size, seed):
        """The ids of a random sample of ``size`` out of ``lot_ids``, reproducible by seed."""
        return random.Random(seed).sample(sorted(lot_ids), size)

    def action_decide(self):
        """Decide the group from the sample's tests: within the acceptance number, the
        validity of every meter of the group is extended; beyond it, the whole group is
        flagged for replacement."""
        self.invalidate_recordset(
            ["sample_calibration_ids", "sample_tested_count", "sample_failed_count"]
        )
        for group in self:
            if group.recert_state != "sampled":
                raise UserError(
                    self.env._("Draw a sample of group %(group)s first.", group=group.name)
                )
            untested = group.sample_lot_ids - group.sample_calibration_ids.lot_id
            if untested:
                raise UserError(
                    self.env._(
                        "These sampled meters of group %(group)s are not tested yet: %(numbers)s",
                        group=group.name,
                        numbers=", ".join(sorted(untested.mapped("name"))),
                    )
                )
            if group.sample_failed_count <= group.sample_accept_number:
                group._recertify_passed()
            else:
                group._recertify_failed()
        return True

    def _recertify_passed(self):
        self.ensure_one()
        self.check_access("write")
        years = self.company_id.meter_recertification_years
        today = (self.company_id[:1] or self.env.company)._meter_today()
        self.env.flush_all()
        # every meter of the group in service outside the sample (the sampled meters got
        # their own due dates from their tests), in one statement
        self.env.cr.execute(
            SQL(
                """
                UPDATE stock_lot
                   SET meter_next_calibration_date =
                           (COALESCE(meter_next_calibration_date, %(today)s)
                            + make_interval(years => %(years)s))::date,
                       meter_calibration_notice_id = NULL,
                       meter_replacement_required = FALSE,
                       write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                 WHERE meter_group_id = %(group)s AND NOT (id = ANY(%(sample)s))
                   AND meter_state NOT IN ('rejected', 'scrapped', 'supplier')
                   AND meter_last_calibration_result IS DISTINCT FROM 'fail'
                RETURNING id
                """,
                today=today,
                years=years,
                uid=self.env.uid,
                group=self.id,
                sample=self.sample_lot_ids.ids,
            )
        )
        lot_ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["meter.calibration.notice"]._refresh_calibration_status(today, lot_ids=lot_ids)
        self.env["stock.lot"].invalidate_model(
            ["meter_next_calibration_date", "meter_replacement_required"]
        )
        self.write(
            {
                "recert_state": "passed",
                "recert_decision_date": today,
                "recert_extension_years": years,
            }
        )
        self.message_post(
            body=self.env._(
                "Sample passed (%(failed)s failed of %(size)s, acceptance number %(accept)s): "
                "the validity of %(meters)s is extended by %(years)s.",
                failed=self.sample_failed_count,
                size=self.sample_size,
                accept=self.sample_accept_number,
                meters=meters_text(self.env, len(lot_ids)),
                years=self.env._("1 year") if years == 1 else self.env._("%(n)s years", n=years),
            )
        )
        return lot_ids

    def _recertify_failed(self):
        self.ensure_one()
        self.check_access("write")
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE stock_lot SET meter_replacement_required = TRUE,
                       write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                 WHERE meter_group_id = %(group)s
                   AND meter_state NOT IN ('rejected', 'scrapped', 'supplier')
                RETURNING id
                """,
                uid=self.env.uid,
                group=self.id,
            )
        )
        lot_ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["stock.lot"].invalidate_model(["meter_replacement_required"])
        self.write(
            {
                "recert_state": "failed",
                "recert_decision_date": (self.company_id[:1] or self.env.company)._meter_today(),
            }
        )
        self.message_post(
            body=self.env._(
                "Sample failed (%(failed)s failed of %(size)s, acceptance number %(accept)s): "
                "%(meters)s of the group to be replaced.",
                failed=self.sample_failed_count,
                size=self.sample_size,
                accept=self.sample_accept_number,
                meters=meters_text(self.env, len(lot_ids)),
            )
        )
        return lot_ids

    def action_reset_recertification(self):
        self.write(
            {
                "recert_state": "none",
                "sample_lot_ids": [fields.Command.clear()],
                "sample_date": False,
                "recert_decision_date": False,
            }
        )
        return True

    def action_view_sample(self):
        self.ensure_one()
        action = self.action_view_meters()
        action["domain"] = [("id", "in", self.sample_lot_ids.ids)]
        action["name"] = self.env._("Sample of %(group)s", group=self.name)
        return action

    def action_view_meters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "meter_management.stock_lot_meter_action"
        )
        action["domain"] = [("meter_group_id", "=", self.id)]
        action["context"] = {"default_meter_group_id": self.id}
        return action
