"""Inputs for common-subsequence-length: edge cases, then related and random strings."""

import random
import string

EDGE_CASES = [
    ("", ""),
    ("", "abc"),
    ("abc", ""),
    ("q", "q"),
    ("abc", "xyz"),
    ("aaaa", "aa"),
    ("branches", "bandages"),
    ("ÄbÇdé😀x", "xÄ😀dé"),
    ("AbCabc", "abcABC"),
]


def _mutate(text: str, alphabet: str, rng: random.Random) -> str:
    """Return ``text`` with about a tenth of its positions replaced, deleted or doubled."""
    out = []
    for ch in text:
        r = rng.random()
        if r < 0.04:
            continue
        if r < 0.08:
            out.append(rng.choice(alphabet))
        elif r < 0.1:
            out.append(ch + ch)
        else:
            out.append(ch)
    return "".join(out)


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(first, second)``, each of length about ``size``."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # binary alphabet: long answers, dense matches
        first = "".join(rng.choice("01") for _ in range(n))
        second = "".join(rng.choice("01") for _ in range(n))
    elif case == 1:  # the second string is a noisy copy of the first
        first = "".join(rng.choice(string.ascii_lowercase) for _ in range(n))
        second = _mutate(first, string.ascii_lowercase, rng)[:n]
    elif case == 2:  # DNA-like alphabet, different lengths
        first = "".join(rng.choice("ACGT") for _ in range(n))
        second = "".join(rng.choice("ACGT") for _ in range(n - n // 5))
    else:
        alphabet = string.ascii_letters + string.digits
        first = "".join(rng.choice(alphabet) for _ in range(n))
        second = "".join(rng.choice(alphabet) for _ in range(n))
    return (first, second)
