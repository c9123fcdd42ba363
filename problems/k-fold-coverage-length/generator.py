"""Inputs for k-fold-coverage-length: edge cases, then ``size`` intervals."""

import random

EDGE_CASES = [
    ([], 1),
    ([(3, 3)], 1),
    ([(-5, 5)], 1),
    ([(0, 4), (2, 6), (5, 8)], 2),
    ([(0, 2), (2, 4)], 2),
    ([(0, 10), (0, 10), (0, 10)], 4),
    ([(-10**9, 10**9), (-10**9, 0), (0, 10**9), (5, 5)], 2),
    ([(1, 9), (2, 8), (3, 7), (4, 6), (0, 5)], 3),
]

SPAN = 10**8


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: ``size`` intervals and a threshold ``k``."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    intervals = []
    if case == 0:  # nested around the centre: deep coverage, k in the middle
        for _ in range(n):
            intervals.append((-rng.randrange(1, SPAN), rng.randrange(1, SPAN)))
        k = n // 2
    elif case == 1:  # random, k = 2
        for _ in range(n):
            a, b = rng.randrange(-SPAN, SPAN), rng.randrange(-SPAN, SPAN)
            intervals.append((min(a, b), max(a, b)))
        k = 2
    elif case == 2:  # few distinct endpoints: many ties and empty intervals
        for _ in range(n):
            a, b = rng.randrange(100), rng.randrange(100)
            intervals.append((min(a, b), max(a, b)))
        k = 3
    else:  # short intervals, k = 1 (plain union length)
        for _ in range(n):
            a = rng.randrange(-SPAN, SPAN)
            intervals.append((a, a + rng.randrange(SPAN // n * 4)))
        k = 1
    return (intervals, k)
