"""Inputs for convex-hull-vertices: edge cases, then ``size`` points."""

import random

EDGE_CASES = [
    ([(7, 7)],),
    ([(5, -1), (5, -1)],),
    ([(3, 3), (1, 1), (2, 2)],),
    ([(0, 5), (0, -5), (0, 0), (0, 5)],),
    ([(0, 0), (2, 0), (1, 1), (2, 2), (0, 2), (1, 0)],),
    ([(0, 0), (4, 0), (0, 4), (1, 1), (2, 2), (4, 0)],),
    ([(-4 * 10**9, 0), (4 * 10**9, 0), (0, 4 * 10**9), (0, -4 * 10**9), (1, 1)],),
    ([(x, x * x) for x in range(-5, 6)],),
    ([(1, 0), (0, 1), (-1, 0), (0, -1), (0, 0), (1, 1)],),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: a list of ``size`` points."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # a parabola: every point is a corner (gift wrapping is quadratic)
        pts = [(x, x * x) for x in range(-(n // 2), n - n // 2)]
        rng.shuffle(pts)
        return (pts,)
    if case == 1:  # two facing parabolas: a lens whose points are all corners
        half = n // 2
        m = half // 2
        top = 2 * m * m
        pts = [(x, x * x) for x in range(-m, m + 1)] + [(x, top - x * x) for x in range(-m, m + 1)]
        rng.shuffle(pts)
        return (pts[:n],)
    if case == 2:  # random in a square, with duplicates
        pts = [(rng.randrange(-10**9, 10**9), rng.randrange(-10**9, 10**9)) for _ in range(n - n // 10)]
        pts += [rng.choice(pts) for _ in range(n // 10)]
        return (pts,)
    # many points on the edges of a rectangle (collinear, not corners) plus the inside
    pts = []
    for _ in range(n):
        side = rng.randrange(5)
        t = rng.randrange(-10**6, 10**6 + 1)
        pts.append(((t, -10**6), (t, 10**6), (-10**6, t), (10**6, t), (t // 2, t // 3))[side])
    return (pts,)
