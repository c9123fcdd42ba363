from bisect import bisect_left, bisect_right
from functools import partial
from operator import sub


def busiest_point(intervals: list[tuple[int, int]]) -> tuple[int, int]:
    """Sort the left and right ends separately; the coverage of x is
    #(l <= x) - #(r < x), found by binary search. The smallest best point is always a
    left end (moving left from any other point loses no interval), so only left ends are
    candidates. O(n log n), with the per-candidate work done by bisect in C.
    """
    starts = sorted([lo for lo, _ in intervals])
    ends = sorted([r for _, r in intervals])
    counts = list(map(sub, map(partial(bisect_right, starts), starts),
                      map(partial(bisect_left, ends), starts)))
    best = max(counts)
    return (best, starts[counts.index(best)])
