"""Inputs for running-median: edge cases, then monotone, zig-zag and random streams."""

import random

EDGE_CASES = [
    ([],),
    ([42],),
    ([3, 3, 3],),
    ([5, 2, 8, 1],),
    ([1, 2, 3, 4, 5, 6],),
    ([6, 5, 4, 3, 2, 1],),
    ([-(10**9), 10**9, 0, -(10**9), 10**9],),
    ([7, -3, 7, -3, 0, 0, 12, -8, 5],),
    ([2, 1],),
]

LIMIT = 10**9


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(stream,)`` with ``size`` numbers."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # strictly increasing: every new number lands on the upper side
        start = rng.randrange(-LIMIT, 0)
        stream = [start + 3 * i for i in range(n)]
    elif case == 1:  # alternating extremes: the median moves back and forth
        stream = [(LIMIT - i) if i % 2 else (-LIMIT + i) for i in range(n)]
    elif case == 2:  # few distinct values
        stream = [rng.randrange(-5, 6) for _ in range(n)]
    else:
        stream = [rng.randrange(-LIMIT, LIMIT + 1) for _ in range(n)]
    return (stream,)
