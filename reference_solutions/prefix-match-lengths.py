def prefix_match_lengths(s: str) -> list[int]:
    """Z-function: reuse the rightmost known match window [left, right). O(n)."""
    n = len(s)
    if n == 0:
        return []
    z = [0] * n
    z[0] = n
    left = right = 0
    for i in range(1, n):
        if i < right:
            k = z[i - left]
            if k < right - i:
                # Strictly inside the window: the mirrored value is final.
                z[i] = k
                continue
            k = right - i
        else:
            k = 0
        while i + k < n and s[k] == s[i + k]:
            k += 1
        z[i] = k
        if i + k > right:
            left, right = i, i + k
    return z
