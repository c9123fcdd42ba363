from collections import Counter
from itertools import accumulate


def count_subarrays_with_sum(values: list[int], target: int) -> int:
    """Prefix sums and a hash map of how often each prefix sum has occurred: O(n).

    values[i:j] sums to target exactly when prefix[j] - prefix[i] == target, so each new
    prefix sum p adds the number of earlier prefixes equal to p - target. The prefix sums
    come from ``accumulate`` (C) and the dict methods are bound to locals. For target 0
    the order of the prefixes no longer matters (every pair of equal prefix sums counts),
    so a C-level ``Counter`` and a sum of c * (c - 1) / 2 do it all.
    """
    if target == 0:
        counts = Counter(accumulate(values, initial=0))
        return sum(c * (c - 1) for c in counts.values()) // 2
    seen = {0: 1}
    get = seen.get
    count = 0
    for p in accumulate(values):
        count += get(p - target, 0)
        seen[p] = get(p, 0) + 1
    return count
