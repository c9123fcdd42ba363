"""Inputs for network-link-queries: edge cases, then long chains, hubs and random networks."""

import random

EDGE_CASES = [
    (1, []),
    (1, [(1, 0, 0)]),
    (2, [(1, 1, 1), (0, 0, 0), (1, 0, 1)]),
    (4, [(1, 0, 1), (0, 0, 1), (0, 2, 1), (1, 0, 2), (1, 3, 2)]),
    (3, [(0, 0, 1), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 2, 0)]),
    (6, [(0, 0, 1), (0, 2, 3), (0, 4, 5), (1, 0, 5), (0, 1, 2), (0, 3, 4), (1, 0, 5), (1, 5, 0)]),
    (5, [(1, 4, 0), (0, 4, 3), (0, 3, 2), (0, 2, 1), (0, 1, 0), (1, 4, 0), (1, 0, 4)]),
    (7, [(0, 6, 5), (1, 0, 6), (0, 0, 1), (0, 1, 2), (1, 2, 0), (1, 3, 4), (0, 3, 6), (1, 5, 3)]),
]


def _interleave(links: list[tuple[int, int, int]], n: int, questions: int,
                ask: int, rng: random.Random) -> list[tuple[int, int, int]]:
    """Spread ``questions`` queries evenly between ``links``; queries mostly touch ``ask``."""
    ops: list[tuple[int, int, int]] = []
    per = questions / max(1, len(links))
    owed = 0.0
    for link in links:
        ops.append(link)
        owed += per
        while owed >= 1:
            owed -= 1
            a = ask if rng.random() < 0.8 else rng.randrange(n)
            ops.append((1, a, rng.randrange(n)))
    return ops


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(n, operations)`` with about ``size`` operations."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    half = size // 2
    if case == 0:  # one long path built from one end: every question walks a long chain
        n = half + 1
        order = list(range(n))
        rng.shuffle(order)
        links = [(0, order[i], order[i + 1]) for i in range(n - 1)]
        return (n, _interleave(links, n, size - len(links), order[0], rng))
    if case == 1:  # two growing chains that join at the very end: many "no" answers
        n = half + 1
        order = list(range(n))
        rng.shuffle(order)
        mid = n // 2
        left = [(0, order[i], order[i + 1]) for i in range(mid - 1)]
        right = [(0, order[i], order[i + 1]) for i in range(mid, n - 1)]
        links = [x for pair in zip(left, right, strict=False) for x in pair] + right[len(left):]
        links.append((0, order[mid - 1], order[mid]))
        return (n, _interleave(links, n, size - len(links), order[0], rng))
    if case == 2:  # a sparse random network with redundant cables
        n = size // 3
        links = [(0, rng.randrange(n), rng.randrange(n)) for _ in range(half)]
        return (n, _interleave(links, n, size - half, rng.randrange(n), rng))
    n = size
    ops = []
    for _ in range(size):
        ops.append((rng.randrange(2), rng.randrange(n), rng.randrange(n)))
    return (n, ops)
