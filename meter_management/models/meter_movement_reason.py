from odoo import fields, models


class MeterMovementReason(models.Model):
    """Why meters were rejected or returned: a configurable list."""

    _name = "meter.movement.reason"
    _description = "Meter Movement Reason"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the reason between companies."
    )
    movement_kinds = fields.Char(
        help="Movement kinds the reason applies to (comma-separated technical names, "
        "e.g. rejection,return); empty means all."
    )
    description = fields.Text()
