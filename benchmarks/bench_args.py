"""Command-line argument types shared by the benchmark scripts: a bad count is a usage error, not a traceback."""

from __future__ import annotations

import argparse


def _whole_number_at_least(text: str, lowest: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < lowest:
        raise argparse.ArgumentTypeError(f"must be at least {lowest}, got {value}")
    return value


def positive_int(text: str) -> int:
    """An integer >= 1 (seeds, workers, repeats)."""
    return _whole_number_at_least(text, 1)


def non_negative_int(text: str) -> int:
    """An integer >= 0 (a first seed)."""
    return _whole_number_at_least(text, 0)
