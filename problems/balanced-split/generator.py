"""Inputs for balanced-split: edge cases, then odd-only, large and random weights."""

import random

EDGE_CASES = [
    ([],),
    ([7],),
    ([5, 5],),
    ([10, 3, 3],),
    ([3, 1, 4, 2, 2],),
    ([10_000, 1, 1, 1],),
    ([2, 4, 6, 8, 10, 1],),
    ([9, 9, 9, 9, 9, 9, 9],),
    ([1] * 13,),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(weights,)`` with ``size`` weights up to ``10 * size`` (capped at 10_000)."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    top = min(10 * n, 10_000)
    if case == 0:  # distinct odd weights with an odd count: a perfect split is impossible
        weights = rng.sample(range(1, top + 1, 2), min(n, top // 2))
        if len(weights) % 2 == 0:
            weights.pop()
    elif case == 1:  # large weights only: the sets of sums stay sparse but wide
        weights = [rng.randrange(top // 2, top + 1) for _ in range(n)]
    elif case == 2:  # one giant item against many small ones
        weights = [rng.randrange(1, top // 10 + 2) for _ in range(n - 1)] + [top]
    else:
        weights = [rng.randrange(1, top + 1) for _ in range(n)]
    return (weights,)
