from odoo import fields, models


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
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "view_mode": "form",
            "res_id": rejection.id,
        }
