from odoo.tests import HttpCase, tagged

from .test_meter_movements import MeterMovementCommon


@tagged("post_install", "-at_install")
class TestMeterMovementsTour(MeterMovementCommon, HttpCase):
    def test_dispatch_by_range_paste_tour(self):
        self._register_range("30001", "30010")
        self.start_tour(
            "/odoo/action-meter_management.stock_picking_meter_action/new",
            "meter_dispatch_tour",
            login=self.storekeeper.login,
        )
        meters = self._meters(*[str(number) for number in range(30001, 30011)])
        dispatch = self.env["stock.picking"].search(
            [("picking_type_id", "=", self.central.meter_dispatch_type_id.id)]
        )
        self.assertEqual(dispatch.state, "done")
        self.assertEqual(dispatch.meter_dest_warehouse_id, self.regional)
        self.assertEqual(dispatch.move_line_ids.lot_id, meters)
        self.assertEqual(self._quantity_in(self.transit, meters), 10)
        reception = dispatch.meter_arrival_ids
        self.assertEqual(reception.picking_type_id, self.regional.meter_reception_type_id)
        self.assertEqual(reception.state, "assigned")
        self.assertEqual(reception.move_line_ids.lot_id, meters)
