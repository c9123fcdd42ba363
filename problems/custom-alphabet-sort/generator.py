"""Inputs for custom-alphabet-sort: edge cases, then shared prefixes, duplicates and random words."""

import random
import string

ALPHA = string.ascii_lowercase
REVERSED = ALPHA[::-1]

EDGE_CASES = [
    ([], REVERSED),
    (["q"], ALPHA),
    (["cab", "abc", "bca"], "cbadefghijklmnopqrstuvwxyz"),
    (["aa", "a", "b"], "bacdefghijklmnopqrstuvwxyz"),
    (["same", "same", "same"], REVERSED),
    (["z", "zz", "zzz", "y", "yz"], REVERSED),
    (["apple", "app", "apply", "apt", "b"], "pabcdefghijklmnoqrstuvwxyz"),
    (["abcdefghijklmnopqrst", "abcdefghijklmnopqrss", "t"], "tsabcdefghijklmnopqruvwxyz"),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(words, alphabet)`` with ``size`` words."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    letters = list(ALPHA)
    rng.shuffle(letters)
    alphabet = "".join(letters)
    n = size
    if case == 0:  # long common prefixes: comparisons must look deep into each word
        stems = ["".join(rng.choice(ALPHA) for _ in range(14)) for _ in range(8)]
        words = [rng.choice(stems) + "".join(rng.choice(ALPHA) for _ in range(rng.randrange(1, 7))) for _ in range(n)]
    elif case == 1:  # a small vocabulary: many duplicates
        vocabulary = ["".join(rng.choice(ALPHA) for _ in range(rng.randrange(1, 9))) for _ in range(300)]
        words = [rng.choice(vocabulary) for _ in range(n)]
    elif case == 2:  # already sorted in plain a..z order
        words = sorted("".join(rng.choice(ALPHA) for _ in range(rng.randrange(1, 13))) for _ in range(n))
    else:
        words = ["".join(rng.choice(ALPHA) for _ in range(rng.randrange(1, 21))) for _ in range(n)]
    return (words, alphabet)
