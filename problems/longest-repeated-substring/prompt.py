def longest_repeat(s: str) -> int:
    """Return the length of the longest string that occurs at least twice in ``s`` as a
    contiguous substring, at two different starting positions (the two occurrences may
    overlap). Return 0 when no character repeats.

    ``s`` holds up to 5 * 10**4 characters (any characters).

    >>> longest_repeat("banana")
    3
    >>> longest_repeat("abcd")
    0
    >>> longest_repeat("aaaa")
    3
    """
