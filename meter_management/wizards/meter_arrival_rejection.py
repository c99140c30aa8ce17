from odoo import fields, models

from ..tools.messages import meters_text
from ..tools.meter_numbers import format_ranges


class MeterArrivalRejection(models.TransientModel):
    """Reject meters found damaged when a reception arrives."""

    _name = "meter.arrival.rejection"
    _description = "Reject Meters on Arrival"
    _check_company_auto = True

    picking_id = fields.Many2one(
        "stock.picking",
        string="Reception",
        required=True,
        domain=[("meter_movement_kind", "=", "reception")],
        check_company=True,
    )
    company_id = fields.Many2one(related="picking_id.company_id")
    numbers = fields.Text(
        string="Meter Numbers",
        required=True,
        help="The meters to reject: numbers, ranges and lists, e.g. 30001-30003, 30007.",
    )
    reason_id = fields.Many2one(
        "meter.movement.reason", string="Reason", required=True, check_company=True
    )

    def action_reject(self):
        self.ensure_one()
        rejection = self.picking_id._reject_meters_on_arrival(self.numbers, self.reason_id)
        numbers = rejection.move_line_ids.lot_id.mapped("name")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Meters rejected on arrival"),
                "message": self.env._(
                    "%(meters)s rejected on arrival at %(store)s (%(reason)s) by %(rejection)s: "
                    "%(numbers)s",
                    meters=meters_text(self.env, len(numbers)),
                    store=rejection.picking_type_id.warehouse_id.name,
                    reason=self.reason_id.name,
                    rejection=rejection.name,
                    numbers=format_ranges(numbers, counts=False),
                ),
                "next": {
                    "type": "ir.actions.act_window",
                    "name": rejection.name,
                    "res_model": "stock.picking",
                    "view_mode": "form",
                    "views": [(False, "form")],
                    "res_id": rejection.id,
                },
            },
        }
