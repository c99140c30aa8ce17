from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .meter_anomaly import format_figure
from .meter_reading import Many2oneWithoutForeignKey

CORRECTION_FIELDS = (
    "is_corrected",
    "corrected_value",
    "correction_uid",
    "correction_date",
    "correction_reason",
)


class MeterReading(models.Model):
    """Corrections of readings and their anomalies.

    A correction never overwrites: the reading keeps the value read; the corrected value,
    who corrected it, when and why are kept beside it, and consumption and billing use the
    corrected value (and say so).
    """

    _inherit = "meter.reading"

    is_corrected = fields.Boolean(string="Corrected", readonly=True)
    corrected_value = fields.Float(digits=(16, 3), readonly=True)
    correction_uid = Many2oneWithoutForeignKey("res.users", string="Corrected By", readonly=True)
    correction_date = fields.Datetime(string="Corrected On", readonly=True)
    correction_reason = fields.Char(readonly=True)
    billing_value = fields.Float(
        digits=(16, 3),
        compute="_compute_billing_value",
        help="The value consumption is computed from: the corrected value when corrected.",
    )
    anomaly_ids = fields.One2many("meter.anomaly", "reading_id", string="Anomalies")
    billing_blocked = fields.Boolean(
        compute="_compute_billing_blocked",
        help="An open anomaly that blocks billing keeps this reading out of billing "
        "consumption until it is resolved.",
    )

    @api.depends("value", "is_corrected", "corrected_value")
    def _compute_billing_value(self):
        for reading in self:
            reading.billing_value = reading._get_billing_value()

    @api.depends("anomaly_ids.severity", "anomaly_ids.state")
    def _compute_billing_blocked(self):
        for reading in self:
            reading.billing_blocked = any(
                anomaly.severity == "block" and anomaly.state != "resolved"
                for anomaly in reading.anomaly_ids
            )

    @api.depends(
        "previous_value",
        "value",
        "units",
        "multiplier",
        "rollover",
        "anomaly",
        "is_corrected",
        "corrected_value",
    )
    def _compute_consumption_note(self):
        res = super()._compute_consumption_note()
        for reading in self.filtered("is_corrected"):
            reading.consumption_note = self.env._(
                "Corrected from %(value)s to %(corrected)s: %(note)s",
                value=format_figure(reading.value),
                corrected=format_figure(reading.corrected_value),
                note=reading.consumption_note,
            )
        return res

    def write(self, vals):
        if set(CORRECTION_FIELDS) & set(vals):
            self._check_may_correct()
        result = super().write(vals)
        if {"is_corrected", "corrected_value"} & set(vals):
            self._recompute_consumption()
        return result

    def _get_billing_value(self):
        self.ensure_one()
        return self.corrected_value if self.is_corrected else self.value

    @api.model
    def _sql_billing_value(self, alias):
        alias = SQL.identifier(alias)
        return SQL(
            "CASE WHEN %s.is_corrected THEN %s.corrected_value ELSE %s.value END",
            alias,
            alias,
            alias,
        )

    def _check_may_correct(self):
        if self.env.su or self.env.user.has_group("meter_management.group_meter_billing"):
            return
        raise AccessError(
            self.env._(
                "Only the Billing role corrects readings: %(readings)s",
                readings=", ".join(self.mapped("display_name")),
            )
        )

    def _correct(self, value, reason):
        """Correct these readings to ``value`` for ``reason``; the value read is kept."""
        self._check_may_correct()
        if not reason:
            raise UserError(self.env._("Say why the reading is corrected."))
        if value < 0:
            raise UserError(self.env._("A corrected reading is not negative."))
        self.write(
            {
                "is_corrected": True,
                "corrected_value": value,
                "correction_uid": self.env.uid,
                "correction_date": fields.Datetime.now(),
                "correction_reason": reason,
            }
        )
        return True
