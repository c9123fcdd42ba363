"""Inputs for twin-prime-count: edge cases, then bounds near ``size``."""

import random

EDGE_CASES = [(0,), (1,), (2,), (4,), (5,), (7,), (13,), (1000,)]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: one bound ``n`` close to ``size``."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    if case == 0:
        return (size,)
    return (size - rng.randrange(size // 10),)
