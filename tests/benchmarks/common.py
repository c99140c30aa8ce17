"""Small helpers shared by the benchmark modules."""

import time
from contextlib import contextmanager


@contextmanager
def timer(result, key):
    """``with timer(figures, "ours"):`` stores the elapsed seconds in ``figures["ours"]``."""
    start = time.perf_counter()
    yield
    result[key] = time.perf_counter() - start


def rate(count, seconds):
    return count / seconds if seconds else float("inf")


def print_row(label, count, seconds, unit="meters"):
    print(
        f"  {label:<48} {count:>9,} {unit} in {seconds:8.2f} s = {rate(count, seconds):>11,.0f} {unit}/s",
        flush=True,
    )
