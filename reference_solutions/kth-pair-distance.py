from bisect import bisect_left
from itertools import repeat
from operator import sub


def kth_pair_distance(values: list[int], k: int) -> int:
    """Binary search on the answer d, counting pairs at distance <= d in one C-level pass.

    After sorting, the pairs (i, j), i < j, with a[j] - a[i] <= d number
    sum_j (j - bisect_left(a, a[j] - d)); the smallest d with count >= k is the answer.
    O(n log n + n log n log W) with every inner step inside map/bisect.
    """
    a = sorted(values)
    n = len(a)
    base = n * (n - 1) // 2  # sum of j over j = 0 .. n-1
    lo, hi = 0, a[-1] - a[0]
    while lo < hi:
        mid = (lo + hi) // 2
        count = base - sum(map(bisect_left, repeat(a, n), map(sub, a, repeat(mid, n))))
        if count >= k:
            hi = mid
        else:
            lo = mid + 1
    return lo
