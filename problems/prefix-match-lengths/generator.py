"""Inputs for prefix-match-lengths: edge cases, then long repetitive strings."""

import random

EDGE_CASES = [
    ("",),
    ("q",),
    ("aaaaaa",),
    ("abcde",),
    ("abababab",),
    ("aabxaabxcaabxaabxay",),
    ("baaaaa",),
    ("abcabcabd",),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: a string of ``size`` characters.

    Every timed case is highly repetitive, because character-by-character extension from
    each position is only slow when long matches are everywhere.
    """
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    if case == 0:  # one letter: every match runs to the end
        return ("a" * size,)
    if case == 1:  # rare random breaks in a run of one letter
        return ("".join("b" if rng.random() < 0.002 else "a" for _ in range(size)),)
    if case == 2:  # a short random block repeated, ending in a different letter
        block = "".join(rng.choice("ab") for _ in range(rng.randrange(2, 6)))
        return ((block * (size // len(block) + 1))[: size - 1] + "z",)
    # a longer block repeated with a few mutations
    block = "".join(rng.choice("abc") for _ in range(40))
    chars = list((block * (size // 40 + 1))[:size])
    for _ in range(3):
        chars[rng.randrange(size)] = "d"
    return ("".join(chars),)
