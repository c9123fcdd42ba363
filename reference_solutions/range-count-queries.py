from bisect import bisect_left, bisect_right
from itertools import repeat
from operator import sub


def count_in_ranges(values: list[int], queries: list[tuple[int, int]]) -> list[int]:
    """Sort once; each query is two binary searches: O((n + q) log n), all inside C loops.

    An inverted range (lo > hi) would give a negative difference, so it is clamped at 0.
    """
    if not queries:
        return []
    a = sorted(values)
    lows, highs = zip(*queries, strict=True)
    q = len(queries)
    counts = map(sub, map(bisect_right, repeat(a, q), highs), map(bisect_left, repeat(a, q), lows))
    return [c if c > 0 else 0 for c in counts]
