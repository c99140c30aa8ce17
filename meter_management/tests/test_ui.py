from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

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

    def test_meters_menu_opens_settings_at_the_meters_block_tour(self):
        admin = new_test_user(
            self.env,
            "mm_admin",
            groups="base.group_system,meter_management.group_meter_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        action = self.env.ref("meter_management.meter_management_menu_settings").action
        self.assertEqual(action.type, "ir.actions.act_url")
        self.start_tour(action.url, "meter_settings_tour", login=admin.login)
