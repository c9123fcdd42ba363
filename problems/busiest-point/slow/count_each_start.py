def busiest_point(intervals: list[tuple[int, int]]) -> tuple[int, int]:
    """Count the intervals containing every left end: O(n^2)."""
    best = (0, 0)
    for x, _ in intervals:
        count = sum(1 for lo, hi in intervals if lo <= x <= hi)
        if count > best[0] or (count == best[0] and x < best[1]):
            best = (count, x)
    return best
