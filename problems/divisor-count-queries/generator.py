"""Inputs for divisor-count-queries: edge cases, then ``size`` values up to 10**6."""

import random

LIMIT = 10**6

EDGE_CASES = [
    ([],),
    ([1],),
    ([2, 3, 5, 7, 11, 999983],),
    ([4, 8, 16, 524288],),
    ([720720, 997920, 1000000],),
    ([6, 6, 6, 6],),
    ([1, 12, 7, 36],),
    ([999999, 999998, 999997, 1000000],),
]


def _primes_near_limit(count: int) -> list[int]:
    """The ``count`` largest primes <= LIMIT, largest first (a small segmented sieve)."""
    lo = LIMIT - 20_000
    flags = bytearray([1]) * (LIMIT - lo + 1)
    for d in range(2, 1001):  # 1000**2 >= LIMIT, so these divisors settle primality
        start = max(d * d, (lo + d - 1) // d * d)
        flags[start - lo::d] = bytes(len(range(start, LIMIT + 1, d)))
    return [lo + i for i in range(len(flags) - 1, -1, -1) if flags[i]][:count]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: a list of ``size`` integers in [1, 10**6]."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    if case == 0:  # large primes: trial division has to run to the square root every time
        primes = _primes_near_limit(200)
        return ([rng.choice(primes) for _ in range(size)],)
    if case == 1:  # smooth numbers: many prime factors each
        smooth = [2**a * 3**b * 5**c * 7**d for a in range(20) for b in range(13) for c in range(9)
                  for d in range(8) if 2**a * 3**b * 5**c * 7**d <= LIMIT]
        return ([rng.choice(smooth) for _ in range(size)],)
    if case == 2:  # large values near the limit
        return ([LIMIT - rng.randrange(1000) for _ in range(size)],)
    return ([rng.randrange(1, LIMIT + 1) for _ in range(size)],)
