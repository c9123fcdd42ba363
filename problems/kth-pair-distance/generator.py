"""Inputs for kth-pair-distance: edge cases, then clustered, spread and random values."""

import random

EDGE_CASES = [
    ([5, 5], 1),
    ([0, 10**9], 1),
    ([1, 6, 3], 2),
    ([7, 7, 7, 7], 6),
    ([4, 4, 9, 4], 3),
    ([10, 1, 4, 1, 10], 10),
    ([10, 1, 4, 1, 10], 1),
    ([3, 1, 2, 5, 8, 13, 21], 11),
    ([100, 0, 50, 25, 75], 7),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(values, k)`` with ``size`` values."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    pairs = n * (n - 1) // 2
    if case == 0:  # few distinct values: huge runs of equal distances
        values = [rng.randrange(50) * 1000 for _ in range(n)]
        k = pairs // 2 + 1
    elif case == 1:  # an arithmetic progression, asking for one of the largest distances
        step = rng.randrange(1, 30_000)
        values = [i * step for i in range(n)]
        rng.shuffle(values)
        k = pairs - rng.randrange(n)
    elif case == 2:  # two far-apart clusters: the answer lies in the upper half
        values = [rng.randrange(1000) for _ in range(n // 2)]
        values += [10**9 - rng.randrange(1000) for _ in range(n - n // 2)]
        k = pairs - pairs // 3
    else:
        values = [rng.randrange(10**9 + 1) for _ in range(n)]
        k = rng.randrange(1, pairs + 1)
    return (values, k)
