def dinucleotide_counts(sequence: str) -> dict[str, int]:
    """Slide over the sequence, slicing out every pair and counting it in a dict."""
    counts = {a + b: 0 for a in "ACGT" for b in "ACGT"}
    for i in range(len(sequence) - 1):
        counts[sequence[i:i + 2]] += 1
    return counts
