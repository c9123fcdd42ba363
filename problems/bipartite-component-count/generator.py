"""Inputs for bipartite-component-count: edge cases, then graphs with ``size`` vertices."""

import random
from itertools import pairwise

EDGE_CASES = [
    (1, []),
    (1, [(0, 0)]),
    (2, [(0, 1), (1, 0), (0, 1)]),
    (3, [(0, 1), (1, 2), (2, 0)]),
    (5, [(0, 1), (1, 2), (2, 0), (3, 4)]),
    (4, [(0, 1), (1, 2), (2, 3), (3, 0), (2, 2)]),
    (6, [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 0)]),
    (7, [(0, 1), (2, 3), (3, 4), (4, 2), (5, 6)]),
]


def _cycles(rng: random.Random, n: int) -> list[tuple[int, int]]:
    """Disjoint cycles and paths of random lengths over a shuffled labelling."""
    labels = list(range(n))
    rng.shuffle(labels)
    edges = []
    i = 0
    while i < n:
        k = min(n - i, rng.randrange(1, 40))
        part = labels[i:i + k]
        edges.extend(pairwise(part))
        if k > 2 and rng.random() < 0.7:
            edges.append((part[-1], part[0]))  # a cycle, odd or even by chance
        i += k
    return edges


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: ``size`` vertices and up to 1.5 * size edges."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # many small cycles and paths
        edges = _cycles(rng, n)
    elif case == 1:  # very sparse: mostly small trees, many components
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(n // 2)]
    elif case == 2:  # one large bipartite component between even and odd labels
        edges = [(2 * rng.randrange(n // 2), 2 * rng.randrange(n // 2) + 1) for _ in range(3 * n // 2)]
    else:  # random graph: a giant odd component plus small pieces
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(3 * n // 4)]
    rng.shuffle(edges)
    return (n, edges)
