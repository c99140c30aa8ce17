from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def do_print_picking(self):
        """A meter dispatch's Print gives its dispatch note (stock's Picking Operations stays
        in the Print menu)."""
        if self and all(picking.meter_movement_kind == "dispatch" for picking in self):
            self.write({"printed": True})
            return self.env.ref(
                "meter_management_reports.action_report_meter_dispatch_note"
            ).report_action(self)
        return super().do_print_picking()
