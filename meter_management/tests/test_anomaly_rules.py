from decimal import Decimal

from odoo.tests import BaseCase

from ..tools import anomaly_rules as rules


class TestAnomalyRules(BaseCase):
    """The anomaly rules on hand-computed figures, at the edges of each band (no database)."""

    def test_history_band_edges(self):
        # 300 units over 90 days = 10/3 a day; 30 days -> 100 expected
        # high: max(100 × 2, 100 + 200) = 300; low: max(0, min(100 × 0.5, 100 − 10)) = 50
        band = rules.history_band(300, 30, 300, 90, 100, 200)
        self.assertEqual((band.expected, band.high), (100, 300))
        self.assertIsNone(band.verdict)
        self.assertEqual(rules.history_band("300.1", 30, 300, 90, 100, 200).verdict, "high")
        band = rules.history_band(50, 30, 300, 90, 50, 10)
        self.assertEqual(band.low, 50)
        self.assertIsNone(band.verdict)
        self.assertEqual(rules.history_band("49.9", 30, 300, 90, 50, 10).verdict, "low")
        # a small consumer: the absolute band is the wider one
        self.assertEqual(rules.history_band(0, 30, 30, 90, 50, 100).low, 0)
        self.assertIsNone(rules.history_band(0, 30, 30, 90, 50, 100).verdict)
        # no history, no verdict
        self.assertIsNone(rules.history_band(10, 30, 0, 0, 50, 10))

    def test_zero_and_estimated_runs_count_once(self):
        self.assertFalse(rules.zero_run([5, 0, 0], 3))
        self.assertTrue(rules.zero_run([5, 0, 0, 0], 3))
        self.assertTrue(rules.zero_run([0, 0, 0], 3))
        # the run already counted: not again
        self.assertFalse(rules.zero_run([0, 0, 0, 0], 3))
        self.assertFalse(rules.estimated_run(["actual", "estimated", "customer"], 3))
        self.assertTrue(rules.estimated_run(["actual", "estimated", "customer", "estimated"], 3))

    def test_demand_and_reactive_edges(self):
        # 100 kW contracted, 10% tolerance: 110 is allowed, 110.04 is not
        self.assertFalse(rules.demand_exceeds(110, 100, 10))
        self.assertTrue(rules.demand_exceeds("110.04", 100, 10))
        self.assertFalse(rules.demand_exceeds(500, 0, 10))
        self.assertFalse(rules.reactive_exceeds(2000, 4000, 50))
        self.assertTrue(rules.reactive_exceeds("2000.4", 4000, 50))

    def test_misread_transposition_and_digit_slip(self):
        # 45120 read as 41520: the 1 and the 5 swapped
        self.assertEqual(
            rules.find_misread(45100, 41520, 5, 10000),
            rules.Misread(rules.MISREAD_TRANSPOSITION, Decimal(45120)),
        )
        # 45180 read as 43180: one digit wrong (no swap gives a reading at or above 45100)
        self.assertEqual(
            rules.find_misread(45100, 43180, 5, 10000),
            rules.Misread(rules.MISREAD_DIGIT_SLIP, Decimal(45180)),
        )
        # decimals are kept
        self.assertEqual(
            rules.find_misread("45100.5", "41520.7", 5, 10000).expected, Decimal("45120.7")
        )
        # nothing within reach: 95000 then 30000
        self.assertIsNone(rules.find_misread(95000, 30000, 5, 10000))
        # the expected reading must be within max_units of the previous one
        self.assertIsNone(rules.find_misread(45100, 41520, 5, 19))
        self.assertIsNotNone(rules.find_misread(45100, 41520, 5, 20))

    def test_classify_decrease(self):
        # reverse running up to 1% of a 5-digit register: 1000 units back
        self.assertEqual(
            rules.classify_decrease(45100, 44100, 5, Decimal("0.1"), 1, 10000)[0],
            rules.RULE_NEGATIVE,
        )
        self.assertEqual(
            rules.classify_decrease(45100, "44099.9", 5, Decimal("0.1"), 1, 10000)[0],
            rules.RULE_MISREAD,
        )
        self.assertEqual(
            rules.classify_decrease(45100, 41520, 5, Decimal("0.1"), 1, 10000),
            (rules.RULE_MISREAD, rules.Misread(rules.MISREAD_TRANSPOSITION, Decimal(45120))),
        )
        self.assertEqual(
            rules.classify_decrease(95000, 30000, 5, Decimal("0.1"), 1, 10000),
            (rules.RULE_ROLLOVER, None),
        )
        # a plausible rollover and a rise are no anomaly
        self.assertEqual(
            rules.classify_decrease(99950, 30, 5, Decimal("0.1"), 1, 10000), (None, None)
        )
        self.assertEqual(
            rules.classify_decrease(100, 200, 5, Decimal("0.1"), 1, 10000), (None, None)
        )
