"""Inputs for nested-boxes: edge cases, then chains, shared widths and random boxes."""

import random

EDGE_CASES = [
    ([],),
    ([(4, 4)],),
    ([(3, 3), (3, 3), (3, 3)],),
    ([(5, 4), (6, 4), (6, 7), (2, 3)],),
    ([(1, 9), (2, 8), (3, 7)],),
    ([(1, 1), (2, 2), (3, 3), (4, 4)],),
    ([(2, 1), (2, 2), (2, 3), (3, 4), (3, 5)],),
    ([(10**6, 10**6), (1, 1), (10**6, 1), (1, 10**6)],),
    ([(4, 5), (4, 6), (6, 7), (2, 3), (1, 1), (5, 2), (5, 8)],),
]

LIMIT = 10**6


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(boxes,)`` with ``size`` boxes."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # one long chain, shuffled: the answer is large
        widths = sorted(rng.sample(range(1, LIMIT + 1), n))
        heights = sorted(rng.sample(range(1, LIMIT + 1), n))
        boxes = list(zip(widths, heights, strict=True))
        rng.shuffle(boxes)
    elif case == 1:  # few distinct widths: boxes of equal width must never chain
        boxes = [(rng.randrange(1, 30), rng.randrange(1, LIMIT + 1)) for _ in range(n)]
    elif case == 2:  # nearly sorted along the diagonal with noise
        boxes = []
        for i in range(n):
            base = i * (LIMIT // n)
            boxes.append((min(LIMIT, base + rng.randrange(1, 50)), min(LIMIT, base + rng.randrange(1, 50))))
    else:
        boxes = [(rng.randrange(1, LIMIT + 1), rng.randrange(1, LIMIT + 1)) for _ in range(n)]
    return (boxes,)
