from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import MeterCommon


@tagged("post_install", "-at_install")
class TestMeterType(MeterCommon):
    def test_meter_type_is_storable_and_serial_tracked(self):
        self.assertTrue(self.ct_meter.is_storable)
        self.assertEqual(self.ct_meter.tracking, "serial")
        with self.assertRaisesRegex(ValidationError, "tracked by serial number"):
            self.ct_meter.tracking = "lot"
        with self.assertRaisesRegex(ValidationError, "tracked by serial number"):
            self.ct_meter.is_storable = False

    def test_meter_tab_on_product_form(self):
        form = Form(self.env["product.template"].with_user(self.meter_manager))
        form.name = "Prepayment meter"
        form.is_meter = True
        self.assertTrue(form.is_storable)
        self.assertEqual(form.tracking, "serial")
        form.meter_calibration_validity_months = 120
        form.meter_validity_end_of_year = True
        with form.meter_register_template_ids.new() as register:
            register.register_type = "active"
            register.digits = 7
        tmpl = form.save()
        self.assertEqual(tmpl.meter_register_template_ids.unit, "kWh")
        self.assertEqual(tmpl.meter_register_template_ids.digits, 7)

    def test_register_types_once_per_type(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.single_phase.meter_register_template_ids = [
                Command.create({"register_type": "active", "digits": 6})
            ]

    def test_warehouse_role_creates_locations(self):
        self.assertEqual(self.laboratory.meter_lab_queue_location_id.meter_usage, "laboratory")
        self.assertEqual(
            self.laboratory.meter_lab_queue_location_id.location_id,
            self.laboratory.view_location_id,
        )
        self.assertEqual(self.central.meter_rejected_location_id.meter_usage, "rejected")
        # made with every store, as the warehouse's own locations are; active with the role
        self.assertFalse(self.central.meter_lab_queue_location_id.active)
        self.assertEqual(self.central.lot_stock_id.meter_usage, "store")
        plain = self.env["stock.warehouse"].create({"name": "Plain", "code": "TPLN"})
        self.assertFalse(plain.meter_rejected_location_id.active)
        self.assertFalse(plain.meter_dispatch_type_id.active)
        plain.meter_role = "laboratory"
        self.assertTrue(plain.meter_rejected_location_id.active)
        self.assertTrue(plain.meter_lab_queue_location_id.active)
        self.assertTrue(plain.meter_dispatch_type_id.active)
        self.assertTrue(plain.meter_install_type_id.active)
        # setting the role again creates nothing twice
        queue = plain.meter_lab_queue_location_id
        plain.meter_role = "laboratory"
        self.assertEqual(plain.meter_lab_queue_location_id, queue)

    def test_meter_state_follows_location(self):
        meter = self._create_meter("90001")
        self.assertEqual(meter.meter_state, "store")
        self._transfer(meter, self.laboratory.meter_lab_queue_location_id)
        self.assertEqual(meter.meter_state, "laboratory")
        self.assertEqual(meter.meter_warehouse_id, self.laboratory)
        self._transfer(meter, self.regional.meter_rejected_location_id)
        self.assertEqual(meter.meter_state, "rejected")
        self.assertEqual(meter.meter_warehouse_id, self.regional)
        scrap = self.env["stock.location"].search(
            [("scrap_location", "=", True), ("company_id", "=", self.company.id)], limit=1
        )
        self._transfer(meter, scrap)
        self.assertEqual(meter.meter_state, "scrapped")
        self.assertFalse(meter.meter_warehouse_id)
