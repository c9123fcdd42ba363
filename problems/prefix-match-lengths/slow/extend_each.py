def prefix_match_lengths(s: str) -> list[int]:
    """Extend the match from every position independently: O(n^2) on repetitive text."""
    n = len(s)
    result = []
    for i in range(n):
        k = 0
        while i + k < n and s[k] == s[i + k]:
            k += 1
        result.append(k)
    return result
