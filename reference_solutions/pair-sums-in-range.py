from bisect import bisect_right
from itertools import repeat
from operator import sub


def count_pair_sums_in_range(values: list[int], low: int, high: int) -> int:
    """Sort once, then count pairs with sum <= t for t = high and t = low - 1.

    For sorted a, the pairs i < j with a[i] + a[j] <= t number
    sum_j bisect_right(a, t - a[j], 0, j); both counts run inside map/bisect (C),
    so the whole thing is O(n log n) with no Python-level loop.
    """
    a = sorted(values)
    n = len(a)
    if n < 2:
        return 0
    positions = range(n)

    def at_most(t: int) -> int:
        return sum(map(bisect_right, repeat(a, n), map(sub, repeat(t, n), a), repeat(0, n), positions))

    return at_most(high) - at_most(low - 1)
