"""Meter numbers: ranges, lists and their compressed form.

Plain functions with no database, used by the models and tested directly.
A meter number is the manufacturer's serial number: an optional prefix followed by a
numeric tail whose width (leading zeros) is kept, e.g. ``30001``, ``000998``, ``A00998``.
"""

import re

_NUMBER_RE = re.compile(r"^(?P<prefix>.*?)(?P<digits>\d+)$")
_RANGE_SEPARATOR_RE = re.compile(r"(?<=\d)\s*(?:\.\.|–|—|-)\s*(?=\S)")
_LIST_SEPARATOR_RE = re.compile(r"[,;\s]+")


class MeterNumberError(ValueError):
    """A meter number, range or list that cannot be read. ``str()`` is the message."""


def split_number(number):
    """Return ``(prefix, digits)`` of a meter number; its numeric tail must not be empty."""
    number = (number or "").strip()
    match = _NUMBER_RE.match(number)
    if not number or not match:
        raise MeterNumberError(f"Meter number {number!r} does not end with digits.")
    return match.group("prefix"), match.group("digits")


def _format(prefix, value, width):
    return f"{prefix}{value:0{width}d}"


def _range_bounds(first, last=None, quantity=None):
    """Validate a range and return ``(prefix, start, end, width)`` without expanding it."""
    prefix, digits = split_number(first)
    start = int(digits)
    width = len(digits)
    padded = len(digits) > 1 and digits.startswith("0")
    if last not in (None, ""):
        last_prefix, last_digits = split_number(last)
        if last_prefix != prefix:
            raise MeterNumberError(
                f"First number {first!r} and last number {last!r} have different prefixes."
            )
        if len(last_digits) != width and (padded or last_digits.startswith("0")):
            raise MeterNumberError(
                f"First number {first!r} and last number {last!r} have different widths."
            )
        end = int(last_digits)
        if end < start:
            raise MeterNumberError(f"The range {first}..{last} is reversed.")
    elif quantity is not None:
        if quantity < 1:
            raise MeterNumberError(f"The quantity must be at least 1, not {quantity}.")
        end = start + quantity - 1
    else:
        raise MeterNumberError("Give the last number or the quantity of the range.")
    if padded and len(str(end)) > width:
        raise MeterNumberError(
            f"The range starting at {first!r} would exceed the width of {width} digits."
        )
    width = width if padded or len(str(end)) == width else 1
    return prefix, start, end, width


def number_range(first, last=None, quantity=None):
    """Expand a range of meter numbers, keeping the prefix and the width of the tail.

    Either ``last`` or ``quantity`` gives the end. ``30001..30010``, ``000998..001002``
    and ``A00998..A01002`` keep their width; ``998..1002`` (no leading zero) grows.
    """
    prefix, start, end, width = _range_bounds(first, last, quantity)
    return [_format(prefix, value, width) for value in range(start, end + 1)]


def range_ends(first, last=None, quantity=None):
    """``(first, last, count)`` of a valid range, without expanding it."""
    prefix, start, end, width = _range_bounds(first, last, quantity)
    return _format(prefix, start, width), _format(prefix, end, width), end - start + 1


def range_size(first, last):
    """Count of numbers between ``first`` and ``last`` without expanding the range."""
    prefix, digits = split_number(first)
    last_prefix, last_digits = split_number(last)
    if prefix != last_prefix:
        raise MeterNumberError(
            f"First number {first!r} and last number {last!r} have different prefixes."
        )
    return int(last_digits) - int(digits) + 1


def parse_numbers(text, max_quantity=None):
    """Read pasted meter numbers: ranges and single numbers separated by commas,
    semicolons, spaces or new lines, e.g. ``"30001-30010, 30015, A00998-A01002"``.

    Returns the numbers in the order given, without duplicates.
    """
    numbers = []
    errors = []
    text = (text or "").strip()
    if not text:
        raise MeterNumberError("No meter number was given.")
    # normalise range separators so that "30001 - 30010" is one token
    text = _RANGE_SEPARATOR_RE.sub("..", text)
    for token in _LIST_SEPARATOR_RE.split(text):
        if not token:
            continue
        try:
            if ".." in token:
                first, last = token.split("..", 1)
                if max_quantity and range_size(first, last) > max_quantity:
                    raise MeterNumberError(
                        f"The range {first}..{last} has more than {max_quantity} numbers."
                    )
                numbers.extend(number_range(first, last))
            else:
                split_number(token)
                numbers.append(token)
        except MeterNumberError as error:
            errors.append(str(error))
    if errors:
        raise MeterNumberError("\n".join(errors))
    unique = list(dict.fromkeys(numbers))
    if max_quantity and len(unique) > max_quantity:
        raise MeterNumberError(f"More than {max_quantity} meter numbers were given.")
    return unique


def compress_numbers(numbers):
    """Group meter numbers into consecutive runs.

    Returns a list of ``(first, last, count)`` in sorted order: numbers with the same
    prefix and width whose values follow each other form one run.
    """
    keyed = []
    others = []
    for number in numbers:
        try:
            prefix, digits = split_number(number)
        except MeterNumberError:
            others.append(number)
            continue
        keyed.append((prefix, len(digits), int(digits), number))
    keyed.sort()
    runs = []
    for prefix, width, value, number in keyed:
        if runs:
            run = runs[-1]
            if run["key"] == (prefix, width) and value == run["value"] + 1:
                run.update(value=value, last=number, count=run["count"] + 1)
                continue
            if run["key"] == (prefix, width) and value == run["value"]:
                continue
        runs.append(
            {"key": (prefix, width), "value": value, "first": number, "last": number, "count": 1}
        )
    result = [(run["first"], run["last"], run["count"]) for run in runs]
    result.extend((number, number, 1) for number in sorted(set(others)))
    return result


def format_ranges(numbers, separator=", ", counts=True):
    """Human form of :func:`compress_numbers`: ``"30001–30010 (10), 30015"``; without
    ``counts``: ``"30001–30010, 30015"``."""
    parts = []
    for first, last, count in compress_numbers(numbers):
        if count == 1:
            parts.append(first)
        else:
            parts.append(f"{first}–{last} ({count})" if counts else f"{first}–{last}")
    return separator.join(parts)
