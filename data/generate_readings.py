"""Readings of a synthetic utility, as the CSV file the readings import takes.

    python3 data/generate_readings.py --readings 1000000 --out /tmp/readings.csv [--seed 42]

A utility with residential meters (one active-energy register, 5 digits) and, one meter in
ten, CT-connected meters (active, reactive and demand registers), read monthly. Meter
numbers are ``SU0000001``..; the same seed gives the same file. Some meters start near the
top of their register so that they roll over; about one reading in a thousand is a misread
below the previous one (an anomaly for the import to flag).

Columns: meter_number, register_type, reading_date (UTC), value, reader_code.
"""

import argparse
import csv
import random
from datetime import datetime, timedelta

SINGLE, CT = "single", "ct"
REGISTERS = {SINGLE: ("active",), CT: ("active", "reactive", "demand")}
DIGITS = {"active": 5, "reactive": 5, "demand": 3}
HEADER = ("meter_number", "register_type", "reading_date", "value", "reader_code")
FIRST_READING = datetime(2025, 1, 1, 8, 0)


def plan_meters(readings, months=12, ct_every=10):
    """``[(meter_number, kind)]`` whose monthly readings come to ``readings`` rows (or just
    over): one CT meter in ``ct_every``."""
    meters = []
    rows = 0
    while rows < readings:
        index = len(meters) + 1
        kind = CT if index % ct_every == 0 else SINGLE
        meters.append((f"SU{index:07d}", kind))
        rows += months * len(REGISTERS[kind])
    return meters


def generate_rows(meters, months=12, seed=42, limit=None):
    """Yield ``(meter_number, register_type, reading_date, value, reader_code)`` rows, month
    by month (a file as a reading round produces it), ``limit`` rows at most."""
    rng = random.Random(seed)
    state = {}
    for number, kind in meters:
        for register in REGISTERS[kind]:
            capacity = 10 ** DIGITS[register]
            # one meter in twenty starts close to the top of its register: it rolls over
            start = (
                capacity - rng.randint(1, 2000) if rng.random() < 0.05 else rng.randint(0, 50000)
            )
            state[(number, register)] = start % capacity
    produced = 0
    for month in range(months):
        for position, (number, kind) in enumerate(meters):
            day = timedelta(days=30 * month + position % 28, minutes=position % 600)
            date = (FIRST_READING + day).strftime("%Y-%m-%d %H:%M:%S")
            reader = f"R{position % 250:03d}"
            for register in REGISTERS[kind]:
                capacity = 10 ** DIGITS[register]
                if register == "demand":
                    value = round(rng.uniform(5, 150), 3)
                else:
                    scale = 600 if kind == SINGLE else 2000
                    used = round(rng.uniform(20, scale) * (0.3 if register == "reactive" else 1), 1)
                    value = round((state[(number, register)] + used) % capacity, 1)
                    state[(number, register)] = value
                    if rng.random() < 0.001:
                        # a misread far below the previous value
                        value = round(max(0.0, value - capacity / 2), 1)
                yield number, register, date, f"{value}", reader
                produced += 1
                if limit and produced >= limit:
                    return


def write_csv(path, readings, months=12, seed=42):
    """Write ``readings`` rows to ``path``; returns the meters ``[(number, kind)]``."""
    meters = plan_meters(readings, months)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(generate_rows(meters, months, seed, limit=readings))
    return meters


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=1000000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default="readings.csv")
    args = parser.parse_args()
    meters = write_csv(args.out, args.readings, args.months, args.seed)
    print(f"{args.out}: {args.readings} readings of {len(meters)} meters")


if __name__ == "__main__":
    main()
