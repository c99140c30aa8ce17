import itertools
from datetime import date

from odoo.tests import BaseCase

from ..tools.calibration import (
    Z14_LEVEL_II_AQL_1_0,
    calibration_status,
    due_month,
    extend_due_date,
    next_due_date,
    sample_plan,
    within_tolerance,
)


class TestCalibrationDates(BaseCase):
    """The pure calibration calculations (no database)."""

    def test_next_due_date_plain(self):
        self.assertEqual(next_due_date(date(2026, 3, 10), 96), date(2034, 3, 10))
        self.assertEqual(next_due_date(date(2026, 1, 31), 1), date(2026, 2, 28))
        self.assertIsNone(next_due_date(date(2026, 3, 10), 0))
        self.assertIsNone(next_due_date(None, 12))
        with self.assertRaises(ValueError):
            next_due_date(date(2026, 3, 10), -1)

    def test_next_due_date_end_of_year(self):
        self.assertEqual(next_due_date(date(2026, 3, 10), 60, end_of_year=True), date(2031, 12, 31))
        self.assertEqual(
            next_due_date(date(2026, 12, 31), 12, end_of_year=True), date(2027, 12, 31)
        )
        self.assertEqual(next_due_date(date(2024, 2, 29), 60, end_of_year=True), date(2029, 12, 31))

    def test_next_due_date_leap_days(self):
        # a test on 29 February ends on the last day of February when the final year has none
        self.assertEqual(next_due_date(date(2024, 2, 29), 12), date(2025, 2, 28))
        self.assertEqual(next_due_date(date(2024, 2, 29), 48), date(2028, 2, 29))
        self.assertEqual(next_due_date(date(2024, 2, 29), 96), date(2032, 2, 29))
        self.assertEqual(next_due_date(date(2023, 2, 28), 12), date(2024, 2, 28))
        self.assertEqual(extend_due_date(date(2028, 2, 29), 1), date(2029, 2, 28))
        self.assertEqual(extend_due_date(date(2028, 2, 29), 4), date(2032, 2, 29))
        self.assertEqual(due_month(date(2028, 2, 29)), date(2028, 2, 1))

    def test_status(self):
        today = date(2026, 3, 10)
        self.assertEqual(calibration_status(None, today, 90), "never")
        self.assertEqual(calibration_status(date(2026, 3, 9), today, 90), "overdue")
        self.assertEqual(calibration_status(date(2026, 3, 10), today, 90), "due_soon")
        self.assertEqual(calibration_status(date(2026, 6, 8), today, 90), "due_soon")
        self.assertEqual(calibration_status(date(2026, 6, 9), today, 90), "valid")
        self.assertEqual(calibration_status(date(2030, 1, 1), today, 90, failed=True), "failed")

    def test_tolerance(self):
        self.assertTrue(within_tolerance(-1.0, 1.0))
        self.assertTrue(within_tolerance(0.999, 1.0))
        self.assertFalse(within_tolerance(1.001, 1.0))
        self.assertFalse(within_tolerance(-0.21, 0.2))

    def test_sample_plan_z14_level_ii(self):
        # ANSI/ASQ Z1.4 general inspection level II, AQL 1.0, normal single sampling
        self.assertEqual(sample_plan(10), ("B", 10, 0))  # sample larger than the lot: all
        self.assertEqual(sample_plan(90), ("E", 13, 0))
        self.assertEqual(sample_plan(150), ("F", 13, 0))
        self.assertEqual(sample_plan(151), ("G", 32, 1))
        self.assertEqual(sample_plan(500), ("H", 50, 1))
        self.assertEqual(sample_plan(1000), ("J", 80, 2))
        self.assertEqual(sample_plan(3200), ("K", 125, 3))
        self.assertEqual(sample_plan(10000), ("L", 200, 5))
        self.assertEqual(sample_plan(20000), ("M", 315, 7))
        self.assertEqual(sample_plan(1000000), ("Q", 1250, 21))
        self.assertEqual(sample_plan(1), ("", 1, 0))
        # the table covers every group size without gaps
        for previous, row in itertools.pairwise(Z14_LEVEL_II_AQL_1_0):
            self.assertEqual(previous[1] + 1, row[0])
