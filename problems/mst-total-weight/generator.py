"""Inputs for mst-total-weight: edge cases, then graphs with ``size`` vertices."""

import random

EDGE_CASES = [
    (1, []),
    (1, [(0, 0, 5)]),
    (2, []),
    (2, [(0, 1, 7), (1, 0, 3), (0, 0, 0)]),
    (4, [(0, 1, 4), (1, 2, 1), (2, 3, 3), (0, 3, 2), (0, 2, 5)]),
    (4, [(0, 1, 1), (2, 3, 1)]),
    (5, [(0, 1, 10**9), (1, 2, 10**9), (2, 3, 10**9), (3, 4, 10**9), (0, 4, 10**9)]),
    (3, [(0, 1, 0), (1, 2, 0), (0, 2, 0)]),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: ``size`` vertices and 3 * size edges."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    m = 3 * n
    edges = []
    if case == 0:  # random spanning tree plus random extra edges
        for v in range(1, n):
            edges.append((rng.randrange(v), v, rng.randrange(10**6)))
    elif case == 1:  # a long path of heavy edges plus light random extras
        for v in range(1, n):
            edges.append((v - 1, v, rng.randrange(5 * 10**5, 10**6)))
    elif case == 2:  # few distinct weights: many ties
        for v in range(1, n):
            edges.append((rng.randrange(v), v, rng.randrange(3)))
    else:  # two halves joined by a single edge of the largest weight
        half = n // 2
        for v in range(1, n):
            if v != half:
                lo = 0 if v < half else half
                edges.append((rng.randrange(lo, v), v, rng.randrange(10**6)))
        edges.append((rng.randrange(half), rng.randrange(half, n), 10**6))
        while len(edges) < m:
            if rng.random() < 0.5:
                edges.append((rng.randrange(half), rng.randrange(half), rng.randrange(10**6)))
            else:
                edges.append((rng.randrange(half, n), rng.randrange(half, n), rng.randrange(10**6)))
    top = 3 if case == 2 else 10**6
    while len(edges) < m:
        edges.append((rng.randrange(n), rng.randrange(n), rng.randrange(top)))
    rng.shuffle(edges)
    return (n, edges)
