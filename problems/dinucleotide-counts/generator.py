"""Inputs for dinucleotide-counts: edge cases, then repetitive, run-heavy and random sequences."""

import random

EDGE_CASES = [
    ("",),
    ("A",),
    ("AAA",),
    ("GATTACA",),
    ("ACGT" * 5,),
    ("TTTTTTTTTT",),
    ("CG",),
    ("GGGAAACCCTTTGACTTAAGGC",),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(sequence,)`` of ``size`` letters."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    n = size
    if case == 0:  # long runs of one letter: the self-pairs AA, CC, GG, TT dominate
        parts = []
        length = 0
        while length < n:
            run = rng.choice("ACGT") * rng.randrange(1, 40)
            parts.append(run)
            length += len(run)
        return ("".join(parts)[:n],)
    if case == 1:  # a short repeated motif with rare mutations
        motif = "".join(rng.choice("ACGT") for _ in range(7))
        seq = list((motif * (n // 7 + 1))[:n])
        for _ in range(n // 100):
            seq[rng.randrange(n)] = rng.choice("ACGT")
        return ("".join(seq),)
    if case == 2:  # GC-rich, skewed composition
        return ("".join(rng.choices("ACGT", weights=(1, 4, 4, 1), k=n)),)
    return ("".join(rng.choices("ACGT", k=n)),)
