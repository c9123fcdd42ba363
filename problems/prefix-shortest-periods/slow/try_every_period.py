def prefix_periods(s: str) -> list[int]:
    """For each prefix, try p = 1, 2, ... and compare shifted slices: O(n^2) slices."""
    result = []
    for k in range(1, len(s) + 1):
        for p in range(1, k + 1):
            if s[: k - p] == s[p:k]:
                result.append(p)
                break
    return result
