from odoo import fields, models

STAGE_STATES = [
    ("new", "New"),
    ("open", "In Progress"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]


class MeterServiceOrderStage(models.Model):
    """A column of the service orders' kanban; its state says what the stage means."""

    _name = "meter.service.order.stage"
    _description = "Service Order Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban")
    state = fields.Selection(STAGE_STATES, required=True, default="open")
