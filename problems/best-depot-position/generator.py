"""Inputs for best-depot-position: edge cases, then skewed, clustered and random customers."""

import random

EDGE_CASES = [
    ([5], [7]),
    ([0, 10], [1, 1]),
    ([1, 2, 10], [1, 1, 5]),
    ([-4, 6, 6], [3, 1, 2]),
    ([3, 3, 3, 3], [1, 2, 3, 4]),
    ([-(10**9), 10**9], [10**4, 10**4]),
    ([-(10**9), 10**9, 0], [10**4, 1, 1]),
    ([9, -2, 4, 4, -7, 0], [2, 5, 1, 1, 3, 8]),
    ([1, 2, 3, 4], [1, 1, 1, 1]),
]

LIMIT = 10**9


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(positions, trips)`` for ``size`` customers."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # all positions distinct and sorted descending, one heavy customer at an end
        positions = sorted(rng.sample(range(-LIMIT, LIMIT + 1), n), reverse=True)
        trips = [rng.randrange(1, 10) for _ in range(n)]
        trips[-1] = 10**4
    elif case == 1:  # distinct positions, weights rising so the optimum is far from the middle
        positions = rng.sample(range(-LIMIT, LIMIT + 1), n)
        trips = [1 + (10**4 - 1) * i * i // (n * n) for i in range(n)]
        rng.shuffle(trips)
    elif case == 2:  # an even total split exactly in half: a whole interval of optimal depots
        positions = rng.sample(range(-LIMIT, LIMIT + 1), n)
        trips = [2] * n
    else:
        positions = [rng.randrange(-LIMIT, LIMIT + 1) for _ in range(n)]
        trips = [rng.randrange(1, 10**4 + 1) for _ in range(n)]
    return (positions, trips)
