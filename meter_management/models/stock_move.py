from odoo import models
from odoo.tools import SQL


class StockMove(models.Model):
    _inherit = "stock.move"

    def _get_picked_quantity(self):
        # Odoo reads every line of the move to find those not picked (the backorder check
        # before validation); a meter move has thousands of lines: one query
        self.ensure_one()
        if not (self.picking_id.meter_movement_kind and self.picked and self.id):
            return super()._get_picked_quantity()
        self.env["stock.move.line"].flush_model(["move_id", "picked", "quantity", "product_uom_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT bool_and(ml.picked), SUM(ml.quantity) FILTER (WHERE ml.picked),
                       bool_and(ml.product_uom_id = %(uom)s)
                  FROM stock_move_line ml WHERE ml.move_id = %(move)s
                """,
                uom=self.product_uom.id,
                move=self.id,
            )
        )
        all_picked, picked_quantity, same_uom = self.env.cr.fetchone()
        if all_picked is None or all_picked:
            return self.quantity
        if same_uom:
            return picked_quantity or 0.0
        return super()._get_picked_quantity()
