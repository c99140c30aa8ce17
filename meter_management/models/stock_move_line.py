from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _prepare_new_lot_vals(self):
        vals = super()._prepare_new_lot_vals()
        if self.product_id.is_meter and "company_id" not in vals:
            # a meter belongs to the utility that receives it
            vals["company_id"] = self.company_id.id
        return vals
