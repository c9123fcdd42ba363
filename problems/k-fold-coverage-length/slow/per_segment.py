from itertools import pairwise


def covered_at_least(intervals: list[tuple[int, int]], k: int) -> int:
    """Cut the line at every endpoint and count the intervals over each piece: O(n^2)."""
    xs = sorted({x for interval in intervals for x in interval})
    total = 0
    for a, b in pairwise(xs):
        depth = sum(1 for lo, hi in intervals if lo <= a and b <= hi)
        if depth >= k:
            total += b - a
    return total
