def lcs_length(first: str, second: str) -> int:
    """Return the length of the longest common subsequence of two strings.

    A subsequence keeps some characters of a string in their original order, not
    necessarily adjacent. Return the largest length of a string that is a subsequence of
    both ``first`` and ``second`` (characters are compared exactly, case-sensitively).

    Constraints: 0 <= len(first), len(second) <= 40_000; any Unicode characters.

    >>> lcs_length("branches", "bandages")
    5
    >>> lcs_length("abc", "xyz")
    0
    >>> lcs_length("aaaa", "aa")
    2
    """
