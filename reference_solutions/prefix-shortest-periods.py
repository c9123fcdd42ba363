def prefix_periods(s: str) -> list[int]:
    """Prefix function (KMP failure links): period of s[:k] is k - border(s[:k]). O(n)."""
    n = len(s)
    if n == 0:
        return []
    pi = [0] * n
    k = 0
    for i in range(1, n):
        c = s[i]
        while k and s[k] != c:
            k = pi[k - 1]
        if s[k] == c:
            k += 1
        pi[i] = k
    return [i - b for i, b in enumerate(pi, 1)]
