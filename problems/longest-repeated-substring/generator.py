"""Inputs for longest-repeated-substring: edge cases, then strings with long repeats."""

import random

EDGE_CASES = [
    ("",),
    ("x",),
    ("zz",),
    ("abcdefg",),
    ("mississippi",),
    ("abcabcabc",),
    ("xabcyabcz",),
    ("aaaaaaab",),
]


def _random(rng: random.Random, n: int, alphabet: str) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: a string of ``size`` characters."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    if case == 0:  # a random half written twice: the answer is about size / 2
        half = _random(rng, size // 2, "abcd")
        return (half + "#" + half,)
    if case == 1:  # one letter with a single different one in the middle
        return ("a" * (size // 2) + "b" + "a" * (size - size // 2 - 1),)
    if case == 2:  # binary noise with a planted repeat of length size // 5
        chunk = _random(rng, size // 5, "ab")
        rest = _random(rng, size - 2 * len(chunk), "ab")
        cut = rng.randrange(len(rest) + 1)
        return (chunk + rest[:cut] + chunk + rest[cut:],)
    return (_random(rng, size, "abcdefghijklmnopqrstuvwxyz"),)
