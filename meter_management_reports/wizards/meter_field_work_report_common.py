from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class MeterFieldWorkReportMixin(models.AbstractModel):
    """A period in the company's time zone, printed or analysed: the anomaly and service
    order wizards. Each names its records' model, its report and its analysis action."""

    _name = "meter.field.work.report.mixin"
    _description = "Period of a Field Work Report"
    _records_model = None
    _report_xmlid = None
    _analysis_xmlid = None

    date_from = fields.Date(
        required=True,
        default=lambda self: self.env.company._meter_today().replace(day=1),
    )
    date_to = fields.Date(required=True, default=lambda self: self.env.company._meter_today())

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period ends before it starts."))

    def _get_period_bounds(self):
        """UTC datetimes of the period's first midnight and the midnight after its last
        day, in the company's time zone (as every meter report's period)."""
        self.ensure_one()
        return self.env.company._meter_period_bounds(self.date_from, self.date_to)

    def _get_report_data(self):
        """What the printed report receives. The web client sends a report action's ``data``
        through the report URL as JSON and no record ids: the report finds its records from
        the domain it carries, so its values must be plain JSON (datetimes as strings)."""
        self.ensure_one()
        domain = [
            (term[0], term[1], fields.Datetime.to_string(term[2]))
            if isinstance(term, tuple | list) and isinstance(term[2], datetime)
            else term
            for term in self._get_domain()
        ]
        return {"domain": domain, "criteria": self._get_criteria()}

    def _get_nothing_message(self):
        raise NotImplementedError

    def action_print(self):
        self.ensure_one()
        if not self.env[self._records_model].search_count(self._get_domain(), limit=1):
            raise UserError(self._get_nothing_message())
        # the web client prints with the data only: the report finds the records from it
        return self.env.ref(self._report_xmlid).report_action(
            self.env[self._records_model], data=self._get_report_data(), config=False
        )

    def action_open_analysis(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(self._analysis_xmlid)
        action.update(domain=self._get_domain(), view_mode="pivot,graph,list,form", context={})
        return action
