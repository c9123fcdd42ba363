def dinucleotide_counts(sequence: str) -> dict[str, int]:
    """Count how often each ordered pair of adjacent letters occurs in a DNA sequence.

    ``sequence`` consists only of the letters ``A``, ``C``, ``G`` and ``T``. For every
    position i with i + 1 < len(sequence), the pair ``sequence[i:i + 2]`` is one
    occurrence (occurrences may overlap: "AAA" contains "AA" twice). Return a dict with
    exactly the 16 keys "AA", "AC", ..., "TT" (pairs that never occur map to 0).

    Constraints: 0 <= len(sequence) <= 4_500_000.

    >>> counts = dinucleotide_counts("GATTACA")
    >>> counts["AT"], counts["TT"], counts["CA"], counts["GG"], sum(counts.values())
    (1, 1, 1, 0, 6)
    >>> dinucleotide_counts("AAA")["AA"]
    2
    >>> sorted(dinucleotide_counts("").items())[:2]
    [('AA', 0), ('AC', 0)]
    """
