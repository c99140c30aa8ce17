from freezegun import freeze_time

from odoo.tests import Form, tagged

from .test_meter_movements import MeterMovementCommon


@tagged("post_install", "-at_install")
class TestMeterFlows(MeterMovementCommon):
    """Flows between stores that end where the README says: a laboratory's queue, a
    reception's backorder still tied to its dispatch, installations and removals under
    their own operation types."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.single_phase.meter_accuracy_class = "1"
        cls.queue = cls.laboratory.meter_lab_queue_location_id
        cls.installed = cls.company._get_meter_installed_location()

    def _receive(self, picking, user=None):
        action = picking.with_user(user or self.storekeeper).button_validate()
        if isinstance(action, dict) and action.get("res_model") == "stock.backorder.confirmation":
            Form(self.env[action["res_model"]].with_context(**action["context"])).save().process()

    def test_dispatch_to_laboratory_ends_in_its_queue(self):
        self._register_range("41001", "41003")
        meters = self._meters("41001", "41002", "41003")
        dispatch = self._dispatch("41001-41003", dest=self.laboratory, user=self.storekeeper)
        reception = dispatch.meter_arrival_ids
        self.assertEqual(reception.location_dest_id, self.queue)
        self._receive(reception)
        self.assertEqual(reception.state, "done")
        self.assertEqual(self._quantity_in(self.queue, meters), 3)
        self.assertEqual(self._state("41001", "41002", "41003"), {"laboratory"})
        meters.invalidate_recordset()
        self.assertEqual(meters.meter_warehouse_id, self.laboratory)
        self.assertEqual(
            set(meters.mapped("meter_lab_arrival_date")), {self.company._meter_today()}
        )
        result = self._env_as(self.lab_technician)["meter.calibration"].record_results(
            {
                "laboratory_id": self.laboratory.id,
                "reason": "periodic",
                "results": [
                    {"meter": "41001", "as_found": 0.4, "as_left": 0.1},
                    {"meter": "41002", "as_found": 0.2},
                    {"meter": "41003", "as_found": 0.3},
                ],
            }
        )
        self.assertEqual(result["passed"], ["41001", "41002", "41003"])

    def test_reception_backorder_keeps_its_dispatch(self):
        self._register_range("42001", "42006")
        dispatch = self._dispatch("42001-42006", user=self.storekeeper)
        reception = dispatch.meter_arrival_ids
        reception.with_user(self.storekeeper)._add_meter_numbers("42001-42003")
        self._receive(reception)
        backorder = self.env["stock.picking"].search([("backorder_id", "=", reception.id)])
        self.assertEqual(backorder.meter_dispatch_id, dispatch)
        self.assertEqual(dispatch.meter_arrival_ids, reception | backorder)
        self.assertEqual(backorder.move_line_ids.lot_id, self._meters("42004", "42005", "42006"))

        # every meter left on the backorder is rejected on arrival: it has nothing left
        wizard = Form(
            self.env["meter.arrival.rejection"]
            .with_user(self.storekeeper)
            .with_context(default_picking_id=backorder.id)
        )
        wizard.numbers = "42004-42006"
        wizard.reason_id = self.reason_damaged
        wizard.save().action_reject()
        rejection = dispatch.meter_arrival_ids - reception - backorder
        self.assertEqual(rejection.meter_movement_kind, "rejection")
        self.assertEqual(rejection.meter_dispatch_id, dispatch)
        self.assertEqual(rejection.state, "done")
        self.assertEqual(self._state("42004", "42005", "42006"), {"rejected"})
        self.assertEqual(backorder.state, "cancel")

    def test_installation_and_removal_have_their_own_operation_types(self):
        for store in (self.central, self.regional, self.laboratory):
            self.assertEqual(store.meter_install_type_id.meter_movement_kind, "installation")
            self.assertEqual(
                store.meter_install_type_id.default_location_src_id, store.lot_stock_id
            )
            self.assertEqual(store.meter_install_type_id.default_location_dest_id, self.installed)
            self.assertEqual(store.meter_removal_type_id.meter_movement_kind, "removal")
            self.assertEqual(store.meter_removal_type_id.default_location_src_id, self.installed)
            self.assertEqual(store.meter_laboratory_type_id.meter_movement_kind, "laboratory")
        with freeze_time("2026-03-01 12:00:00"):
            meter = self._create_meter("43001")
        point = self._create_service_point()
        with freeze_time("2026-03-02 09:00:00"):
            self._run_installation_wizard(
                "install", point, "2026-03-02 08:00:00", {("initial", "active"): 100}, meter
            )
        with freeze_time("2026-03-20 09:00:00"):
            self._run_installation_wizard(
                "remove",
                point,
                "2026-03-20 08:00:00",
                {("final", "active"): 180},
                destination="laboratory",
                warehouse_id=self.laboratory.id,
            )
        installation = meter.meter_installation_ids
        self.assertEqual(
            installation.install_picking_id.picking_type_id, self.central.meter_install_type_id
        )
        self.assertEqual(
            installation.removal_picking_id.picking_type_id, self.laboratory.meter_removal_type_id
        )
        self.assertEqual(installation.removal_picking_id.location_dest_id, self.queue)
        # the meter's history names each movement, newest first
        meter.invalidate_recordset()
        self.assertEqual(
            meter.meter_move_line_ids.mapped("meter_movement_kind"),
            ["removal", "installation", "receipt"],
        )
        kinds = dict(
            self.env["stock.move.line"]
            ._fields["meter_movement_kind"]
            ._description_selection(self.env)
        )
        self.assertEqual(kinds["removal"], "Removed")
        self.assertEqual(kinds["installation"], "Installed")

    def test_moves_into_a_laboratory_queue_are_laboratory_moves(self):
        self._register_range("44001", "44002")
        picking = self._meters("44001", "44002")._move_meters_to(self.queue)
        self.assertEqual(picking.meter_movement_kind, "laboratory")
        self.assertEqual(self._state("44001", "44002"), {"laboratory"})
        # out of the queue: a laboratory move too; into rejected meters: a rejection
        picking = self._meters("44001")._move_meters_to(self.laboratory.lot_stock_id)
        self.assertEqual(picking.meter_movement_kind, "laboratory")
        picking = self._meters("44002")._move_meters_to(self.laboratory.meter_rejected_location_id)
        self.assertEqual(picking.meter_movement_kind, "rejection")
        self.assertEqual(self._state("44002"), {"rejected"})

    def test_renaming_a_store_carries_its_meter_sequences(self):
        self.regional.code = "TRG2"
        for field_name in ("meter_dispatch_type_id", "meter_install_type_id"):
            self.assertTrue(self.regional[field_name].sequence_id.prefix.startswith("TRG2/"))
        self.regional.active = False
        self.assertFalse(self.regional.meter_install_type_id.active)
        self.assertFalse(self.regional.meter_dispatch_type_id.active)
