"""Inputs for prefix-shortest-periods: edge cases, then long low-entropy strings."""

import random

EDGE_CASES = [
    ("",),
    ("a",),
    ("aaaa",),
    ("abab",),
    ("aabaabaaab",),
    ("abcd",),
    ("zzzyzzz",),
    ("xyxxyxyxxyxxyxyx",),
]


def _fibonacci_word(n: int) -> str:
    a, b = "a", "ab"
    while len(b) < n:
        a, b = b, b + a
    return b[:n]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: a string of ``size`` characters."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    if case == 0:  # binary random: periods close to the prefix length (naive tries them all)
        return ("".join(rng.choice("ab") for _ in range(size)),)
    if case == 1:  # Fibonacci word: many failure-link jumps for the prefix function
        return (_fibonacci_word(size),)
    if case == 2:  # a periodic block with a few mutations: long borders that break
        block = "".join(rng.choice("ab") for _ in range(rng.randrange(3, 12)))
        chars = list((block * (size // len(block) + 1))[:size])
        for _ in range(5):
            chars[rng.randrange(size)] = "c"
        return ("".join(chars),)
    return ("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(size)),)
