from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import anomaly_rules as rules
from .meter_anomaly_type import ANOMALY_RULES, ANOMALY_SEVERITIES
from .meter_reading import Many2oneWithoutForeignKey
from .meter_type_register import REGISTER_TYPES

ANOMALY_STATES = [("new", "New"), ("review", "In Review"), ("resolved", "Resolved")]
ANOMALY_RESOLUTIONS = [
    ("confirmed", "Confirmed (the reading is right)"),
    ("corrected", "Corrected"),
    ("estimated", "Estimated"),
    ("service_order", "Service order raised"),
    ("false_alarm", "False alarm"),
]


def format_figure(value):
    """A figure as a person writes it: 45120, 610.1 (at most three decimals)."""
    return f"{value or 0.0:.3f}".rstrip("0").rstrip(".")


class MeterAnomaly(models.Model):
    """An anomaly found on a reading by a rule, or reported by the reader with a reading or
    instead of one. Detection writes these rows in bulk (``meter.anomaly.detection``); the
    billing clerk reviews and resolves them."""

    _name = "meter.anomaly"
    _description = "Reading Anomaly"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "reading_date desc, id desc"
    _check_company_auto = True

    type_id = fields.Many2one(
        "meter.anomaly.type", required=True, index=True, ondelete="restrict", tracking=True
    )
    rule = fields.Selection(ANOMALY_RULES, required=True)
    severity = fields.Selection(ANOMALY_SEVERITIES, required=True, index=True, tracking=True)
    state = fields.Selection(
        ANOMALY_STATES, required=True, default="new", index=True, tracking=True
    )
    resolution = fields.Selection(ANOMALY_RESOLUTIONS, tracking=True, readonly=True)
    resolution_note = fields.Char(readonly=True)
    resolved_uid = Many2oneWithoutForeignKey("res.users", string="Resolved By", readonly=True)
    resolved_date = fields.Datetime(string="Resolved On", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    reading_id = fields.Many2one(
        "meter.reading", index="btree_not_null", ondelete="cascade", copy=False
    )
    # detection writes thousands of rows at once: no foreign key (a trigger call per row)
    # on what is never deleted (installations with readings, meters, service points)
    installation_id = Many2oneWithoutForeignKey(
        "meter.installation", index=True, check_company=True
    )
    lot_id = Many2oneWithoutForeignKey("stock.lot", string="Meter", required=True, index=True)
    service_point_id = Many2oneWithoutForeignKey(
        "meter.service.point", index=True, check_company=True
    )
    use_type_id = fields.Many2one(related="service_point_id.use_type_id", string="Type of Use")
    register_type = fields.Selection(REGISTER_TYPES)
    reading_date = fields.Datetime(string="Reading Date", required=True, index=True)
    reading_value = fields.Float(digits=(16, 3), readonly=True)
    units = fields.Float(digits=(16, 3), readonly=True, help="Units since the previous reading.")
    consumption = fields.Float(
        digits=(16, 3), readonly=True, help="Units × multiplier (the demand for demand registers)."
    )
    previous_value = fields.Float(digits=(16, 3), readonly=True)
    expected_value = fields.Float(
        digits=(16, 3), readonly=True, help="The reading or consumption the rule expected."
    )
    expected_low = fields.Float(digits=(16, 3), readonly=True)
    expected_high = fields.Float(digits=(16, 3), readonly=True)
    misread_kind = fields.Selection(
        [
            (rules.MISREAD_TRANSPOSITION, "Two digits transposed"),
            (rules.MISREAD_DIGIT_SLIP, "One digit wrong"),
        ],
        readonly=True,
    )
    reader_code = fields.Char(readonly=True)
    reader_id = Many2oneWithoutForeignKey("res.users", string="Reader", readonly=True)
    message = fields.Char(compute="_compute_message")
    # no foreign key either (a trigger call per anomaly written): an order that is deleted
    # releases its anomalies (meter.service.order.unlink)
    service_order_id = Many2oneWithoutForeignKey(
        "meter.service.order", index="btree_not_null", copy=False, check_company=True
    )
    is_corrected = fields.Boolean(related="reading_id.is_corrected")

    def init(self):
        # detection runs again on a reading (a chain recomputed): one anomaly per type
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS meter_anomaly_reading_type_uniq "
                "ON meter_anomaly (reading_id, type_id) WHERE reading_id IS NOT NULL"
            )
        )

    @api.depends("type_id.name", "lot_id.name", "reading_date")
    def _compute_display_name(self):
        for anomaly in self:
            anomaly.display_name = (
                f"{anomaly.type_id.name} · {anomaly.lot_id.name} · "
                f"{fields.Datetime.to_string(anomaly.reading_date) or ''}"
            )

    @api.depends("rule", "reading_value", "units", "consumption", "expected_value", "expected_low")
    def _compute_message(self):
        for anomaly in self:
            anomaly.message = anomaly._get_message()

    def _get_message(self):
        """A sentence saying what the rule found, in the user's language (hook)."""
        self.ensure_one()
        _ = self.env._
        values = {
            "value": format_figure(self.reading_value),
            "previous": format_figure(self.previous_value),
            "units": format_figure(self.units),
            "consumption": format_figure(self.consumption),
            "expected": format_figure(self.expected_value),
            "low": format_figure(self.expected_low),
            "high": format_figure(self.expected_high),
            "count": self.type_id.reading_count,
            "percent": format_figure(self.type_id.band_percent),
            "code": self.reader_code or "",
        }
        messages = {
            rules.RULE_MISREAD: _(
                "Reading %(value)s is below the previous %(previous)s; %(kind)s: "
                "%(expected)s was probably shown.",
                kind=dict(self._fields["misread_kind"]._description_selection(self.env)).get(
                    self.misread_kind, ""
                ),
                **values,
            ),
            rules.RULE_NEGATIVE: _(
                "Reading %(value)s is below the previous %(previous)s: the register went back.",
                **values,
            ),
            rules.RULE_ROLLOVER: _(
                "Reading %(value)s is below the previous %(previous)s and too far for a rollover.",
                **values,
            ),
            rules.RULE_HIGH: _(
                "%(units)s units; the meter's history expects %(expected)s (%(low)s to %(high)s).",
                **values,
            ),
            rules.RULE_LOW: _(
                "%(units)s units; the meter's history expects %(expected)s (%(low)s to %(high)s).",
                **values,
            ),
            rules.RULE_ZERO: _("No consumption in %(count)s readings in a row.", **values),
            rules.RULE_ESTIMATED: _("%(count)s estimated or customer readings in a row.", **values),
            rules.RULE_DEMAND: _(
                "Demand %(consumption)s kW above the maximum %(high)s kW.", **values
            ),
            rules.RULE_REACTIVE: _(
                "Reactive %(consumption)s kvarh above %(percent)s%% of the active %(expected)s "
                "kWh.",
                **values,
            ),
            rules.RULE_BACKDATED: _("Dated before the last reading already saved."),
            rules.RULE_NOT_INSTALLED: _("The meter is not installed at a service point then."),
            rules.RULE_OUT_OF_RANGE: _("Reading %(value)s does not fit the register.", **values),
            rules.RULE_READER_CODE: _("Reader code %(code)s.", **values),
        }
        return messages.get(self.rule, "")

    # ------------------------------------------------------------------
    # CRUD: who may change what
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        types = self.env["meter.anomaly.type"].browse({vals["type_id"] for vals in vals_list})
        by_id = {anomaly_type.id: anomaly_type for anomaly_type in types}
        # the readings read together, not one query each
        readings = self.env["meter.reading"].browse(
            [vals["reading_id"] for vals in vals_list if vals.get("reading_id")]
        )
        reading_by_id = {reading.id: reading for reading in readings}
        for vals in vals_list:
            anomaly_type = by_id[vals["type_id"]]
            vals.setdefault("rule", anomaly_type.rule)
            vals.setdefault("severity", anomaly_type.severity)
            if vals.get("reading_id"):
                vals.update(self._prepare_reading_values(reading_by_id[vals["reading_id"]]))
            vals.setdefault("company_id", self.env.company.id)
        return super().create(vals_list)

    @api.model
    def _prepare_reading_values(self, reading):
        return {
            "installation_id": reading.installation_id.id,
            "lot_id": reading.lot_id.id,
            "service_point_id": reading.service_point_id.id,
            "company_id": reading.company_id.id,
            "register_type": reading.register_type,
            "reading_date": reading.reading_date,
            "reading_value": reading.value,
            "previous_value": reading.previous_value,
            "units": reading.units,
            "consumption": reading.consumption,
            "reader_code": reading.reader_code,
        }

    def write(self, vals):
        if {"state", "resolution", "severity"} & set(vals):
            self._check_may_resolve()
        return super().write(vals)

    def _check_may_resolve(self):
        """Only the Billing role reviews and resolves anomalies that block billing."""
        if self.env.su or self.env.user.has_group("meter_management.group_meter_billing"):
            return
        blocking = self.filtered(lambda anomaly: anomaly.severity == "block")
        if blocking:
            raise AccessError(
                self.env._(
                    "Only the Billing role resolves anomalies that block billing: %(anomalies)s",
                    anomalies=", ".join(blocking.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------

    def action_review(self):
        new = self.filtered(lambda anomaly: anomaly.state == "new")
        new.write({"state": "review"})
        return True

    def action_open_resolve_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resolve Anomalies"),
            "res_model": "meter.anomaly.resolve",
            "view_mode": "form",
            "target": "new",
            "context": {"default_anomaly_ids": self.ids},
        }

    def _resolve(self, resolution, note=False):
        """Resolve these anomalies with ``resolution``; the reading they block is billed
        again from now on."""
        resolved = self.filtered(lambda anomaly: anomaly.state == "resolved")
        if resolved:
            raise UserError(
                self.env._(
                    "Already resolved: %(anomalies)s",
                    anomalies=", ".join(resolved.mapped("display_name")),
                )
            )
        self.write(
            {
                "state": "resolved",
                "resolution": resolution,
                "resolution_note": note,
                "resolved_uid": self.env.uid,
                "resolved_date": fields.Datetime.now(),
            }
        )
        return True
