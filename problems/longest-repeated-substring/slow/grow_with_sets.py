def longest_repeat(s: str) -> int:
    """Try L = 1, 2, ... with a set of all slices of length L: O(n * answer^2)."""
    n = len(s)
    best = 0
    for length in range(1, n):
        seen = set()
        found = False
        for i in range(n - length + 1):
            sub = s[i:i + length]
            if sub in seen:
                found = True
                break
            seen.add(sub)
        if not found:
            break
        best = length
    return best
