from odoo.addons.meter_management.tests.test_meter_movements import MeterMovementCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install", "meter_test_override")
class TestEngineOverride(MeterMovementCommon):
    """An add-on the stock engine does not know overrides stock.move._action_done: the engine
    sends registration and meter transfers through Odoo's own path, so the override runs,
    and the stock ends as the fast path leaves it."""

    def test_engine_sees_the_override(self):
        engine = self.env["meter.stock.engine"]
        for operation in ("register", "done"):
            self.assertIn(
                "stock.move._action_done (meter_test_override)",
                engine._get_fast_path_refusal(operation),
            )
        with self.assertLogs("odoo.addons.meter_management.models.meter_stock_engine") as logs:
            self.assertFalse(engine._use_fast_path("done"))
        self.assertIn("meter_test_override", logs.output[0])

    def test_registration_and_transfers_run_the_override(self):
        result = self._register_range("70001", "70005")
        receipt = self.env["stock.picking"].browse(result["picking_id"])
        meters = self._meters("70001", "70002", "70003", "70004", "70005")
        self.assertEqual(receipt.state, "done")
        self.assertEqual(set(receipt.move_ids.mapped("meter_test_marker")), {True})
        self.assertEqual(self._quantity_in(self.central.lot_stock_id, meters), 5)
        self.assertEqual(self._state("70001", "70005"), {"store"})
        self.assertEqual(
            len(meters.meter_register_ids), 5 * len(self.single_phase.meter_register_template_ids)
        )

        dispatch = self._dispatch("70001-70003")
        self.assertEqual(dispatch.state, "done")
        self.assertEqual(set(dispatch.move_ids.mapped("meter_test_marker")), {True})
        sent = meters[:3]
        self.assertEqual(self._quantity_in(self.transit, sent), 3)
        self.assertEqual(self._state("70001", "70002", "70003"), {"transit"})

        reception = dispatch.meter_arrival_ids
        self.assertEqual(reception.move_line_ids.lot_id, sent)
        reception.button_validate()
        self.assertEqual(reception.state, "done")
        self.assertEqual(set(reception.move_ids.mapped("meter_test_marker")), {True})
        self.assertEqual(self._quantity_in(self.regional.lot_stock_id, sent), 3)
        self.assertEqual(self._quantity_in(self.transit, sent), 0)
        self.assertEqual(self._quantity_in(self.central.lot_stock_id, meters), 2)
        self.assertEqual(self._state("70001", "70002", "70003"), {"store"})
        self.assertEqual(sent.meter_warehouse_id, self.regional)

        rejection = self._new_meter_picking(
            self.central, "rejection", meter_reason_id=self.reason_seal.id
        )
        rejection._add_meter_numbers("70004")
        rejection.button_validate()
        self.assertTrue(rejection.move_ids.meter_test_marker)
        self.assertEqual(self._state("70004"), {"rejected"})
