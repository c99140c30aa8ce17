from odoo.tests import HttpCase, tagged

from .common import MeterCommon


@tagged("post_install", "-at_install")
class TestAnomalyServiceOrderTour(MeterCommon, HttpCase):
    def test_import_anomaly_order_exchange_tour(self):
        old, new = self._create_meter("TRA-0001"), self._create_meter("TRA-0002")
        point = self._create_service_point(contract_ref="TRA-1")
        self._run_installation_wizard(
            "install", point, "2026-01-01 08:00:00", {("initial", "active"): 100}, new_lot=old
        )
        self.start_tour(
            "/odoo/action-meter_management.meter_reading_import_action",
            "meter_anomaly_service_order_tour",
            login=self.field_technician.login,
        )
        anomaly = self.env["meter.anomaly"].search([("lot_id", "=", old.id)])
        self.assertEqual(anomaly.type_id.code, "DMG")
        self.assertEqual(anomaly.reading_id.value, 150)
        order = anomaly.service_order_id
        self.assertEqual((order.order_type, order.state), ("exchange", "done"))
        self.assertEqual(
            (anomaly.state, anomaly.resolution, anomaly.resolved_uid),
            ("resolved", "service_order", self.field_technician),
        )
        removed, installed = point.installation_ids.sorted("date_from")
        self.assertEqual((removed.lot_id, installed.lot_id), (old, new))
        self.assertEqual(removed.final_reading_ids.value, 160)
        self.assertEqual(installed.initial_reading_ids.value, 5)
        self.assertEqual(order.new_installation_id, installed)
        self.assertEqual((old.meter_state, new.meter_state), ("store", "installed"))
