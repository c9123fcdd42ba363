def hamming_histogram(codes: list[str]) -> list[int]:
    """Count the pairs of codes at each Hamming distance.

    ``codes`` holds m binary strings (characters '0' and '1') that all have the same
    length L. The Hamming distance of two codes is the number of positions where they
    differ. Return a list ``h`` of length L + 1 where ``h[d]`` is the number of pairs of
    positions i < j whose codes are at distance d (equal strings at different positions
    form a pair at distance 0).

    Constraints: 1 <= m = len(codes) <= 2_200; 1 <= L <= 64.

    >>> hamming_histogram(["101", "100", "001"])
    [0, 2, 1, 0]
    >>> hamming_histogram(["0000"])
    [0, 0, 0, 0, 0]
    >>> hamming_histogram(["1", "1", "0"])
    [1, 2]
    """
