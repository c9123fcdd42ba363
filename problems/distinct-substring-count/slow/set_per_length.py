def count_distinct_substrings(s: str) -> int:
    """For every length, put all slices of that length in a set: O(n^2) slices."""
    n = len(s)
    return sum(len({s[i:i + length] for i in range(n - length + 1)}) for length in range(1, n + 1))
