from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MeterCommon


@tagged("post_install", "-at_install")
class TestSecurity(MeterCommon):
    """What each role can and cannot do with meters, as that user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meter = cls._create_meter("30001", product=cls.ct_meter)

    def test_meter_user_reads_only(self):
        env = self._env_as(self.meter_user)
        meter = env["stock.lot"].browse(self.meter.id)
        self.assertEqual(meter.name, "30001")
        self.assertEqual(meter.meter_state, "store")
        self.assertEqual(len(meter.meter_register_ids), 3)
        self.assertEqual(meter.meter_group_id.meter_count, 1)
        self.assertTrue(env["stock.quant"].search([("lot_id", "=", meter.id)]))
        with self.assertRaises(AccessError):
            meter.meter_register_ids[0].write({"ct_primary": 100})
        with self.assertRaises(AccessError):
            meter.write({"ref": "changed"})
        with self.assertRaises(AccessError):
            env["stock.lot"].create({"name": "30002", "product_id": self.ct_meter.id})
        with self.assertRaises(AccessError):
            self._register_range("30100", "30110", user=self.meter_user)
        with self.assertRaises(AccessError):
            env["meter.use.type"].create({"name": "Traction", "code": "TRA"})

    def test_storekeeper_registers_but_does_not_configure(self):
        result = self._register_range("30100", "30110", user=self.storekeeper)
        self.assertEqual(result["meter_count"], 11)
        picking = self.env["stock.picking"].browse(result["picking_id"])
        self.assertEqual(picking.create_uid, self.storekeeper)
        self.assertEqual(picking.state, "done")
        env = self._env_as(self.storekeeper)
        with self.assertRaises(AccessError):
            env["meter.register"].browse(self.meter.meter_register_ids[0].id).write(
                {"ct_primary": 100}
            )
        with self.assertRaises(AccessError):
            env["product.template"].create({"name": "Meter X", "is_meter": True})
        with self.assertRaises(AccessError):
            env["meter.use.type"].create({"name": "Traction", "code": "TRA"})

    def test_laboratory_and_field_do_not_register(self):
        for user in (self.lab_technician, self.field_technician):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._register_range("30200", "30201", user=user)
            meter = self._env_as(user)["stock.lot"].browse(self.meter.id)
            self.assertEqual(meter.meter_register_ids[0].multiplier, 40)

    def test_manager_configures(self):
        env = self._env_as(self.meter_manager)
        use = env["meter.use.type"].create({"name": "Traction", "code": "TRA"})
        tmpl = env["product.template"].create(
            {
                "name": "Meter X",
                "is_meter": True,
                "meter_use_type_id": use.id,
                "meter_register_template_ids": [Command.create({"register_type": "active"})],
            }
        )
        self.assertEqual(tmpl.tracking, "serial")
        register = env["meter.register"].browse(self.meter.meter_register_ids[0].id)
        register.write({"ct_primary": 100})
        self.assertEqual(register.multiplier, 20)

    def test_companies_kept_apart(self):
        other_company = self.env["res.company"].create({"name": "Neighbour Utility"})
        other_store = self._create_store(
            "Neighbour Central", "NBC", "central", company=other_company
        )
        other_user = new_test_user(
            self.env,
            "mm_neighbour",
            groups="meter_management.group_meter_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self._register_range("30001", "30003", store=other_store, user=other_user)
        # same numbers, other utility: three more meters, each seen only by its own company
        env_ours = self._env_as(self.meter_manager)
        env_theirs = self._env_as(other_user)
        domain = [("is_meter", "=", True), ("name", "in", ["30001", "30002", "30003"])]
        self.assertEqual(env_ours["stock.lot"].search(domain).mapped("name"), ["30001"])
        self.assertEqual(len(env_theirs["stock.lot"].search(domain)), 3)
        self.assertFalse(
            env_ours["meter.register"].search([("lot_id.company_id", "=", other_company.id)])
        )
        self.assertFalse(env_theirs["meter.group"].search([("company_id", "=", self.company.id)]))
        self.assertFalse(
            env_theirs["meter.register"].search([("id", "in", self.meter.meter_register_ids.ids)])
        )
