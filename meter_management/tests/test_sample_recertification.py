from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_calibration import CalibrationCommon


@tagged("post_install", "-at_install")
class TestSampleRecertification(CalibrationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.meter_recertification_years = 4
        cls._register_range("60001", "60020")  # one group of 20 meters
        cls._register_range("61001", "61003")  # another group
        cls.meters = cls._meters(*[str(60001 + i) for i in range(20)])
        cls.group = cls.meters.meter_group_id
        cls.other = cls._meters("61001", "61002", "61003")
        (cls.meters | cls.other).write(
            {
                "meter_last_calibration_date": date(2018, 6, 1),
                "meter_last_calibration_result": "pass",
                "meter_next_calibration_date": date(2026, 6, 1),
            }
        )

    def _draw(self):
        group = self.group.with_env(self._env_as(self.lab_technician))
        group.action_draw_sample()
        return group

    def _test_sample(self, group, failing=()):
        sample = group.sample_lot_ids
        self._to_lab(sample)
        self._record(
            [
                {"meter": lot.name, "as_found": 1.5 if lot.name in failing else 0.2}
                for lot in sample
            ],
            test_date="2026-05-04",
            reason="sample",
        )
        group.invalidate_recordset()
        return sample

    def test_sample_size_follows_the_table(self):
        self.assertEqual(len(self.group.lot_ids), 20)
        group = self._draw()
        # 16-25 meters: code letter C, whose arrow points to n = 13, Ac = 0 (AQL 1.0)
        self.assertEqual(group.sampling_plan_id.code_letter, "C")
        self.assertEqual((group.sample_size, group.sample_accept_number), (13, 0))
        self.assertEqual(len(group.sample_lot_ids), 13)
        self.assertLessEqual(group.sample_lot_ids, self.meters)
        self.assertEqual(
            group._draw(self.meters.ids, 13, group.sample_seed),
            group._draw(self.meters.ids, 13, group.sample_seed),
            "the stored seed redraws the same sample",
        )
        self.assertEqual(
            sorted(group._draw(self.meters.ids, 13, group.sample_seed)),
            sorted(group.sample_lot_ids.ids),
        )
        # a group of 200 meters: code letter G, n = 32, Ac = 1
        self._register_range("62001", "62200")
        big = self._meters("62001").meter_group_id
        big.action_draw_sample()
        self.assertEqual(
            (big.sampling_plan_id.code_letter, big.sample_size, big.sample_accept_number),
            ("G", 32, 1),
        )

    @freeze_time("2026-05-04")
    def test_pass_extends_exactly_the_group(self):
        group = self._draw()
        with self.assertRaisesRegex(UserError, "not tested yet"):
            group.action_decide()
        sample = self._test_sample(group)
        self.assertEqual(group.sample_tested_count, 13)
        group.action_decide()
        self.assertEqual(group.recert_state, "passed")
        rest = self.meters - sample
        self.assertEqual(set(rest.mapped("meter_next_calibration_date")), {date(2030, 6, 1)})
        self.assertEqual(set(rest.mapped("meter_calibration_status")), {"valid"})
        # the sampled meters carry the due date of their own test
        self.assertEqual(set(sample.mapped("meter_next_calibration_date")), {date(2034, 5, 4)})
        self.assertEqual(set(self.other.mapped("meter_next_calibration_date")), {date(2026, 6, 1)})
        self.assertFalse(any((self.meters | self.other).mapped("meter_replacement_required")))

    @freeze_time("2026-05-04")
    def test_fail_flags_the_whole_group(self):
        group = self._draw()
        failing = group.sample_lot_ids[:1].mapped("name")
        self._test_sample(group, failing=failing)
        self.assertEqual(group.sample_failed_count, 1)
        group.action_decide()
        self.assertEqual(group.recert_state, "failed")
        self.assertTrue(all(self.meters.mapped("meter_replacement_required")))
        self.assertFalse(any(self.other.mapped("meter_replacement_required")))
        self.assertEqual(
            set(self.meters.mapped("meter_next_calibration_date")) - {date(2034, 5, 4), False},
            {date(2026, 6, 1)},
            "a failed group keeps its due dates",
        )

    def test_only_the_laboratory_draws_and_decides(self):
        with self.assertRaises(AccessError):
            self.group.with_env(self._env_as(self.meter_user)).action_draw_sample()
        self.assertEqual(self.group.recert_state, "none")
