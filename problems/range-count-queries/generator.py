"""Inputs for range-count-queries: edge cases, then wide, point and random ranges."""

import random

EDGE_CASES = [
    ([], [(0, 10)]),
    ([-3, 7], []),
    ([4], [(4, 4), (5, 9), (-(10**9), 10**9)]),
    ([5, 1, 9, 5, 3], [(1, 5), (6, 8), (5, 5), (4, 2)]),
    ([2, 2, 2, 2], [(2, 2), (1, 1), (3, 3), (2, 1)]),
    ([-(10**9), 10**9, 0], [(-(10**9), -(10**9)), (10**9, 10**9), (-1, 1)]),
    ([-5, -4, -3, -2, -1], [(-4, -2), (-10, -6), (-1, 100)]),
    ([8, 6, 7, 5, 3, 0, 9], [(0, 9), (3, 7), (10, 20), (-5, 0)]),
]

LIMIT = 10**9


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(values, queries)`` with ``size`` values and ``size`` queries."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # every query spans almost the whole range
        values = [rng.randrange(-LIMIT, LIMIT + 1) for _ in range(n)]
        queries = [(rng.randrange(-LIMIT, -LIMIT + 1000), rng.randrange(LIMIT - 1000, LIMIT + 1)) for _ in range(n)]
    elif case == 1:  # many duplicates, point queries that hit them
        values = [rng.randrange(-50, 51) for _ in range(n)]
        queries = []
        for _ in range(n):
            x = rng.randrange(-60, 61)
            queries.append((x, x))
    else:
        values = [rng.randrange(-LIMIT, LIMIT + 1) for _ in range(n)]
        queries = []
        for _ in range(n):
            lo = rng.randrange(-LIMIT, LIMIT + 1)
            hi = rng.randrange(-LIMIT, LIMIT + 1)
            queries.append((lo, hi) if case == 3 else (min(lo, hi), max(lo, hi)))
    return (values, queries)
