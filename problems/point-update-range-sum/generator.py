"""Inputs for point-update-range-sum: edge cases, then full-range, long and random queries."""

import random

EDGE_CASES = [
    ([7], []),
    ([5], [(0, 0, -5), (1, 0, 0)]),
    ([1, 2, 3, 4], [(1, 0, 3), (0, 2, 10), (1, 1, 2), (1, 3, 3)]),
    ([0, 0, 0], [(1, 0, 2), (0, 1, 10**9), (0, 1, 10**9), (1, 1, 1), (1, 0, 0)]),
    ([-(10**9)] * 5, [(1, 0, 4), (0, 4, 10**9), (1, 3, 4), (1, 0, 3)]),
    ([3, 1, 4, 1, 5, 9, 2, 6], [(1, 2, 5), (0, 0, 0), (0, 7, 7), (1, 0, 7), (1, 7, 7), (0, 3, -1), (1, 3, 4)]),
    ([2, 2], [(0, 1, 3), (0, 1, 4), (1, 0, 1), (1, 1, 1)]),
    ([9, 8, 7, 6, 5, 4, 3, 2, 1, 0], [(1, i, 9) for i in range(10)] + [(0, 9, 100), (1, 0, 9)]),
]

LIMIT = 10**9


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(values, operations)`` with ``size`` values and ``size`` operations."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    values = [rng.randrange(-LIMIT, LIMIT + 1) for _ in range(n)]
    ops = []
    for _ in range(n):
        if rng.random() < 0.5:
            ops.append((0, rng.randrange(n), rng.randrange(-LIMIT, LIMIT + 1)))
            continue
        if case == 0:  # whole-list sums
            lo, hi = 0, n - 1
        elif case == 1:  # long ranges anchored near both ends
            lo, hi = rng.randrange(n // 10), n - 1 - rng.randrange(n // 10)
        else:
            lo, hi = sorted((rng.randrange(n), rng.randrange(n)))
        ops.append((1, lo, hi))
    return (values, ops)
