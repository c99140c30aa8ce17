"""Meter number ranges, lists and compression, without Odoo (plain pytest)."""

import importlib.util
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "meter_management" / "tools" / "meter_numbers.py"
_spec = importlib.util.spec_from_file_location("meter_tools_numbers", PATH)
numbers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(numbers)


@pytest.mark.parametrize(
    ("first", "last", "quantity", "expected"),
    [
        ("30001", "30003", None, ["30001", "30002", "30003"]),
        ("000998", "001002", None, ["000998", "000999", "001000", "001001", "001002"]),
        ("A00998", None, 5, ["A00998", "A00999", "A01000", "A01001", "A01002"]),
        ("998", "1001", None, ["998", "999", "1000", "1001"]),
        ("MX-0099", None, 2, ["MX-0099", "MX-0100"]),
    ],
)
def test_number_range(first, last, quantity, expected):
    assert numbers.number_range(first, last, quantity) == expected


@pytest.mark.parametrize(
    ("first", "last", "quantity", "message"),
    [
        ("30010", "30001", None, "reversed"),
        ("ABC", "ABD", None, "does not end with digits"),
        ("A001", "B005", None, "different prefixes"),
        ("0998", "10002", None, "different widths"),
        ("0998", None, 10000, "width of 4 digits"),
        ("30001", None, None, "last number or the quantity"),
    ],
)
def test_number_range_errors(first, last, quantity, message):
    with pytest.raises(numbers.MeterNumberError, match=message):
        numbers.number_range(first, last, quantity)


def test_parse_and_compress():
    parsed = numbers.parse_numbers("30001-30010, 30015, A00998-A01002")
    assert len(parsed) == 16
    assert numbers.format_ranges(parsed) == "30001–30010 (10), 30015, A00998–A01002 (5)"


def test_large_range_is_cheap():
    first, last, count = numbers.range_ends("1", quantity=1_000_000)
    assert (first, last, count) == ("1", "1000000", 1_000_000)
