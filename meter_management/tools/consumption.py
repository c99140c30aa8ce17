"""Consumption between two readings of a register, rollover, and reading values.

Plain functions with no database, used by the models (and mirrored by the set-based SQL of
the readings import) and tested directly.

Rule (DESIGN.md): the consumption of a subtractive register (active, reactive energy)
between two readings is (current − previous) × multiplier. When current < previous it is a
rollover only when ``10**digits − previous + current`` is plausible: the register wrapped at
most once (both values fit in its digits) and the units are within a share of its capacity;
otherwise it is an anomaly and no consumption is counted. Demand registers are not
subtractive: the reading itself × multiplier is the value.
"""

import re
from collections import namedtuple
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

SUBTRACTIVE_REGISTER_TYPES = ("active", "reactive")
DEFAULT_ROLLOVER_SHARE = Decimal("0.1")

# anomaly codes, stored on readings (the SQL import writes the same codes)
ANOMALY_BELOW_PREVIOUS = "below_previous"
ANOMALY_OUT_OF_RANGE = "out_of_range"

UNITS_QUANTUM = Decimal("0.001")
CONSUMPTION_QUANTUM = Decimal("0.001")

_VALUE_RE = re.compile(r"^\s*(\d+)(?:[.,](\d+))?\s*$")
_DATETIME_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?\s*$")

Consumption = namedtuple("Consumption", "units consumption rollover anomaly reason")
Consumption.__doc__ = """Result of :func:`compute_consumption`.

``units``: register units since the previous reading (the demand value for demand registers);
``consumption``: units × multiplier; ``rollover``: the register wrapped; ``anomaly``: False
or the anomaly code; ``reason``: a sentence saying how the figure was obtained.
"""


class ReadingValueError(ValueError):
    """A reading value or date that cannot be read. ``str()`` is the message."""


def to_decimal(value):
    """Exact decimal of an int, float (through its shortest repr), str or Decimal."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def register_capacity(digits):
    """Number of distinct integer values a register of ``digits`` digits shows: 10**digits."""
    return Decimal(10) ** int(digits)


def is_subtractive(register_type):
    return register_type in SUBTRACTIVE_REGISTER_TYPES


def compute_consumption(
    previous,
    current,
    digits,
    register_type="active",
    multiplier=1,
    max_share=DEFAULT_ROLLOVER_SHARE,
):
    """Consumption of one register from ``previous`` to ``current`` (see module rule).

    ``previous`` is None for the first reading of an installation (no consumption).
    ``max_share`` is the largest share of the register's capacity (0..1) a rollover may
    stand for. Returns a :data:`Consumption` with Decimal figures.
    """
    current = to_decimal(current)
    multiplier = to_decimal(multiplier)
    capacity = register_capacity(digits)
    if current < 0 or current >= capacity:
        return Consumption(
            Decimal(0),
            Decimal(0),
            False,
            ANOMALY_OUT_OF_RANGE,
            f"Reading {_fmt(current)} does not fit a register of {digits} digits.",
        )
    if not is_subtractive(register_type):
        return Consumption(
            current,
            _consumption(current, multiplier),
            False,
            False,
            "Demand: reading × multiplier.",
        )
    if previous is None:
        return Consumption(Decimal(0), Decimal(0), False, False, "First reading.")
    previous = to_decimal(previous)
    if current >= previous:
        units = _units(current - previous)
        return Consumption(
            units,
            _consumption(units, multiplier),
            False,
            False,
            f"{_fmt(current)} − {_fmt(previous)}.",
        )
    wrapped = _units(capacity - previous + current)
    limit = capacity * to_decimal(max_share)
    if previous < capacity and wrapped <= limit:
        return Consumption(
            wrapped,
            _consumption(wrapped, multiplier),
            True,
            False,
            f"Rollover: {_fmt(capacity)} − {_fmt(previous)} + {_fmt(current)} = {_fmt(wrapped)}.",
        )
    return Consumption(
        Decimal(0),
        Decimal(0),
        False,
        ANOMALY_BELOW_PREVIOUS,
        f"Reading {_fmt(current)} is below the previous {_fmt(previous)}; as a rollover it would "
        f"mean {_fmt(wrapped)} units, more than {_fmt(limit)} ({max_share_percent(max_share)}% of "
        f"the register's capacity): misread, tampering or unrecorded exchange.",
    )


def max_share_percent(max_share):
    return _fmt(to_decimal(max_share) * 100)


def _fmt(value):
    """A decimal without its trailing zeros: 51000.000 -> 51000, 5.40 -> 5.4."""
    return f"{value.normalize():f}"


def _units(value):
    return value.quantize(UNITS_QUANTUM, rounding=ROUND_HALF_UP)


def _consumption(units, multiplier):
    return (units * multiplier).quantize(CONSUMPTION_QUANTUM, rounding=ROUND_HALF_UP)


def parse_reading_value(text):
    """A reading value as written by a reader or a file: ``"00030"``, ``"12345.6"``,
    ``"12345,6"``. No sign, no thousands separator. Returns a Decimal."""
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        value = to_decimal(text)
        if value < 0:
            raise ReadingValueError(f"Reading value {text!r} is negative.")
        return value
    match = _VALUE_RE.match(text or "")
    if not match:
        raise ReadingValueError(f"Reading value {text!r} is not a number.")
    integer, fraction = match.groups()
    return Decimal(f"{integer}.{fraction}" if fraction else integer)


def parse_reading_datetime(text):
    """``"2026-03-01 08:30[:00]"``, ``"2026-03-01T08:30"`` or ``"2026-03-01"`` (midnight)."""
    if isinstance(text, datetime):
        return text
    if isinstance(text, date):
        return datetime.combine(text, time())
    match = _DATETIME_RE.match(text or "")
    if not match:
        raise ReadingValueError(
            f"Reading date {text!r} is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS])."
        )
    parts = [int(part) if part else 0 for part in match.groups()]
    try:
        return datetime(*parts)
    except ValueError as error:
        raise ReadingValueError(f"Reading date {text!r} is not a date ({error}).") from None
