from odoo.tests import HttpCase, tagged

from .common import MeterCommon


@tagged("post_install", "-at_install")
class TestUi(MeterCommon, HttpCase):
    def test_register_range_tour(self):
        self.start_tour(
            "/odoo/action-meter_management.stock_lot_meter_action",
            "meter_registration_tour",
            login=self.storekeeper.login,
        )
        meters = self._meters(*[str(number) for number in range(30001, 30011)])
        self.assertEqual(len(meters), 10)
        self.assertEqual(set(meters.mapped("meter_state")), {"store"})
        self.assertEqual(meters.meter_warehouse_id, self.central)
        self.assertEqual(set(meters.meter_register_ids.mapped("multiplier")), {40.0})
        self.assertEqual(self._quantity_in(self.central.lot_stock_id, meters), 10)
