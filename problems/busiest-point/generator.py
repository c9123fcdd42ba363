"""Inputs for busiest-point: edge cases, then ``size`` intervals."""

import random

EDGE_CASES = [
    ([(0, 0)],),
    ([(-10**9, 10**9)],),
    ([(0, 1), (1, 2)],),
    ([(0, 1), (2, 3)],),
    ([(1, 5), (2, 3), (4, 8), (3, 4)],),
    ([(5, 5), (7, 9)],),
    ([(3, 3), (3, 3), (-2, 4), (10, 20), (10, 20), (10, 20)],),
    ([(-7, -3), (-5, -1), (-4, -4), (-1, 0)],),
]

SPAN = 10**8


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: ``size`` closed intervals."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    intervals = []
    if case == 0:  # almost all intervals share a region: large counts everywhere
        for _ in range(n):
            intervals.append((-rng.randrange(SPAN), rng.randrange(SPAN)))
    elif case == 1:  # random
        for _ in range(n):
            a, b = rng.randrange(-SPAN, SPAN), rng.randrange(-SPAN, SPAN)
            intervals.append((min(a, b), max(a, b)))
    elif case == 2:  # equal blocks of identical intervals: ties, the smallest point wins
        for i in range(n):
            base = (i % 50) * 1000 - 25_000
            intervals.append((base, base + 10))
    else:  # chains of touching intervals: closedness decides the counts
        x = -SPAN
        for _ in range(n):
            step = rng.randrange(0, 3)
            intervals.append((x, x + step))
            x += step
        rng.shuffle(intervals)
    return (intervals,)
