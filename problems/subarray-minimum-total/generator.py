"""Inputs for subarray-minimum-total: edge cases, then monotone, plateau and random lists."""

import random

EDGE_CASES = [
    ([],),
    ([7],),
    ([2, 2],),
    ([-1, 5],),
    ([3, 1, 2, 4],),
    ([1, 2, 3, 4, 5],),
    ([5, 4, 3, 2, 1],),
    ([10**9, -(10**9), 10**9, -(10**9)],),
    ([4, 0, 4, 0, 4, -2, 4, 4, 3],),
]

LIMIT = 10**9


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(values,)`` with ``size`` values."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # rising: the stack grows to n and every element is a minimum of many slices
        start = rng.randrange(-LIMIT, 0)
        return ([start + i for i in range(n)],)
    if case == 1:  # all equal: ties must be counted exactly once
        return ([rng.randrange(-LIMIT, LIMIT)] * n,)
    if case == 2:  # few distinct values: long runs of ties
        return ([rng.randrange(-3, 4) for _ in range(n)],)
    return ([rng.randrange(-LIMIT, LIMIT + 1) for _ in range(n)],)
