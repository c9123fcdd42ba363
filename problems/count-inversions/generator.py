"""Inputs for count-inversions: edge cases, then random and adversarial lists."""

import random

EDGE_CASES = [
    ([],),
    ([7],),
    ([1, 2, 3, 4],),
    ([4, 3, 2, 1],),
    ([5, 5, 5, 5],),
    ([2, 4, 1, 3, 5],),
    ([-3, 10**12, -(10**12), 0, 0],),
    ([3, 3, 1],),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: a list of ``size`` integers."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    if case == 0:  # descending: the maximum number of inversions
        return (list(range(size, 0, -1)),)
    if case == 1:  # many duplicates
        return ([rng.randrange(10) for _ in range(size)],)
    return ([rng.randrange(-(10**9), 10**9) for _ in range(size)],)
