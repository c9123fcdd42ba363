"""Inputs for interval-stabbing-counts: edge cases, then ``size`` intervals and points."""

import random

EDGE_CASES = [
    ([], []),
    ([], [5]),
    ([(1, 1)], [0, 1, 2]),
    ([(1, 4), (3, 6), (6, 6)], [0, 3, 6, 7]),
    ([(-2, 2)], [-2, 2, 2]),
    ([(0, 10)] * 4, [10, 11, -1, 0]),
    ([(-10**9, 10**9), (10**9, 10**9)], [-10**9, 10**9, 0]),
    ([(5, 9), (1, 3), (2, 7)], []),
]

SPAN = 10**7


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: ``size`` intervals and ``size`` points."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # long, heavily overlapping intervals
        intervals = [(-rng.randrange(SPAN), rng.randrange(SPAN)) for _ in range(n)]
    elif case == 1:  # random
        intervals = []
        for _ in range(n):
            a, b = rng.randrange(-SPAN, SPAN), rng.randrange(-SPAN, SPAN)
            intervals.append((min(a, b), max(a, b)))
    elif case == 2:  # single points and tiny intervals; queries hit the endpoints exactly
        intervals = []
        for _ in range(n):
            a = rng.randrange(-1000, 1000)
            intervals.append((a, a + rng.randrange(3)))
        return (intervals, [rng.randrange(-1005, 1005) for _ in range(n)])
    else:  # short random intervals
        intervals = []
        for _ in range(n):
            a = rng.randrange(-SPAN, SPAN)
            intervals.append((a, a + rng.randrange(1000)))
    return (intervals, [rng.randrange(-SPAN, SPAN) for _ in range(n)])
