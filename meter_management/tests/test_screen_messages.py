import base64

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_meter_movements import MeterMovementCommon


@tagged("post_install", "-at_install")
class TestScreenMessages(MeterMovementCommon):
    """What the screens say: stores and states by their names, counts in good English,
    the reason a meter cannot be installed, dialog titles; and what a refusal leaves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._register_range("30001", "30010")
        # 30001 is in the regional store, 30002 in the laboratory, 30003 rejected
        cls._dispatch("30001").meter_arrival_ids.button_validate()
        cls._transfer(cls._meters("30002"), cls.laboratory.meter_lab_queue_location_id)
        rejection = cls._new_meter_picking(
            cls.central, "rejection", meter_reason_id=cls.reason_seal.id
        )
        rejection._add_meter_numbers("30003")
        rejection.button_validate()
        cls.point = cls._create_service_point()

    def _dispatch_form(self, numbers):
        form = Form(self.env["stock.picking"].with_user(self.storekeeper))
        form.picking_type_id = self.central.meter_dispatch_type_id
        form.meter_dest_warehouse_id = self.laboratory
        form.meter_paste = numbers
        return form

    def _add_on_new_transfer(self, form):
        """Click Add on a new transfer as the web client does: one request saves the
        transfer, the next one runs the button; a refused request saves nothing of its own."""
        try:
            with self.env.cr.savepoint():
                picking = form.save()
        except UserError as error:
            return error
        with self.assertRaises(UserError) as refusal, self.env.cr.savepoint():
            picking.action_add_pasted_meters()
        return refusal.exception

    def _dispatches(self):
        return self.env["stock.picking"].search(
            [("picking_type_id", "=", self.central.meter_dispatch_type_id.id)]
        )

    def test_refusal_names_the_store_and_the_state(self):
        before = self._dispatches()
        error = self._add_on_new_transfer(self._dispatch_form("30001, 30004"))
        message = str(error)
        self.assertIn("1 meter cannot be taken from Central (test)", message)
        self.assertIn("- In store at Regional (test), not in Central (test): 30001", message)
        self.assertNotIn("/Stock", message)
        self.assertNotIn("1 meters", message)
        # nothing half-saved: no draft transfer left behind
        self.assertEqual(self._dispatches(), before)

    def test_add_meters_that_fails_leaves_no_draft_transfer(self):
        before = self._dispatches()
        error = self._add_on_new_transfer(self._dispatch_form("30004-30005, 99999"))
        self.assertIn("unknown meter numbers: 99999", str(error))
        self.assertEqual(self._dispatches(), before)
        # the same paste without the unknown number saves the transfer with its meters
        picking = self._dispatch_form("30004-30005").save()
        self.assertEqual(picking.meter_count, 2)
        self.assertFalse(picking.meter_paste)

    def test_installation_says_why_a_typed_meter_cannot_be_installed(self):
        env = self._env_as(self.field_technician)
        form = Form(
            env["meter.installation.wizard"].with_context(
                default_service_point_id=self.point.id, default_operation="install"
            )
        )
        for number, reason in (
            ("30002", "Meter 30002 cannot be installed: in laboratory at Laboratory (test)."),
            ("30003", "Meter 30003 cannot be installed: rejected at Central (test)."),
            ("39999", "No meter is numbered 39999."),
        ):
            with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
                form.new_meter_number = number
            self.assertIn(reason, logs.output[0])
            self.assertFalse(form.new_lot_id)
        # a meter in a store (here the regional one) is found by its number
        with self.assertNoLogs("odoo.tests.form.onchange", "WARNING"):
            form.new_meter_number = "30001"
        self.assertEqual(form.new_lot_id, self._meters("30001"))

    def test_counts_in_good_english(self):
        form = Form(self.env["meter.range.registration"].with_user(self.storekeeper))
        form.product_id = self.single_phase
        form.first_number = "50001"
        form.quantity = 1
        self.assertEqual(form.preview, "50001 … 50001: 1 meter")
        action = form.save().action_register()
        self.assertEqual(
            action["params"]["message"], "1 meter registered into Central (test): 50001"
        )
        group = self._meters("50001").meter_group_id
        self.assertTrue(group.display_name.endswith("(1 meter)"), group.display_name)

    def test_every_wizard_dialog_has_a_title(self):
        actions = self.env["ir.actions.act_window"].search(
            [
                ("target", "=", "new"),
                ("res_model", "in", [name for name in self.env if name.startswith("meter.")]),
            ]
        )
        self.assertGreaterEqual(len(actions), 6)
        for action in actions:
            self.assertTrue(action.name and action.name != "Odoo", action.res_model)
        # the dialogs the wizards' own buttons reopen
        env = self._env_as(self.field_technician)
        wizard = env["meter.reading.import"].create(
            {
                "file": base64.b64encode(
                    b"meter_number,register_type,reading_date,value,reader_code,kind\n"
                    b"39999,active,2026-03-01 10:00:00,10,R1,actual\n"
                ),
                "keep_valid": True,
            }
        )
        self.assertEqual(wizard.action_import()["name"], "Import Meter Readings")
        batch = Form(self._env_as(self.lab_technician)["meter.calibration.batch"]).save()
        self.assertEqual(batch.action_load_meters()["name"], "Record Calibration Results")
        # the dialogs of a wizard's own form view carry no other title
        for model in ("meter.arrival.rejection", "meter.range.registration"):
            arch = etree.fromstring(
                self.env[model].get_views([(False, "form")])["views"]["form"]["arch"]
            )
            self.assertTrue(arch.get("string"), model)
