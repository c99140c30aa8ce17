from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import METERS_RECEIVED_ON
from .test_meter_movements import MeterMovementCommon

INITIAL = {("initial", "active"): 1000}
FINAL = {("final", "active"): 1200}


@tagged("post_install", "-at_install")
class TestStockEngineFlows(MeterMovementCommon):
    """What the engine leaves stays true after Odoo's own recomputations, and movements
    recorded for a past day are validated on that day."""

    def test_returned_meters_stay_at_the_supplier_after_zero_quants_are_removed(self):
        self._register_range("81001", "81003")
        rejection = self._new_meter_picking(
            self.central, "rejection", meter_reason_id=self.reason_seal.id
        )
        rejection._add_meter_numbers("81001-81002")
        rejection.button_validate()
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=rejection.id, active_model="stock.picking"
            )
        ).save()
        wizard.product_return_moves.quantity = 2
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        returned.button_validate()
        self.assertEqual(self._state("81001", "81002"), {"supplier"})
        # Odoo's scheduler (stock.quant._quant_tasks) removes the emptied quants: the meters'
        # location is computed again from their quants
        self.env["stock.quant"]._unlink_zero_quants()
        self.env.flush_all()
        returned_meters = self._meters("81001", "81002")
        self.assertEqual(self._state("81001", "81002"), {"supplier"})
        self.assertEqual(returned_meters.location_id, returned.location_dest_id)
        self.assertEqual(self._state("81003"), {"store"})

    def test_removal_validated_on_its_date(self):
        with freeze_time(METERS_RECEIVED_ON):
            meter = self._create_meter("DT-001", store=self.regional)
        point = self._create_service_point(contract_ref="CON-DT")
        self._run_installation_wizard(
            "install", point, "2026-01-15 10:00:00", INITIAL, new_lot=meter
        )
        self._run_installation_wizard(
            "remove",
            point,
            "2026-02-01 08:00:00",
            FINAL,
            destination="laboratory",
            warehouse_id=self.laboratory.id,
            removal_reason="periodic calibration",
        )
        meter.invalidate_recordset()
        self.assertEqual(meter.meter_state, "laboratory")
        removal = meter.meter_installation_ids.removal_picking_id
        self.assertEqual(str(removal.date_done), "2026-02-01 08:00:00")
        self.assertEqual(
            {str(d) for d in removal.move_ids.move_line_ids.mapped("date")}, {"2026-02-01 08:00:00"}
        )
        # the laboratory queue counts from the day the meter arrived, not the day it was typed in
        self.assertEqual(meter.meter_lab_arrival_date, date(2026, 2, 1))

    def test_registers_keep_write_date(self):
        """The web client checks concurrent edits of a register by its write_date."""
        self._register_range("82001", "82002")
        registers = self._meters("82001", "82002").meter_register_ids
        self.assertEqual(len(registers), 2)
        self.assertTrue(all(registers.mapped("write_date")))
        self.assertEqual(set(registers.mapped("create_uid")), {self.env.user})
        self.assertIn("write_date", registers.fields_get(["write_date"]))
