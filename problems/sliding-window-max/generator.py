"""Inputs for sliding-window-max: edge cases, then wide windows over monotone and random data."""

import random

EDGE_CASES = [
    ([5], 1),
    ([4, 2], 2),
    ([9, 8, 7], 1),
    ([1, 3, -1, -3, 5, 3, 6, 7], 3),
    ([2, 2, 2, 2, 2], 2),
    ([1, 2, 3, 4, 5, 6], 4),
    ([6, 5, 4, 3, 2, 1], 4),
    ([-(10**9), 10**9, -(10**9), 10**9, 0], 5),
    ([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], 2),
]

LIMIT = 10**9


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(values, k)`` with ``size`` values."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # half-length windows over a falling sequence: a full deque all the time
        start = rng.randrange(0, LIMIT)
        return ([start - i for i in range(n)], n // 2)
    if case == 1:  # third-length windows over a rising sequence
        start = rng.randrange(-LIMIT, 0)
        return ([start + i for i in range(n)], n // 3)
    values = [rng.randrange(-LIMIT, LIMIT + 1) for _ in range(n)]
    if case == 2:  # a tiny window
        return (values, rng.randrange(2, 8))
    return (values, rng.randrange(n // 4, n // 2))
