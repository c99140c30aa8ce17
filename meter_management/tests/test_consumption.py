from decimal import Decimal

from odoo.tests import BaseCase

from ..tools.consumption import (
    ANOMALY_BELOW_PREVIOUS,
    ANOMALY_OUT_OF_RANGE,
    ReadingValueError,
    compute_consumption,
    parse_reading_datetime,
    parse_reading_value,
)


class TestConsumption(BaseCase):
    """The consumption rule and the reading parsers (no database)."""

    def test_plain_difference_times_multiplier(self):
        result = compute_consumption(12000, 12345.5, 5, "active", 40)
        self.assertEqual(result.units, Decimal("345.5"))
        self.assertEqual(result.consumption, Decimal("13820"))
        self.assertFalse(result.rollover)
        self.assertFalse(result.anomaly)

    def test_first_reading_has_no_consumption(self):
        result = compute_consumption(None, 5000, 5)
        self.assertEqual((result.units, result.consumption, result.anomaly), (0, 0, False))

    def test_rollover_on_five_digits(self):
        result = compute_consumption(99950, 30, 5, "active", 40)
        self.assertTrue(result.rollover)
        self.assertFalse(result.anomaly)
        self.assertEqual(result.units, 80)
        self.assertEqual(result.consumption, 80 * 40)
        self.assertIn("100000 − 99950 + 30 = 80", result.reason)

    def test_implausible_wrap_is_an_anomaly(self):
        # 100000 − 99950 + 90000 = 90050 units: far more than 10% of the capacity
        result = compute_consumption(99950, 90000, 5, "reactive", 40)
        self.assertFalse(result.rollover)
        self.assertEqual(result.anomaly, ANOMALY_BELOW_PREVIOUS)
        self.assertEqual(result.consumption, 0)
        self.assertIn("90050", result.reason)
        # the share is configurable: accepted with 95%
        self.assertTrue(compute_consumption(99950, 90000, 5, max_share=0.95).rollover)

    def test_value_outside_the_digits_is_an_anomaly(self):
        result = compute_consumption(500, 123456, 5)
        self.assertEqual(result.anomaly, ANOMALY_OUT_OF_RANGE)
        self.assertEqual(result.consumption, 0)

    def test_demand_is_not_subtractive(self):
        result = compute_consumption(300.5, 120.25, 3, "demand", 40)
        self.assertEqual(result.units, Decimal("120.25"))
        self.assertEqual(result.consumption, Decimal("4810"))
        self.assertFalse(result.rollover or result.anomaly)

    def test_decimals_are_exact(self):
        result = compute_consumption(12340.2, 12345.6, 5, "active", 1)
        self.assertEqual(result.units, Decimal("5.4"))

    def test_parse_reading_value(self):
        self.assertEqual(parse_reading_value("00030"), 30)
        self.assertEqual(parse_reading_value(" 12345,6 "), Decimal("12345.6"))
        self.assertEqual(parse_reading_value("12345.60"), Decimal("12345.6"))
        for text in ("", "abc", "-5", "1 234", "1,234.5", "12e3", None):
            with self.assertRaises(ReadingValueError, msg=text):
                parse_reading_value(text)

    def test_parse_reading_datetime(self):
        self.assertEqual(str(parse_reading_datetime("2026-03-01")), "2026-03-01 00:00:00")
        self.assertEqual(str(parse_reading_datetime("2026-03-01T08:30")), "2026-03-01 08:30:00")
        for text in ("2026-02-30", "01/03/2026", "yesterday", ""):
            with self.assertRaises(ReadingValueError, msg=text):
                parse_reading_datetime(text)
