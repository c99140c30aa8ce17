from odoo import api, fields, models
from odoo.tools import create_index


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    meter_movement_kind = fields.Selection(related="picking_id.meter_movement_kind")
    meter_reason_id = fields.Many2one(related="picking_id.meter_reason_id")

    def init(self):
        res = super().init()
        # a meter's history and the open-dispatch checks read the lines of given lots
        create_index(
            self.env.cr,
            "stock_move_line_lot_id_date_idx",
            self._table,
            ["lot_id", "date"],
            where="lot_id IS NOT NULL",
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        # a line made on a move of a transfer belongs to that transfer (Odoo's forms set it,
        # a move created with its lines does not): the meter's history and the movement
        # analysis read the transfer of each line
        moves = self.env["stock.move"].browse(
            {
                vals["move_id"]
                for vals in vals_list
                if vals.get("move_id") and not vals.get("picking_id")
            }
        )
        pickings = {move.id: move.picking_id.id for move in moves if move.picking_id}
        for vals in vals_list:
            if vals.get("move_id") in pickings and not vals.get("picking_id"):
                vals["picking_id"] = pickings[vals["move_id"]]
        return super().create(vals_list)

    def _prepare_new_lot_vals(self):
        vals = super()._prepare_new_lot_vals()
        if self.product_id.is_meter and "company_id" not in vals:
            # a meter belongs to the utility that receives it
            vals["company_id"] = self.company_id.id
        return vals
