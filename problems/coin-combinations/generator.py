"""Inputs for coin-combinations: edge cases, then dense, impossible and random coin sets."""

import random

EDGE_CASES = [
    ([], 0),
    ([], 5),
    ([3, 7], 0),
    ([2], 3),
    ([1, 2, 5], 5),
    ([5, 1, 2], 11),
    ([100_000], 60_000),
    ([4, 6, 10], 29),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 40),
]

COIN_COUNT = {1: 7, 2: 15, 3: 40}


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(coins, amount)`` with ``amount == size``."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    amount = size
    k = COIN_COUNT.get(level, 40)
    if case == 0:  # every denomination 1..k: the largest counts
        coins = list(range(1, k + 1))
        rng.shuffle(coins)
    elif case == 1:  # even coins and an odd amount: nothing works, but there is a lot to try
        coins = rng.sample(range(2, 2 * k + 3, 2), k)
        amount = amount if amount % 2 else amount - 1
    elif case == 2:  # small and large denominations mixed, some above the amount
        coins = rng.sample(range(1, 2 * k + 1), k - k // 4)
        coins += rng.sample(range(amount // 2, min(2 * amount, 10**5 + 1)), k // 4)
    else:
        coins = rng.sample(range(1, 2 * k + 2), k)
    return (coins, amount)
