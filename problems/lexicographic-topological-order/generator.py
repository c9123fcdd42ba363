"""Inputs for lexicographic-topological-order: edge cases, then DAGs of ``size`` vertices."""

import random

EDGE_CASES = [
    (1, []),
    (1, [(0, 0)]),
    (3, []),
    (2, [(1, 0), (1, 0)]),
    (4, [(2, 0), (1, 0), (3, 1)]),
    (5, [(0, 1), (1, 2), (2, 0), (3, 4)]),
    (6, [(5, 2), (5, 0), (4, 0), (4, 1), (2, 3), (3, 1)]),
    (4, [(3, 2), (2, 1), (1, 0)]),
]


def _dag(rng: random.Random, order: list[int], m: int) -> list[tuple[int, int]]:
    """Random edges that all point forward in ``order``."""
    n = len(order)
    edges = []
    for _ in range(m):
        i = rng.randrange(n - 1)
        j = rng.randrange(i + 1, min(n, i + 50))
        edges.append((order[i], order[j]))
    return edges


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: ``size`` vertices and up to 2 * size pairs."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # a chain through descending labels: only one choice at every step
        order = list(range(n - 1, -1, -1))
        edges = [(order[i], order[i + 1]) for i in range(n - 1)] + _dag(rng, order, n)
    elif case == 1:  # random DAG over a shuffled order
        order = list(range(n))
        rng.shuffle(order)
        edges = _dag(rng, order, 2 * n)
    elif case == 2:  # like case 1 plus one back edge near the end: a cycle, answer []
        order = list(range(n))
        rng.shuffle(order)
        edges = _dag(rng, order, 2 * n)
        edges.append((order[n - 1], order[n - 40]))
        edges.append((order[n - 40], order[n - 1]))
    else:  # few constraints: a wide heap of available courses
        order = list(range(n))
        rng.shuffle(order)
        edges = _dag(rng, order, n // 10)
    rng.shuffle(edges)
    return (n, edges)
