"""Reading anomaly rules: plain functions with no database.

The readings import and readings entered one by one run the same rules in SQL
(``meter.anomaly.detection``); these functions are the reference the tests check that SQL
against, and the classification of readings below the previous one (misread, reverse running
or implausible rollover) runs here on the few readings concerned.

Bands are open: a value exactly on a limit is not an anomaly.
"""

from collections import namedtuple
from decimal import Decimal

from .consumption import compute_consumption, register_capacity, to_decimal

# rule codes (``meter.anomaly.type.rule``)
RULE_NEGATIVE = "negative"
RULE_ROLLOVER = "implausible_rollover"
RULE_MISREAD = "misread"
RULE_OUT_OF_RANGE = "out_of_range"
RULE_ZERO = "zero_run"
RULE_HIGH = "high"
RULE_LOW = "low"
RULE_DEMAND = "demand_max"
RULE_REACTIVE = "reactive_share"
RULE_BACKDATED = "backdated"
RULE_NOT_INSTALLED = "not_installed"
RULE_ESTIMATED = "estimated_run"
RULE_READER_CODE = "reader_code"

MISREAD_TRANSPOSITION = "transposition"
MISREAD_DIGIT_SLIP = "digit_slip"

ESTIMATED_KINDS = ("estimated", "customer")

Band = namedtuple("Band", "expected low high verdict")
Band.__doc__ = """Result of :func:`history_band`: the consumption expected from the meter's
history over the days since the previous reading, the range accepted around it, and
``verdict``: ``"high"``, ``"low"`` or None."""

Misread = namedtuple("Misread", "kind expected")
Misread.__doc__ = """Result of :func:`find_misread`: ``kind`` is ``"transposition"`` (two
neighbouring digits swapped) or ``"digit_slip"`` (one digit wrong); ``expected`` is the
reading that was probably shown."""


def history_band(units, days, history_units, history_days, percent, abs_units):
    """Compare ``units`` consumed over ``days`` with the meter's own history.

    The history is the average daily use of the previous readings (``history_units`` over
    ``history_days``); expected = average × ``days``. The reading is high above
    ``max(expected × (1 + percent/100), expected + abs_units)`` and low below
    ``max(0, min(expected × (1 − percent/100), expected − abs_units))``: it must leave both
    the percentage band and the absolute band. Returns a :data:`Band`, or None without
    history (no days on either side).
    """
    units, days = to_decimal(units), to_decimal(days)
    history_units, history_days = to_decimal(history_units), to_decimal(history_days)
    if days <= 0 or history_days <= 0:
        return None
    share = to_decimal(percent) / 100
    abs_units = to_decimal(abs_units)
    expected = history_units * days / history_days
    high = max(expected * (1 + share), expected + abs_units)
    low = max(Decimal(0), min(expected * (1 - share), expected - abs_units))
    verdict = "high" if units > high else "low" if units < low else None
    return Band(expected, low, high, verdict)


def _run(flags, count):
    """The last ``count`` flags are true and the one before them is not: a run of
    ``count`` is found once, on the reading that completes it."""
    count = int(count)
    if count <= 0 or len(flags) < count or not all(flags[-count:]):
        return False
    return len(flags) == count or not flags[-count - 1]


def zero_run(units, count):
    """True when the last reading completes ``count`` zero consumptions in a row (``units``
    oldest first, each since its previous reading; ``None`` for a first reading)."""
    return _run([value is not None and to_decimal(value) == 0 for value in units], count)


def estimated_run(kinds, count):
    """True when the last reading completes ``count`` estimated or customer readings in a
    row (``kinds`` oldest first)."""
    return _run([kind in ESTIMATED_KINDS for kind in kinds], count)


def demand_exceeds(demand, maximum, tolerance_percent=0):
    """True when ``demand`` (kW, multiplier applied) is above ``maximum`` plus a tolerance."""
    maximum = to_decimal(maximum)
    if maximum <= 0:
        return False
    return to_decimal(demand) > maximum * (1 + to_decimal(tolerance_percent) / 100)


def reactive_exceeds(reactive, active, share_percent):
    """True when reactive energy is above ``share_percent`` % of the active energy of the
    same period (both multiplier applied)."""
    return to_decimal(reactive) > to_decimal(active) * to_decimal(share_percent) / 100


def find_misread(previous, current, digits, max_units):
    """A reading ``current`` below ``previous`` explained by a reader's slip.

    Looks for the reading that was probably shown: ``current`` with two neighbouring digits
    swapped (a transposition), else with one digit changed (a slip), that lies at or above
    ``previous`` by at most ``max_units``. The closest to ``previous`` wins, transpositions
    first. Returns a :data:`Misread` or None.
    """
    previous, current = to_decimal(previous), to_decimal(current)
    max_units = to_decimal(max_units)
    capacity = register_capacity(digits)
    if current >= previous or current < 0 or current >= capacity:
        return None
    integer = int(current)
    fraction = current - integer
    shown = f"{integer:0{int(digits)}d}"

    def best(candidates):
        values = sorted(
            value
            for value in {Decimal(text) + fraction for text in candidates}
            if previous <= value <= previous + max_units
        )
        return values[0] if values else None

    swapped = [
        shown[:i] + shown[i + 1] + shown[i] + shown[i + 2 :]
        for i in range(len(shown) - 1)
        if shown[i] != shown[i + 1]
    ]
    expected = best(swapped)
    if expected is not None:
        return Misread(MISREAD_TRANSPOSITION, expected)
    slipped = [
        shown[:i] + digit + shown[i + 1 :]
        for i in range(len(shown))
        for digit in "0123456789"
        if digit != shown[i]
    ]
    expected = best(slipped)
    if expected is not None:
        return Misread(MISREAD_DIGIT_SLIP, expected)
    return None


def classify_decrease(previous, current, digits, rollover_share, reverse_percent, max_units):
    """What a reading below the previous one is, when the rollover rule does not accept it.

    Returns ``(rule, misread)``: ``(RULE_NEGATIVE, None)`` when the register went back by
    at most ``reverse_percent`` % of its capacity (reverse running, an estimate corrected by
    an actual reading); else ``(RULE_MISREAD, Misread)`` when a slip or transposition
    explains it (see :func:`find_misread`, within ``max_units``); ``(RULE_ROLLOVER, None)``
    otherwise (as a wrap it would mean more than the plausible share of the capacity);
    ``(None, None)`` when it is no anomaly (not below, or a plausible rollover).
    """
    result = compute_consumption(previous, current, digits, "active", 1, rollover_share)
    if result.rollover or to_decimal(current) >= to_decimal(previous):
        return None, None
    back = to_decimal(previous) - to_decimal(current)
    if back <= register_capacity(digits) * to_decimal(reverse_percent) / 100:
        return RULE_NEGATIVE, None
    misread = find_misread(previous, current, digits, max_units)
    if misread:
        return RULE_MISREAD, misread
    return RULE_ROLLOVER, None
