from odoo.tests import BaseCase

from ..tools.meter_numbers import (
    MeterNumberError,
    compress_numbers,
    format_ranges,
    number_range,
    parse_numbers,
    range_ends,
)


class TestMeterNumbers(BaseCase):
    """The pure functions on meter numbers (no database)."""

    def test_number_range_keeps_width_and_prefix(self):
        self.assertEqual(number_range("30001", "30010")[::9], ["30001", "30010"])
        self.assertEqual(len(number_range("30001", "30010")), 10)
        self.assertEqual(
            number_range("000998", "001002"), ["000998", "000999", "001000", "001001", "001002"]
        )
        self.assertEqual(
            number_range("A00998", quantity=5), ["A00998", "A00999", "A01000", "A01001", "A01002"]
        )
        self.assertEqual(number_range("998", "1002"), ["998", "999", "1000", "1001", "1002"])
        self.assertEqual(range_ends("09998", quantity=5), ("09998", "10002", 5))

    def test_number_range_errors(self):
        for args, message in [
            (("30010", "30001"), "reversed"),
            (("ABC", "ABD"), "does not end with digits"),
            (("A001", "B005"), "different prefixes"),
            (("0998", "10002"), "different widths"),
            (("30001",), "last number or the quantity"),
        ]:
            with self.subTest(args=args), self.assertRaisesRegex(MeterNumberError, message):
                number_range(*args)
        with self.assertRaisesRegex(MeterNumberError, "width of 4 digits"):
            number_range("0998", quantity=10000)
        with self.assertRaisesRegex(MeterNumberError, "at least 1"):
            number_range("1", quantity=0)

    def test_parse_numbers(self):
        self.assertEqual(
            parse_numbers("30001-30003, 30015; A00998 - A00999\n30002"),
            ["30001", "30002", "30003", "30015", "A00998", "A00999"],
        )
        self.assertEqual(
            parse_numbers("30001..30002 30005–30006"), ["30001", "30002", "30005", "30006"]
        )
        with self.assertRaisesRegex(MeterNumberError, "No meter number"):
            parse_numbers("  ")
        with self.assertRaisesRegex(MeterNumberError, "more than 5"):
            parse_numbers("1-100", max_quantity=5)
        with self.assertRaisesRegex(MeterNumberError, r"reversed(.|\n)*does not end with digits"):
            parse_numbers("30010-30001, XYZ")

    def test_compress_numbers(self):
        numbers = ["30003", "30001", "30002", "30015", "A00998", "A00999", "30002", "X-1"]
        self.assertEqual(
            compress_numbers(numbers),
            [
                ("30001", "30003", 3),
                ("30015", "30015", 1),
                ("A00998", "A00999", 2),
                ("X-1", "X-1", 1),
            ],
        )
        self.assertEqual(format_ranges(number_range("30001", "30010")), "30001–30010 (10)")
        # different widths never join one run
        self.assertEqual(len(compress_numbers(["999", "1000"])), 2)
