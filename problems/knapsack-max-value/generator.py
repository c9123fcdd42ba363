"""Inputs for knapsack-max-value: edge cases, then roomy, tight and random knapsacks."""

import random

EDGE_CASES = [
    ([], 10),
    ([(5, 10)], 4),
    ([(5, 10)], 5),
    ([(3, 4), (4, 5), (2, 3)], 6),
    ([(1, 1), (1, 1), (1, 1)], 2),
    ([(2, 0), (3, 0)], 5),
    ([(4, 7), (2, 1)], 0),
    ([(10**6, 10**6), (20_000, 5), (1, 1)], 20_000),
    ([(5, 12), (4, 10), (3, 7), (2, 5), (1, 1), (6, 13), (7, 16)], 15),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(items, capacity)`` with ``size`` items and capacity ``100 * size``."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    capacity = 100 * n
    if case == 0:  # everything fits: brute force must enumerate every subset
        items = [(rng.randrange(1, capacity // n + 1), rng.randrange(1, 10**6 + 1)) for _ in range(n)]
    elif case == 1:  # value proportional to weight plus noise: many near-ties, half the total fits
        items = []
        for _ in range(n):
            w = rng.randrange(1, capacity // 4)
            items.append((w, 100 * w + rng.randrange(100)))
        capacity = min(capacity, sum(w for w, _ in items) // 2)
    elif case == 2:  # light items, most of the knapsack reachable early
        items = [(rng.randrange(1, capacity // 10), rng.randrange(10**6 + 1)) for _ in range(n)]
    else:
        items = [(rng.randrange(1, capacity // 2), rng.randrange(10**6 + 1)) for _ in range(n)]
    return (items, capacity)
