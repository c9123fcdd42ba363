"""Inputs for palindromic-substring-count: edge cases, then palindrome-rich strings."""

import random

EDGE_CASES = [
    ("",),
    ("a",),
    ("aaaaaaa",),
    ("#a#^^$",),
    ("abba",),
    ("abacaba",),
    ("racecar level noon",),
    ("aabbaabbaa",),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: a string of ``size`` characters."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    if case == 0:  # one letter: about n^2 / 2 palindromes, expansion is quadratic
        return ("a" * size,)
    if case == 1:  # alternating letters: every odd-length window centred right is one
        return (("ab" * (size // 2 + 1))[:size],)
    if case == 2:  # long palindromic blocks with rare noise
        chars = ["a"] * size
        for _ in range(max(1, size // 1000)):
            chars[rng.randrange(size)] = "b"
        return ("".join(chars),)
    return ("".join(rng.choice("ab") for _ in range(size)),)
