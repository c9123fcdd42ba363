"""Inputs for hamming-distance-histogram: edge cases, then clustered and random codes."""

import random

EDGE_CASES = [
    (["0"],),
    (["0000"],),
    (["1", "1", "0"],),
    (["101", "100", "001"],),
    (["1" * 64, "0" * 64, "01" * 32, "10" * 32],),
    (["0110", "0110", "0110"],),
    (["00000001", "10000000", "00011000", "11111111", "00000000"],),
    (["0" * 63 + "1", "1" + "0" * 63, "0" * 64],),
    (["110", "011", "101", "000", "111", "010"],),
]


def _code(bits: int, length: int) -> str:
    return format(bits, f"0{length}b")


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(codes,)`` with ``size`` codes."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    m = size
    if case == 0:  # 64-bit codes, uniformly random
        return ([_code(rng.getrandbits(64), 64) for _ in range(m)],)
    if case == 1:  # 64-bit codes clustered around a few centres (small distances dominate)
        centres = [rng.getrandbits(64) for _ in range(5)]
        codes = []
        for _ in range(m):
            x = rng.choice(centres)
            for _ in range(rng.randrange(4)):
                x ^= 1 << rng.randrange(64)
            codes.append(_code(x, 64))
        return (codes,)
    if case == 2:  # many exact duplicates
        pool = [_code(rng.getrandbits(48), 48) for _ in range(20)]
        return ([rng.choice(pool) for _ in range(m)],)
    length = rng.randrange(20, 65)
    return ([_code(rng.getrandbits(length), length) for _ in range(m)],)
