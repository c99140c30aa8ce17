import base64
import csv
import io

from odoo import Command, api, fields, models

from ..models.meter_type_register import REGISTER_TYPES, REGISTER_UNITS


class MeterBillingConsumption(models.TransientModel):
    """Consumption to bill per service point, register type and installation segment."""

    _name = "meter.billing.consumption"
    _description = "Billing Consumption"

    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    service_point_ids = fields.Many2many(
        "meter.service.point", string="Service Points", help="Empty: every service point."
    )
    line_ids = fields.One2many("meter.billing.consumption.line", "wizard_id")

    def _compute_lines(self):
        self.ensure_one()
        segments = self.env["meter.service.point"]._get_billing_segments(
            self.date_from, self.date_to, self.service_point_ids
        )
        self.line_ids = [Command.clear()] + [
            Command.create(self._prepare_line_vals(segment)) for segment in segments
        ]

    @api.model
    def _prepare_line_vals(self, segment):
        consumption = float(segment["consumption"] or 0)
        demand = segment["register_type"] == "demand"
        return {
            "service_point_id": segment["service_point_id"],
            "installation_id": segment["installation_id"],
            "lot_id": segment["lot_id"],
            "register_type": segment["register_type"],
            "unit": REGISTER_UNITS.get(segment["register_type"]),
            "opening_date": segment["opening_date"],
            "opening_value": float(segment["opening_value"]),
            "closing_date": segment["closing_date"],
            "closing_value": float(segment["closing_value"]),
            "multiplier": float(segment["multiplier"]),
            "units": float(segment["units"]),
            "energy": 0.0 if demand else consumption,
            "active_energy": consumption if segment["register_type"] == "active" else 0.0,
            "reactive_energy": consumption if segment["register_type"] == "reactive" else 0.0,
            "demand": consumption if demand else 0.0,
            "reading_count": segment["reading_count"],
            "rollover_count": segment["rollovers"],
            "anomaly_count": segment["anomalies"],
        }

    def action_compute(self):
        self.ensure_one()
        self._compute_lines()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Billing consumption %(start)s – %(end)s", start=self.date_from, end=self.date_to
            ),
            "res_model": "meter.billing.consumption.line",
            "view_mode": "list,pivot",
            "domain": [("wizard_id", "=", self.id)],
            "context": {"search_default_group_point": 1, "search_default_group_register": 1},
        }

    def _get_csv(self):
        """The period's consumption as CSV: one line per segment, then the totals."""
        self.ensure_one()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                "service_point",
                "contract_ref",
                "register_type",
                "meter_number",
                "opening_date",
                "opening_value",
                "closing_date",
                "closing_value",
                "multiplier",
                "units",
                "consumption",
                "readings",
                "rollovers",
                "anomalies",
            ]
        )
        rows = self.env["meter.service.point"].get_billing_consumption(
            self.date_from, self.date_to, self.service_point_ids.mapped("name") or None
        )
        for row in rows:
            for segment in row["segments"]:
                writer.writerow(
                    [
                        row["service_point"],
                        row["contract_ref"],
                        row["register_type"],
                        segment["meter_number"],
                        segment["opening_date"],
                        segment["opening_value"],
                        segment["closing_date"],
                        segment["closing_value"],
                        segment["multiplier"],
                        segment["units"],
                        segment["consumption"],
                        segment["readings"],
                        segment["rollovers"],
                        segment["anomalies"],
                    ]
                )
            writer.writerow(
                [row["service_point"], row["contract_ref"], row["register_type"], "TOTAL"]
                + [""] * 6
                + [row["consumption"], "", "", ""]
            )
        return buffer.getvalue()

    def action_export_csv(self):
        self.ensure_one()
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"billing_consumption_{self.date_from}_{self.date_to}.csv",
                "datas": base64.b64encode(self._get_csv().encode()),
                "mimetype": "text/csv",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }


class MeterBillingConsumptionLine(models.TransientModel):
    """One installation segment of one register in the billed period."""

    _name = "meter.billing.consumption.line"
    _description = "Billing Consumption Segment"
    _order = "service_point_id, opening_date, id"

    wizard_id = fields.Many2one("meter.billing.consumption", required=True, ondelete="cascade")
    service_point_id = fields.Many2one("meter.service.point", readonly=True)
    installation_id = fields.Many2one("meter.installation", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Meter", readonly=True)
    register_type = fields.Selection(REGISTER_TYPES, readonly=True)
    unit = fields.Char(readonly=True, help="Unit of the register's readings: kWh, kvarh or kW.")
    # readings of different meters and registers cannot be added up: group rows leave them out
    opening_date = fields.Datetime(readonly=True)
    opening_value = fields.Float(digits=(16, 3), readonly=True, aggregator=False)
    closing_date = fields.Datetime(readonly=True)
    closing_value = fields.Float(digits=(16, 3), readonly=True, aggregator=False)
    multiplier = fields.Float(digits=(16, 6), min_display_digits=1, readonly=True, aggregator=False)
    units = fields.Float(digits=(16, 3), readonly=True, aggregator=False)
    energy = fields.Float(
        string="Energy", digits=(16, 3), readonly=True, help="kWh or kvarh × multiplier."
    )
    active_energy = fields.Float(
        string="kWh", digits=(16, 3), readonly=True, help="Active energy × multiplier."
    )
    reactive_energy = fields.Float(
        string="kvarh", digits=(16, 3), readonly=True, help="Reactive energy × multiplier."
    )
    demand = fields.Float(
        string="kW (max)",
        digits=(16, 3),
        readonly=True,
        aggregator="max",
        help="Demand × multiplier; a group shows the highest.",
    )
    reading_count = fields.Integer(string="Readings", readonly=True)
    rollover_count = fields.Integer(string="Rollovers", readonly=True)
    anomaly_count = fields.Integer(string="Anomalies", readonly=True)
