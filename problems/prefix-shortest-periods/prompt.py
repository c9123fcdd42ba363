def prefix_periods(s: str) -> list[int]:
    """For every non-empty prefix of ``s``, return its shortest period.

    A positive integer p is a period of a string t when t[i] == t[i + p] for every
    index i with 0 <= i < len(t) - p (so len(t) itself is always a period). The
    result is a list of len(s) integers whose element k - 1 is the smallest period of
    s[:k]. ``s`` holds up to a few hundred thousand characters (any characters); an
    empty string gives an empty list.

    >>> prefix_periods("abab")
    [1, 2, 2, 2]
    >>> prefix_periods("aabaa")
    [1, 1, 3, 3, 3]
    >>> prefix_periods("abcabcab")
    [1, 2, 3, 3, 3, 3, 3, 3]
    """
