from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

CHART_HEIGHT = 180


class MeterCalibrationQueueWizard(models.TransientModel):
    """The inquiry "meters waiting for calibration / verification" of a calendar year."""

    _name = "meter.calibration.queue.wizard"
    _description = "Meters Waiting for Calibration: Criteria"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    year = fields.Integer(
        string="Calendar Year",
        required=True,
        default=lambda self: fields.Date.context_today(self).year,
    )
    date_from = fields.Date(
        string="From",
        compute="_compute_dates",
        store=True,
        readonly=False,
    )
    date_to = fields.Date(string="To", compute="_compute_dates", store=True, readonly=False)
    warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Stores",
        check_company=True,
        help="Empty: every store (and the meters outside stores for the forecast).",
    )
    use_type_ids = fields.Many2many(
        "meter.use.type", string="Types of Use", help="Empty: every type of use."
    )

    @api.depends("year")
    def _compute_dates(self):
        for wizard in self:
            if wizard.year:
                wizard.date_from = date(wizard.year, 1, 1)
                wizard.date_to = date(wizard.year, 12, 31)

    @api.constrains("year", "date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if not 1900 < wizard.year < 3000:
                raise ValidationError(
                    self.env._("%(year)s is not a calendar year.", year=wizard.year)
                )
            if (
                not wizard.date_from
                or not wizard.date_to
                or wizard.date_from > wizard.date_to
                or wizard.date_from.year != wizard.year
                or wizard.date_to.year != wizard.year
            ):
                raise ValidationError(
                    self.env._(
                        "The date interval must lie within the calendar year %(year)s, "
                        "from its start to its end.",
                        year=wizard.year,
                    )
                )

    def _get_domain(self):
        """Domain on ``meter.calibration.queue.report`` of the chosen criteria (hook)."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]
        if self.warehouse_ids:
            domain.append(("warehouse_id", "in", self.warehouse_ids.ids))
        if self.use_type_ids:
            domain.append(("use_type_id", "in", self.use_type_ids.ids))
        return domain

    def _get_month_rows(self):
        """One row per month of the year: ``{month, label, forecast, waiting, total}``."""
        self.ensure_one()
        groups = self.env["meter.calibration.queue.report"]._read_group(
            self._get_domain(),
            ["date:month"],
            ["forecast_count:sum", "waiting_count:sum"],
        )
        counts = {
            month.month: (int(forecast or 0), int(waiting or 0))
            for month, forecast, waiting in groups
        }
        rows = []
        for month in range(1, 13):
            forecast, waiting = counts.get(month, (0, 0))
            first_day = date(self.year, month, 1)
            rows.append(
                {
                    "month": first_day,
                    "label": format_date(self.env, first_day, date_format="MMMM yyyy"),
                    "short_label": format_date(self.env, first_day, date_format="MMM"),
                    "forecast": forecast,
                    "waiting": waiting,
                    "total": forecast + waiting,
                }
            )
        return rows

    def _get_chart(self, rows, plot_height=CHART_HEIGHT):
        """Bar heights (px) of the printed chart: two bars per month (falling due, waiting
        in laboratory) on a common scale."""
        top = max([row["forecast"] for row in rows] + [row["waiting"] for row in rows] + [1])
        return {
            "top": top,
            "plot_height": plot_height,
            "months": [
                {
                    "label": row["short_label"],
                    "forecast_height": round(row["forecast"] / top * plot_height),
                    "waiting_height": round(row["waiting"] / top * plot_height),
                }
                for row in rows
            ],
        }

    def _get_title(self):
        """The inquiry's title with its criteria: year, stores, types of use."""
        self.ensure_one()
        return self.env._(
            "Meters waiting for calibration %(year)s — %(stores)s — %(use_types)s",
            year=self.year,
            stores=", ".join(self.warehouse_ids.mapped("name")) or self.env._("all stores"),
            use_types=", ".join(self.use_type_ids.mapped("name")) or self.env._("all types of use"),
        )

    def _get_action_context(self):
        """Every month of the year is a group, with or without meters (``fill_temporal``)."""
        self.ensure_one()
        return {
            "fill_temporal": {
                "fill_from": fields.Date.to_string(date(self.year, 1, 1)),
                "fill_to": fields.Date.to_string(date(self.year, 12, 31)),
            },
        }

    def _get_action(self, view_mode):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "meter_management_reports.meter_calibration_queue_report_action"
        )
        action["domain"] = self._get_domain()
        action["name"] = action["display_name"] = self._get_title()
        action["context"] = self._get_action_context()
        modes = action["view_mode"].split(",")
        action["view_mode"] = ",".join([view_mode] + [m for m in modes if m != view_mode])
        action["views"] = [
            (view_id, mode) for view_id, mode in action["views"] if mode == view_mode
        ] + [(view_id, mode) for view_id, mode in action["views"] if mode != view_mode]
        action["target"] = "main"
        return action

    def action_open_graph(self):
        return self._get_action("graph")

    def action_open_list(self):
        return self._get_action("list")

    def action_print(self):
        return self.env.ref(
            "meter_management_reports.action_report_meter_calibration_queue"
        ).report_action(self)
