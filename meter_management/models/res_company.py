from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    meter_max_range_quantity = fields.Integer(
        string="Maximum meters per registration",
        default=100000,
        help="Largest number of meters one range registration may create.",
    )
    meter_rollover_max_percent = fields.Float(
        string="Largest plausible rollover (%)",
        default=10.0,
        help="A reading below the previous one is taken as a register rollover only when the "
        "consumption it means is at most this share of the register's capacity (10^digits); "
        "otherwise it is flagged as an anomaly.",
    )
    meter_installed_location_id = fields.Many2one(
        "stock.location",
        string="Installed Meters Location",
        help="Where meters installed at service points lie, outside store inventory.",
    )

    meter_calibration_horizon_days = fields.Integer(
        string="Calibration due soon (days)",
        default=90,
        help="A meter is due soon from this many days before its verification due date.",
    )
    meter_calibration_auto_dispatch = fields.Boolean(
        string="Draft dispatches of due meters",
        help="The daily calibration check prepares a draft dispatch to the laboratory of the "
        "meters in stock that fall due.",
    )
    meter_calibration_laboratory_id = fields.Many2one(
        "stock.warehouse",
        string="Default laboratory",
        domain="[('meter_role', '=', 'laboratory'), ('company_id', '=', id)]",
        help="Where the draft dispatches of due meters go.",
    )
    meter_calibration_responsible_id = fields.Many2one(
        "res.users",
        string="Calibration responsible",
        help="Receives the summary of due meters of a store that has no responsible of its "
        "own; by default the user of the scheduled action.",
    )
    meter_recertification_years = fields.Integer(
        string="Sample recertification extends by (years)",
        default=4,
        help="Years a passed sample recertification adds to the validity of every meter of "
        "the group.",
    )

    def _get_meter_installed_location(self):
        """The company's "Installed meters" location (customer usage), made on first use."""
        self.ensure_one()
        if self.meter_installed_location_id:
            return self.meter_installed_location_id
        location = (
            self.env["stock.location"].sudo().create(self._prepare_meter_installed_location_vals())
        )
        self.sudo().meter_installed_location_id = location
        return location

    def _prepare_meter_installed_location_vals(self):
        self.ensure_one()
        return {
            "name": self.env._("Installed Meters"),
            "usage": "customer",
            "meter_usage": "installed",
            "location_id": self.env.ref("stock.stock_location_customers").id,
            "company_id": self.id,
        }

    # ------------------------------------------------------------------
    # The company's time zone: every date derived from a datetime
    # ------------------------------------------------------------------

    def _get_meter_tz(self):
        """Name of the time zone the company's meter dates are in: the company's (its
        partner's), else the user's, else UTC."""
        company = self[:1] or self.env.company
        return company.partner_id.tz or self.env.user.tz or "UTC"

    def _meter_date(self, value):
        """The company's calendar day of ``value``, a UTC datetime (naive, as Odoo stores
        it, or its string); a date is returned as it is."""
        if not value:
            return False
        if isinstance(value, str) and len(value) > 10:
            value = fields.Datetime.to_datetime(value)
        if not isinstance(value, datetime):
            return fields.Date.to_date(value)
        tz = pytz.timezone(self._get_meter_tz())
        return pytz.utc.localize(value).astimezone(tz).date()

    def _meter_format_datetime(self, value):
        """``value``, a UTC datetime, as the company's local time "YYYY-MM-DD HH:MM"."""
        tz = pytz.timezone(self._get_meter_tz())
        local = pytz.utc.localize(fields.Datetime.to_datetime(value)).astimezone(tz)
        return local.strftime("%Y-%m-%d %H:%M")

    def _meter_today(self):
        """Today in the company's time zone."""
        return self._meter_date(fields.Datetime.now())

    def _meter_day_start(self, day):
        """The UTC datetime (naive) at which ``day`` starts in the company's time zone."""
        tz = pytz.timezone(self._get_meter_tz())
        local = tz.localize(datetime.combine(fields.Date.to_date(day), time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _meter_period_bounds(self, date_from, date_to):
        """``(start, end)`` UTC datetimes of the days ``date_from`` to ``date_to`` included,
        in the company's time zone: ``start <= moment < end``."""
        end_day = fields.Date.to_date(date_to) + timedelta(days=1)
        return self._meter_day_start(date_from), self._meter_day_start(end_day)
