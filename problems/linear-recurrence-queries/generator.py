"""Inputs for linear-recurrence-queries: edge cases, then query indices up to ``size``."""

import random

EDGE_CASES = [
    ([1, 1], [0, 1], [0, 1, 2, 10, 50], 1000),
    ([2], [3], [0, 1, 5], 100),
    ([0, 0, 1], [1, 2, 3], [3, 4, 7], 10),
    ([1], [1], [0, 99_999], 2),
    ([5, 0, 3], [1, 0, 1], [], 7),
    ([0], [4], [0, 1, 2], 9),
    ([1, 1], [0, 1], [100_000, 99_999, 31_415], 2**31),
    ([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], [2, 7, 1, 8, 2, 8, 1, 8, 2, 8], list(range(25)), 1_000_000_007),
]

QUERY_COUNTS = {1: 100, 2: 250, 3: 500}


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: up to 500 query indices in [0, ``size``]."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    k = (2, 6, 10, 10)[case % 4]
    modulus = (1_000_000_007, 998_244_353, 2**31, 2**31 - 1)[case % 4]
    coeffs = [rng.randrange(modulus) for _ in range(k)]
    first = [rng.randrange(modulus) for _ in range(k)]
    count = QUERY_COUNTS.get(level, 500)
    if case == 2:  # indices with all bits set below the top: the most squarings to apply
        top = size.bit_length() - 1
        queries = [(1 << top) - 1 - rng.randrange(1 << 8) for _ in range(count)]
    else:
        queries = [size - rng.randrange(size // 2 + 1) for _ in range(count)]
    return (coeffs, first, queries, modulus)
