"""Inputs for top-k-words: edge cases, then skewed, uniform and punctuation-heavy texts."""

import random
import string

EDGE_CASES = [
    ("", 1),
    ("... 123 !!!", 3),
    ("word", 1),
    ("The cat and the hat. THE END!", 2),
    ("naïve café-au-lait, 42x", 10),
    ("b a c b a b", 2),
    ("Zebra zebra ZEBRA apple Apple mango", 5),
    ("x\ty\nz\r\nx😀y—z_x", 3),
    ("ab1ab2AB3aB,ba;BA:bA", 1),
]

SEPARATORS = [" "] * 12 + [", ", ". ", "\n", " - ", "; ", "!", "? ", "'", "(", ") ", "7", "_", "é", "ß", "€", "😀"]


def _vocabulary(size: int, rng: random.Random) -> list[str]:
    return ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randrange(3, 15))) for _ in range(size)]


def _cased(word: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.1:
        return word.upper()
    if r < 0.3:
        return word.capitalize()
    return word


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(text, k)`` with a text of about ``size`` characters."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    if case == 0:  # Zipf-like vocabulary with many ties in the tail
        vocabulary = _vocabulary(20_000, rng)
        weights = [1.0 / (i + 1) for i in range(len(vocabulary))]
        k = 1000
    elif case == 1:  # a small vocabulary with near-equal counts: the tie-break decides
        vocabulary = _vocabulary(300, rng)
        weights = [1.0] * len(vocabulary)
        k = 100
    elif case == 2:  # a huge vocabulary of mostly unique words
        vocabulary = _vocabulary(200_000, rng)
        weights = [1.0] * len(vocabulary)
        k = 50
    else:
        vocabulary = _vocabulary(5_000, rng)
        weights = [1.0 / (i + 1) ** 0.7 for i in range(len(vocabulary))]
        k = 10
    parts = []
    length = 0
    chunk = 1000
    while length < size:
        words = rng.choices(vocabulary, weights, k=chunk)
        for w in words:
            piece = _cased(w, rng) + rng.choice(SEPARATORS)
            parts.append(piece)
            length += len(piece)
    return ("".join(parts)[:size], k)
