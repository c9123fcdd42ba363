"""Inputs for closest-pair-of-points: edge cases, then ``size`` points."""

import random

EDGE_CASES = [
    ([(0, 0), (1, 1)],),
    ([(3, 4), (3, 4)],),
    ([(0, 0), (5, 5), (1, 2), (9, 0)],),
    ([(0, 0), (0, 10), (0, 3), (0, 7)],),
    ([(-10**9, -10**9), (10**9, 10**9)],),
    ([(0, 0), (10, 0), (5, 1), (5, -1), (20, 20)],),
    ([(x, 0) for x in range(0, 50, 5)] + [(2, 100)],),
    ([(1, 1), (4, 5), (-3, 2), (7, -8), (4, 6), (0, 0)],),
]

LIM = 10**9


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: a list of ``size`` points."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # one vertical line: sorting by x alone gives no pruning
        x = rng.randrange(-LIM, LIM)
        ys = rng.sample(range(-LIM, LIM), n)
        return ([(x, y) for y in ys],)
    if case == 1:  # uniform in the whole square
        return ([(rng.randrange(-LIM, LIM), rng.randrange(-LIM, LIM)) for _ in range(n)],)
    if case == 2:  # a lattice with gap 1000 and tiny jitter: many near-ties
        side = int(n**0.5) + 1
        pts = [(i * 1000 + rng.randrange(3), j * 1000 + rng.randrange(3))
               for i in range(side) for j in range(side)]
        rng.shuffle(pts)
        return (pts[:n],)
    # three narrow vertical bands (distinct y values, so no duplicate points)
    ys = rng.sample(range(-LIM, LIM), n)
    return ([(rng.choice((-LIM, 0, LIM - 10)) + rng.randrange(10), y) for y in ys],)
