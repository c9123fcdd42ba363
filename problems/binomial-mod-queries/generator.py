"""Inputs for binomial-mod-queries: edge cases, then query lists with n up to ``size``."""

import random

EDGE_CASES = [
    ([],),
    ([(0, 0)],),
    ([(1, 0), (1, 1), (0, 1)],),
    ([(5, 2), (10, 0), (3, 4)],),
    ([(100, 50), (100, 51), (100, 100)],),
    ([(10**6, 1), (10**6, 10**6 - 1), (999_999, 10**6)],),
    ([(10**6, 3), (999_999, 999_996)],),
    ([(7, 3)] * 5,),
]

QUERY_COUNTS = {1: 300, 2: 30_000, 3: 100_000}


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: a list of queries with n <= ``size``."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    count = QUERY_COUNTS.get(level, 100_000)
    queries = []
    for _ in range(count):
        if case == 0:  # n near the maximum, k near n / 2: the most work per direct product
            n = size - rng.randrange(size // 100 + 1)
            k = n // 2 + rng.randrange(-50, 51)
        elif case == 1:
            n = rng.randrange(size + 1)
            k = rng.randrange(n + 1)
        elif case == 2:  # a mix including k > n
            n = rng.randrange(size + 1)
            k = rng.randrange(size + 1)
        else:  # many queries on the same row
            n = size
            k = rng.randrange(n + 1)
        queries.append((n, k))
    return (queries,)
