from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    meter_test_marker = fields.Boolean(copy=False)

    def _action_done(self, cancel_backorder=False):
        # what an add-on unknown to the meter stock engine does when a move is done
        self.write({"meter_test_marker": True})
        return super()._action_done(cancel_backorder=cancel_backorder)
