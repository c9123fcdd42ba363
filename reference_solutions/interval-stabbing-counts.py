from bisect import bisect_left, bisect_right
from functools import partial
from operator import sub


def stab_counts(intervals: list[tuple[int, int]], points: list[int]) -> list[int]:
    """Sorted left ends and sorted right ends: a point x lies in
    #(l <= x) - #(r < x) intervals (every interval with r < x also has l <= x).
    Two binary searches per point, run by bisect in C. O((n + q) log n).
    """
    starts = sorted([lo for lo, _ in intervals])
    ends = sorted([r for _, r in intervals])
    return list(map(sub, map(partial(bisect_right, starts), points),
                    map(partial(bisect_left, ends), points)))
