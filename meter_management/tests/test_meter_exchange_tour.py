from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .common import METERS_RECEIVED_ON, MeterCommon


@tagged("post_install", "-at_install")
class TestMeterExchangeTour(MeterCommon, HttpCase):
    def test_exchange_meter_tour(self):
        with freeze_time(METERS_RECEIVED_ON):
            old, new = self._create_meter("TOUR-0001"), self._create_meter("TOUR-0002")
        point = self._create_service_point(contract_ref="TOUR-1")
        self._run_installation_wizard(
            "install", point, "2026-01-01 08:00:00", {("initial", "active"): 1000}, new_lot=old
        )
        self.start_tour(
            f"/odoo/action-meter_management.meter_service_point_action/{point.id}",
            "meter_exchange_tour",
            login=self.field_technician.login,
        )
        removed, installed = point.installation_ids.sorted("date_from")
        self.assertEqual((removed.lot_id, installed.lot_id), (old, new))
        self.assertTrue(removed.date_to)
        self.assertFalse(installed.date_to)
        self.assertEqual(removed.final_reading_ids.value, 1234.5)
        self.assertEqual(removed.final_reading_ids.consumption, 234.5)
        self.assertEqual(installed.initial_reading_ids.value, 7)
        self.assertEqual(old.meter_state, "store")
        self.assertEqual(new.meter_state, "installed")
