from odoo.tests import Form, tagged

from .common import MeterCommon


@tagged("post_install", "-at_install")
class TestRangeRegistrationDefaults(MeterCommon):
    """The README's ``register_range`` call, and each optional argument it lists given
    alone: every other field keeps the meter type's default (CT meter: CT 200/5, PT 1/1,
    multiplier 40, industrial use)."""

    def _check_meters(self, numbers, use_type=None, multiplier=40.0, store=None):
        meters = self._meters(*numbers)
        self.assertEqual(len(meters), len(numbers))
        self.assertEqual(meters.meter_use_type_id, use_type or self.use_industrial)
        self.assertEqual(set(meters.meter_register_ids.mapped("multiplier")), {multiplier})
        self.assertEqual(meters.meter_warehouse_id, store or self.central)
        return meters

    def test_readme_example(self):
        env = self._env_as(self.storekeeper)
        result = env["meter.range.registration"].register_range(
            {
                "product_id": self.ct_meter.id,
                "first_number": "30011",
                "last_number": "30020",
                "warehouse_id": self.central.id,
                "partner_id": self.supplier.id,
                "use_type_id": self.use_residential.id,
                "group_name": "PO 2026/118",
                "ct_primary": 200,
                "ct_secondary": 5,
            }
        )
        self.assertEqual(result["meter_count"], 10)
        self.assertEqual(result["group_name"], "PO 2026/118")
        self._check_meters([str(n) for n in range(30011, 30021)], use_type=self.use_residential)

    def test_each_optional_argument_alone(self):
        cases = [
            ("quantity", {"last_number": False, "quantity": 2}, {}),
            ("warehouse_id", {"warehouse_id": self.regional.id}, {"store": self.regional}),
            ("partner_id", {"partner_id": self.supplier.id}, {}),
            (
                "use_type_id",
                {"use_type_id": self.use_residential.id},
                {"use_type": self.use_residential},
            ),
            ("group_name", {"group_name": "PO 7"}, {}),
            ("ct_primary", {"ct_primary": 100}, {"multiplier": 20.0}),
            ("ct_secondary", {"ct_secondary": 10}, {"multiplier": 20.0}),
        ]
        env = self._env_as(self.storekeeper)
        for index, (argument, vals, expected) in enumerate(cases):
            with self.subTest(argument=argument, path="register_range"):
                first, last = f"5{index}001", f"5{index}002"
                env["meter.range.registration"].register_range(
                    {
                        "product_id": self.ct_meter.id,
                        "first_number": first,
                        "last_number": last,
                        **vals,
                    }
                )
                self._check_meters([first, last], **expected)
            with self.subTest(argument=argument, path="form"):
                first, last = f"6{index}001", f"6{index}002"
                form = Form(env["meter.range.registration"])
                form.product_id = self.ct_meter
                form.first_number = first
                form.last_number = last
                records = {
                    "warehouse_id": self.regional,
                    "partner_id": self.supplier,
                    "use_type_id": self.use_residential,
                }
                for name, value in vals.items():
                    setattr(form, name, records.get(name, value))
                form.save().action_register()
                self._check_meters([first, last], **expected)
