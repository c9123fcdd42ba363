def prefix_match_lengths(s: str) -> list[int]:
    """For every position i of ``s``, return how long the longest common prefix of
    ``s`` and ``s[i:]`` is.

    The result is a list of len(s) integers; element 0 is len(s) itself. ``s`` holds up
    to a few hundred thousand characters; an empty string gives an empty list.

    >>> prefix_match_lengths("aabxaab")
    [7, 1, 0, 0, 3, 1, 0]
    >>> prefix_match_lengths("aaaa")
    [4, 3, 2, 1]
    >>> prefix_match_lengths("abacaba")
    [7, 0, 1, 0, 3, 0, 1]
    """
