def count_palindromes(s: str) -> int:
    """Return the number of index pairs (i, j) with 0 <= i <= j < len(s) such that the
    substring s[i:j + 1] reads the same forwards and backwards.

    Occurrences are counted separately: equal palindromes at different positions each
    count. ``s`` holds up to a few hundred thousand characters (any characters).

    >>> count_palindromes("aaa")
    6
    >>> count_palindromes("abc")
    3
    >>> count_palindromes("abba")
    6
    """
