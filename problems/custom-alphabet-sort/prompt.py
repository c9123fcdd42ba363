def sort_by_alphabet(words: list[str], alphabet: str) -> list[str]:
    """Sort words lexicographically under an invented order of the letters.

    ``alphabet`` is a permutation of the 26 lowercase letters 'a'..'z' and lists them from
    smallest to largest. Compare two words letter by letter under that order; when one
    word is a prefix of the other, the shorter word comes first. Return a new list with
    all the words (duplicates kept) in non-decreasing order.

    Constraints: 0 <= len(words) <= 150_000; each word has 1..20 lowercase letters.

    >>> sort_by_alphabet(["cab", "abc", "bca"], "cbadefghijklmnopqrstuvwxyz")
    ['cab', 'bca', 'abc']
    >>> sort_by_alphabet(["aa", "a", "b"], "bacdefghijklmnopqrstuvwxyz")
    ['b', 'a', 'aa']
    >>> sort_by_alphabet([], "zyxwvutsrqponmlkjihgfedcba")
    []
    """
