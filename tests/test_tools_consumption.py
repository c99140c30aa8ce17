"""The consumption rule of meter_management/tools, without Odoo (plain pytest)."""

import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "meter_management" / "tools" / "consumption.py"
_spec = importlib.util.spec_from_file_location("meter_tools_consumption", PATH)
consumption = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(consumption)


@pytest.mark.parametrize(
    ("previous", "current", "digits", "register_type", "multiplier", "expected"),
    [
        (None, 500, 5, "active", 40, (0, 0, False, False)),
        (12000, 12345.5, 5, "active", 40, (Decimal("345.5"), 13820, False, False)),
        (99950, 30, 5, "active", 40, (80, 3200, True, False)),
        (99950, 30, 5, "reactive", 1, (80, 80, True, False)),
        (99950, 90000, 5, "active", 40, (0, 0, False, "below_previous")),
        (500, 400, 5, "active", 1, (0, 0, False, "below_previous")),
        (500, 100000, 5, "active", 1, (0, 0, False, "out_of_range")),
        (300.5, 120.25, 3, "demand", 40, (Decimal("120.25"), 4810, False, False)),
        (12340.2, 12345.6, 5, "active", 1, (Decimal("5.4"), Decimal("5.4"), False, False)),
    ],
)
def test_compute_consumption(previous, current, digits, register_type, multiplier, expected):
    result = consumption.compute_consumption(previous, current, digits, register_type, multiplier)
    assert (result.units, result.consumption, result.rollover, result.anomaly) == expected


def test_rollover_share_is_configurable():
    assert not consumption.compute_consumption(99950, 90000, 5).rollover
    assert consumption.compute_consumption(99950, 90000, 5, max_share=Decimal("0.95")).rollover


@pytest.mark.parametrize(
    ("text", "value"), [("00030", 30), (" 12345,6 ", Decimal("12345.6")), ("7.25", Decimal("7.25"))]
)
def test_parse_reading_value(text, value):
    assert consumption.parse_reading_value(text) == value


@pytest.mark.parametrize("text", ["", "abc", "-5", "1 234", "1,234.5", "12e3"])
def test_parse_reading_value_refuses(text):
    with pytest.raises(consumption.ReadingValueError):
        consumption.parse_reading_value(text)


@pytest.mark.parametrize("text", ["2026-02-30", "01/03/2026", "yesterday"])
def test_parse_reading_datetime_refuses(text):
    with pytest.raises(consumption.ReadingValueError):
        consumption.parse_reading_datetime(text)
