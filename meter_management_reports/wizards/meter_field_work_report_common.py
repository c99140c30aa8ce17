from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MeterFieldWorkReportMixin(models.AbstractModel):
    """A period in the company's time zone, for the anomaly and service order wizards."""

    _name = "meter.field.work.report.mixin"
    _description = "Period of a Field Work Report"

    date_from = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period ends before it starts."))

    def _get_period_bounds(self):
        """UTC datetimes of the period's first midnight and the midnight after its last
        day, in the company's time zone."""
        self.ensure_one()
        tz = pytz.timezone(self.env.company.partner_id.tz or self.env.user.tz or "UTC")
        return tuple(
            tz.localize(datetime.combine(day, time())).astimezone(pytz.utc).replace(tzinfo=None)
            for day in (self.date_from, self.date_to + timedelta(days=1))
        )
