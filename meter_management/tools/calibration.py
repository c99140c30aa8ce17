"""Calibration dates, statuses and sample plans.

Plain functions with no database, used by the models and tested directly.
"""

import datetime

from dateutil.relativedelta import relativedelta

#: status of a meter's verification, from its due date and the last result
CALIBRATION_STATUSES = [
    ("never", "Never verified"),
    ("valid", "Valid"),
    ("due_soon", "Due soon"),
    ("overdue", "Overdue"),
    ("failed", "Failed"),
]


def next_due_date(test_date, validity_months, end_of_year=False):
    """The date by which a meter verified on ``test_date`` must be verified again.

    The validity runs ``validity_months`` calendar months from the test date; a test on
    the 29th, 30th or 31st of a month ends on the last day of the final month when that
    month is shorter (29 February 2024 + 12 months = 28 February 2025, + 48 months =
    29 February 2028). With ``end_of_year`` the validity runs to 31 December of the year
    in which it would end. No validity (0 months) gives no due date.
    """
    if not test_date or not validity_months:
        return None
    if validity_months < 0:
        raise ValueError("The validity of a calibration cannot be negative.")
    due = test_date + relativedelta(months=validity_months)
    if end_of_year:
        due = datetime.date(due.year, 12, 31)
    return due


def extend_due_date(due_date, years):
    """A due date moved ``years`` later (29 February falls back to 28 February)."""
    if not due_date:
        return None
    return due_date + relativedelta(years=years)


def due_month(due_date):
    """First day of the month of ``due_date``: the month the meter falls due."""
    return due_date.replace(day=1) if due_date else None


def calibration_status(due_date, today, horizon_days=0, failed=False):
    """Status of a meter on ``today``: failed, never verified, overdue, due soon or valid.

    A meter is overdue the day after its due date, and due soon from ``horizon_days``
    before it up to and including the due date.
    """
    if failed:
        return "failed"
    if not due_date:
        return "never"
    if due_date < today:
        return "overdue"
    if due_date <= today + datetime.timedelta(days=horizon_days or 0):
        return "due_soon"
    return "valid"


def within_tolerance(error_percent, tolerance_percent):
    """Whether a measured error (%) lies within ± the tolerance (%) of the accuracy class."""
    return abs(error_percent or 0.0) <= (tolerance_percent or 0.0) + 1e-9


#: ANSI/ASQ Z1.4 (ISO 2859-1), general inspection level II, single sampling, normal
#: inspection, AQL 1.0 %: (lot size from, lot size to, code letter, sample size, acceptance
#: number). Where the standard's table has an arrow, the plan it points to is used
#: (code letters A to F: n = 13, Ac = 0); a sample larger than the lot means 100 % inspection.
Z14_LEVEL_II_AQL_1_0 = [
    (2, 8, "A", 13, 0),
    (9, 15, "B", 13, 0),
    (16, 25, "C", 13, 0),
    (26, 50, "D", 13, 0),
    (51, 90, "E", 13, 0),
    (91, 150, "F", 13, 0),
    (151, 280, "G", 32, 1),
    (281, 500, "H", 50, 1),
    (501, 1200, "J", 80, 2),
    (1201, 3200, "K", 125, 3),
    (3201, 10000, "L", 200, 5),
    (10001, 35000, "M", 315, 7),
    (35001, 150000, "N", 500, 10),
    (150001, 500000, "P", 800, 14),
    (500001, 0, "Q", 1250, 21),
]


def sample_plan(lot_size, table=None):
    """``(code letter, sample size, acceptance number)`` for a group of ``lot_size`` meters.

    ``table`` rows are ``(from, to, code, sample size, acceptance number)``; ``to`` 0 means
    no upper bound. The sample never exceeds the group.
    """
    for size_from, size_to, code, sample_size, accept in table or Z14_LEVEL_II_AQL_1_0:
        if lot_size >= size_from and (not size_to or lot_size <= size_to):
            return code, min(sample_size, lot_size), accept
    if lot_size > 0:
        return "", lot_size, 0
    return "", 0, 0
