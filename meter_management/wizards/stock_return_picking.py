from odoo import models


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _prepare_picking_default_values_based_on(self, picking):
        vals = super()._prepare_picking_default_values_based_on(picking)
        if picking.meter_movement_kind == "rejection":
            # rejected meters go back to their supplier, not to the store they came from
            return_type = picking.picking_type_id.return_picking_type_id
            supplier = return_type.default_location_dest_id or self.env.ref(
                "stock.stock_location_suppliers"
            )
            vals.update(
                location_dest_id=supplier.id,
                meter_reason_id=picking.meter_reason_id.id,
                meter_dispatch_id=False,
            )
        elif picking.meter_movement_kind == "dispatch":
            # meters still in transit go back to the store that sent them
            vals.update(meter_dispatch_id=picking.id, meter_dest_warehouse_id=False)
        return vals

    def _create_return(self):
        new_picking = super()._create_return()
        if self.picking_id.meter_movement_kind == "dispatch":
            # Odoo freed the reception's reservation for the return: the reception keeps the
            # meters the return does not take
            receptions = self.picking_id.meter_arrival_ids.filtered(
                lambda p: (
                    p != new_picking
                    and p.meter_movement_kind == "reception"
                    and p.state not in ("done", "cancel")
                )
            )
            returned = {}
            for move in new_picking.move_ids:
                returned[move.product_id] = returned.get(move.product_id, 0) + move.product_uom_qty
            for move in receptions.move_ids:
                taken = min(returned.get(move.product_id, 0), move.product_uom_qty)
                if taken:
                    move.product_uom_qty -= taken
                    returned[move.product_id] -= taken
            if receptions:
                receptions.action_assign()
        return new_picking
