def top_words(text: str, k: int) -> list[tuple[str, int]]:
    """Return the ``k`` most frequent words of ``text`` with their counts.

    A word is a maximal run of ASCII letters (``a``-``z``, ``A``-``Z``); every other
    character (digits, punctuation, whitespace, accented or other non-ASCII letters)
    separates words. Words are case-insensitive and reported in lowercase. Return
    ``(word, count)`` pairs ordered by count, largest first, and among equal counts by
    the word in ascending order; return only the first ``k`` pairs, or all of them when
    there are fewer than ``k`` distinct words.

    Constraints: 0 <= len(text) <= 3_000_000; 1 <= k <= 1_000.

    >>> top_words("The cat and the hat. THE END!", 2)
    [('the', 3), ('and', 1)]
    >>> top_words("naïve café-au-lait, 42x", 10)
    [('au', 1), ('caf', 1), ('lait', 1), ('na', 1), ('ve', 1), ('x', 1)]
    >>> top_words("... 123 !!!", 3)
    []
    """
