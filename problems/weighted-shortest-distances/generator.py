"""Inputs for weighted-shortest-distances: edge cases, then graphs with ``size`` vertices."""

import random
from itertools import pairwise

EDGE_CASES = [
    (1, [], 0),
    (2, [], 1),
    (3, [(0, 1, 0), (1, 2, 0)], 0),
    (3, [(0, 0, 4), (0, 1, 9), (0, 1, 3), (1, 2, 10**9)], 0),
    (4, [(0, 1, 5), (0, 2, 1), (2, 1, 2)], 0),
    (5, [(4, 3, 1), (3, 2, 1), (2, 1, 1), (1, 0, 1), (4, 0, 5)], 4),
    (4, [(1, 0, 1), (2, 0, 1)], 0),
    (6, [(0, 1, 7), (0, 2, 9), (0, 5, 14), (1, 2, 10), (1, 3, 15), (2, 3, 11), (2, 5, 2),
         (3, 4, 6), (4, 5, 9)], 0),
]

MAX_W = 100_000


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: ``size`` vertices and about 3 * size edges."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    m = 3 * n
    edges = []
    if case == 0:  # heavy direct edges later beaten by a light chain: many stale heap entries
        for v in range(1, n):
            edges.append((0, v, MAX_W * 10 - v))
            edges.append((v - 1, v, rng.randrange(1, 4)))
        while len(edges) < m:
            u = rng.randrange(n)
            edges.append((u, rng.randrange(n), rng.randrange(MAX_W // 2, MAX_W)))
        source = 0
    elif case == 1:  # random sparse graph
        for _ in range(m):
            edges.append((rng.randrange(n), rng.randrange(n), rng.randrange(MAX_W + 1)))
        source = rng.randrange(n)
    elif case == 2:  # a long chain with random back and forward edges
        order = list(range(n))
        rng.shuffle(order)
        for a, b in pairwise(order):
            edges.append((a, b, rng.randrange(1, 100)))
        while len(edges) < m:
            edges.append((rng.randrange(n), rng.randrange(n), rng.randrange(1000, MAX_W)))
        source = order[0]
    else:  # only the first half is reachable from the source
        half = n // 2
        for _ in range(m):
            if rng.random() < 0.5:
                edges.append((rng.randrange(half), rng.randrange(half), rng.randrange(MAX_W)))
            else:
                edges.append((rng.randrange(half, n), rng.randrange(n), rng.randrange(MAX_W)))
        source = rng.randrange(half)
    rng.shuffle(edges)
    return (n, edges, source)
