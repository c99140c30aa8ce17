from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import MeterCommon


@tagged("post_install", "-at_install")
class TestMeterRegister(MeterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meter = cls._create_meter("A00998", product=cls.ct_meter)
        cls.active = cls.meter.meter_register_ids.filtered(lambda r: r.register_type == "active")

    def test_multiplier(self):
        self.assertEqual(self.active.ct_ratio, 40)
        self.assertEqual(self.active.pt_ratio, 1)
        self.assertEqual(self.active.multiplier, 40)
        self.active.with_user(self.meter_manager).write(
            {"pt_primary": 11000, "pt_secondary": 110, "meter_constant": 0.5}
        )
        self.assertEqual(self.active.multiplier, 40 * 100 * 0.5)

    def test_only_managers_change_registers(self):
        for user in (self.meter_user, self.storekeeper, self.lab_technician, self.field_technician):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.active.with_user(user).write({"ct_primary": 400})
        self.assertEqual(self.active.ct_primary, 200)
        # everyone with a meter role reads them
        self.assertEqual(self.active.with_user(self.meter_user).multiplier, 40)

    def test_changes_tracked_in_chatter(self):
        env = self.env(context=dict(self.env.context, tracking_disable=False, mail_notrack=False))
        messages_before = self.meter.message_ids
        self.active.with_env(env).with_user(self.meter_manager).write({"ct_primary": 400})
        new = self.meter.message_ids - messages_before
        self.assertEqual(len(new), 1)
        self.assertIn("CT Primary (A): 200.0 → 400.0", new.body)
        self.assertIn("multiplier 80.0", new.body)
        self.assertEqual(new.author_id, self.meter_manager.partner_id)
        # a write that changes nothing posts nothing
        self.active.with_env(env).with_user(self.meter_manager).write({"ct_primary": 400})
        self.assertEqual(len(self.meter.message_ids - messages_before), 1)
