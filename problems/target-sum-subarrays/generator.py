"""Inputs for target-sum-subarrays: edge cases, then zero-heavy, signed and random lists."""

import random

EDGE_CASES = [
    ([], 0),
    ([4], 4),
    ([4], 0),
    ([0, 0, 0], 0),
    ([1, 2, 3, -3, 3], 3),
    ([5, -5], 7),
    ([1, -1, 1, -1, 1, -1], 0),
    ([-1000, -1000, 1000, -1000], -1000),
    ([2, 2, 2, 2, 2], 6),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(values, target)`` with ``size`` values."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # all zeros, target 0: every one of the n(n+1)/2 slices counts
        return ([0] * n, 0)
    if case == 1:  # +1/-1 walk: prefix sums revisit the same few values over and over
        return ([rng.choice((-1, 1)) for _ in range(n)], rng.randrange(-3, 4))
    values = [rng.randrange(-1000, 1001) for _ in range(n)]
    if case == 2:  # a target that is the sum of a random slice
        i = rng.randrange(n)
        j = rng.randrange(i + 1, min(n, i + 50) + 1)
        return (values, sum(values[i:j]))
    return (values, rng.randrange(-50, 51))
