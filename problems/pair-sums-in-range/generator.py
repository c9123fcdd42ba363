"""Inputs for pair-sums-in-range: edge cases, then wide, narrow and duplicate-heavy ranges."""

import random

EDGE_CASES = [
    ([], 0, 0),
    ([4], 0, 10),
    ([2, 2, 2], 4, 4),
    ([1, 7, 3, 5], 6, 8),
    ([-5, 0, 5], 1, 3),
    ([10**9, 10**9, -(10**9)], 2 * 10**9, 2 * 10**9),
    ([3, -1, 4, -1, 5, -9, 2, 6], -2, 5),
    ([0, 0, 0, 0, 0], -(2 * 10**9), 2 * 10**9),
    ([1, 2, 3, 4], 100, 200),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(values, low, high)`` with ``size`` values."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # the window covers every sum: the answer is n*(n-1)/2
        values = [rng.randrange(-(10**9), 10**9 + 1) for _ in range(n)]
        return (values, -(2 * 10**9), 2 * 10**9)
    if case == 1:  # few distinct values and a window that cuts through the duplicates
        values = [rng.randrange(-20, 21) for _ in range(n)]
        return (values, -3, 7)
    if case == 2:  # sorted input, a window around the median sum
        values = sorted(rng.randrange(-(10**9), 10**9 + 1) for _ in range(n))
        return (values, -(10**8), 10**8)
    values = [rng.randrange(-(10**9), 10**9 + 1) for _ in range(n)]
    low = rng.randrange(-(2 * 10**9), 2 * 10**9)
    high = rng.randrange(low, 2 * 10**9 + 1)
    return (values, low, high)
