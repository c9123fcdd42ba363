from collections import Counter
from itertools import pairwise


def dinucleotide_counts(sequence: str) -> dict[str, int]:
    """Counter over itertools.pairwise(sequence), then rebuild the 16 string keys."""
    pairs = Counter(pairwise(sequence))
    return {a + b: pairs[(a, b)] for a in "ACGT" for b in "ACGT"}
