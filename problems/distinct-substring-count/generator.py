"""Inputs for distinct-substring-count: edge cases, then random and repetitive strings."""

import random

EDGE_CASES = [
    ("",),
    ("k",),
    ("aaaaa",),
    ("abcdef",),
    ("abracadabra",),
    ("abababab",),
    ("aabbaabb",),
    ("ZzZ zZz",),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: a string of ``size`` characters."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    if case == 0:  # binary random: about n^2 / 2 distinct substrings
        return ("".join(rng.choice("ab") for _ in range(size)),)
    if case == 1:  # one letter: n distinct substrings, maximal suffix links chains
        return ("a" * size,)
    if case == 2:  # a random block repeated with mutations: many clones in the automaton
        block = "".join(rng.choice("abc") for _ in range(rng.randrange(5, 50)))
        chars = list((block * (size // len(block) + 1))[:size])
        for _ in range(10):
            chars[rng.randrange(size)] = rng.choice("xyz")
        return ("".join(chars),)
    return ("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(size)),)
