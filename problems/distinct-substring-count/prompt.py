def count_distinct_substrings(s: str) -> int:
    """Return how many different non-empty strings occur in ``s`` as contiguous
    substrings (each different string is counted once, however often it occurs).

    ``s`` holds up to about 10**5 characters (any characters); the empty string has 0.

    >>> count_distinct_substrings("abab")
    7
    >>> count_distinct_substrings("aaa")
    3
    >>> count_distinct_substrings("abc")
    6
    """
