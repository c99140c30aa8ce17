from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MeterSamplingPlan(models.Model):
    """One row of the sampling table of sample recertification: group size -> sample.

    The default rows are ANSI/ASQ Z1.4 (ISO 2859-1), general inspection level II, single
    sampling, normal inspection, AQL 1.0 %.
    """

    _name = "meter.sampling.plan"
    _description = "Sampling Plan Row"
    _order = "lot_size_from"

    lot_size_from = fields.Integer(string="Group Size From", required=True)
    lot_size_to = fields.Integer(string="Group Size To", help="0: no upper bound.")
    code_letter = fields.Char(string="Sample Size Code")
    sample_size = fields.Integer(required=True)
    accept_number = fields.Integer(
        string="Acceptance Number", help="Most failed meters in the sample that still pass."
    )
    reject_number = fields.Integer(
        string="Rejection Number", compute="_compute_reject_number", store=True
    )
    aql = fields.Float(string="AQL (%)", default=1.0, digits=(4, 2))
    active = fields.Boolean(default=True)

    @api.depends("accept_number")
    def _compute_reject_number(self):
        for row in self:
            row.reject_number = row.accept_number + 1

    @api.depends("lot_size_from", "lot_size_to", "sample_size", "accept_number")
    def _compute_display_name(self):
        for row in self:
            row.display_name = self.env._(
                "%(start)s–%(end)s meters: sample %(size)s, accept %(accept)s",
                start=row.lot_size_from,
                end=row.lot_size_to or "…",
                size=row.sample_size,
                accept=row.accept_number,
            )

    @api.constrains("lot_size_from", "lot_size_to", "sample_size", "accept_number")
    def _check_sizes(self):
        for row in self:
            if (
                row.lot_size_from < 1
                or (row.lot_size_to and row.lot_size_to < row.lot_size_from)
                or row.sample_size < 1
                or not 0 <= row.accept_number < row.sample_size
            ):
                raise ValidationError(
                    self.env._("Sampling plan row %(row)s is inconsistent.", row=row.display_name)
                )

    @api.model
    def _get_plan(self, group_size):
        """``(row, sample size, acceptance number)`` for a group of ``group_size`` meters; the
        sample never exceeds the group (then every meter is tested)."""
        for row in self.search([]):
            if group_size >= row.lot_size_from and (
                not row.lot_size_to or group_size <= row.lot_size_to
            ):
                return row, min(row.sample_size, group_size), row.accept_number
        return self.browse(), group_size, 0
