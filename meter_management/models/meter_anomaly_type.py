from odoo import api, fields, models

from ..tools import anomaly_rules as rules

ANOMALY_RULES = [
    (rules.RULE_NEGATIVE, "Negative consumption (register went back)"),
    (rules.RULE_ROLLOVER, "Implausible rollover"),
    (rules.RULE_MISREAD, "Probable misread (digit slip or transposition)"),
    (rules.RULE_OUT_OF_RANGE, "Reading does not fit the register"),
    (rules.RULE_ZERO, "Zero consumption n readings in a row"),
    (rules.RULE_HIGH, "High against the meter's history"),
    (rules.RULE_LOW, "Low against the meter's history"),
    (rules.RULE_DEMAND, "Demand above the maximum"),
    (rules.RULE_REACTIVE, "Reactive above a share of active"),
    (rules.RULE_BACKDATED, "Reading dated before the previous one"),
    (rules.RULE_NOT_INSTALLED, "Meter not installed at that date"),
    (rules.RULE_ESTIMATED, "Estimated or customer readings n in a row"),
    (rules.RULE_READER_CODE, "Reader code"),
]
ANOMALY_SEVERITIES = [
    ("info", "Information"),
    ("warning", "Warning"),
    ("block", "Blocks billing"),
]


class MeterAnomalyType(models.Model):
    """What raises an anomaly (a rule run on each reading, or a code the reader reports),
    how serious it is, its parameters and the field work it calls for."""

    _name = "meter.anomaly.type"
    _description = "Reading Anomaly Type"
    _order = "sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    code = fields.Char(
        required=True,
        help="Short code; for reader codes, the code the reader writes in the file or app.",
    )
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the type in every company."
    )
    rule = fields.Selection(ANOMALY_RULES, required=True, default=rules.RULE_READER_CODE)
    severity = fields.Selection(ANOMALY_SEVERITIES, required=True, default="warning")
    reading_count = fields.Integer(
        string="Readings (n)",
        default=3,
        help="Zero consumption and estimated readings: how many in a row. High / low: how "
        "many previous readings make the meter's history.",
    )
    band_percent = fields.Float(
        string="Band (%)",
        default=50.0,
        help="High / low: the percentage band around the expected consumption. Reactive: "
        "the largest share of active energy. Demand: the tolerance above the maximum. "
        "Negative consumption: the largest step back, as a share of the register's "
        "capacity, still taken as reverse running (larger is an implausible rollover).",
    )
    band_units = fields.Float(
        string="Band (units)",
        default=100.0,
        help="High / low: the absolute band around the expected consumption; a reading must "
        "leave both bands. Demand: the maximum (kW) when the service point has no "
        "contracted demand.",
    )
    service_order_type = fields.Selection(
        [
            ("reread", "Re-read"),
            ("inspect", "Inspect"),
            ("exchange", "Exchange"),
            ("test", "Test on site"),
            ("seal", "Seal"),
        ],
        string="Raises Service Order",
        help="The field work this anomaly calls for: an open order of that type at the "
        "service point collects it, else a new one is raised.",
    )
    escalation_count = fields.Integer(
        help="When a service point has this many open anomalies of this type (e.g. the "
        'third "no access" in a row), its service order becomes an appointment with the '
        "escalation priority. 0: no escalation."
    )
    escalation_priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")], default="1"
    )
    description = fields.Text()
    anomaly_count = fields.Integer(compute="_compute_anomaly_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique (code, company_id)",
            "The code of an anomaly type is unique per company.",
        ),
    ]

    def _compute_anomaly_count(self):
        counts = dict(
            self.env["meter.anomaly"]._read_group(
                [("type_id", "in", self.ids)], ["type_id"], ["__count"]
            )
        )
        for anomaly_type in self:
            anomaly_type.anomaly_count = counts.get(anomaly_type, 0)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for anomaly_type in self:
            anomaly_type.display_name = f"[{anomaly_type.code}] {anomaly_type.name}"

    @api.model
    def _get_active_types(self, company):
        """The types in force in ``company``: ``{rule: type}`` for the rules (the company's
        own type first) and ``{code: type}`` for reader codes."""
        types = self.with_context(active_test=True).search(
            [("company_id", "in", [company.id, False])], order="company_id, sequence, id"
        )
        by_rule, by_code = {}, {}
        for anomaly_type in types:
            if anomaly_type.rule == rules.RULE_READER_CODE:
                by_code.setdefault(anomaly_type.code.strip().upper(), anomaly_type)
            else:
                by_rule.setdefault(anomaly_type.rule, anomaly_type)
        return by_rule, by_code

    def action_open_anomalies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "meter_management.meter_anomaly_action"
        )
        action["domain"] = [("type_id", "=", self.id)]
        action["context"] = {}
        return action
