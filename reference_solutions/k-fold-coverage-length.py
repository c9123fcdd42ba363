from itertools import accumulate, compress, islice
from operator import sub


def covered_at_least(intervals: list[tuple[int, int]], k: int) -> int:
    """Sweep line over the sorted endpoints: O(n log n).

    Each endpoint is packed into one integer (2x + 1 for a start, 2x for an end) so a
    single sort orders the events; running sums give the coverage after each event and
    the gaps to the next event are added where that coverage is at least k. Every step
    is a C-level pass (sorted, accumulate, map, compress, sum).
    """
    if not intervals:
        return 0
    events = [2 * lo + 1 for lo, _ in intervals]
    events += [2 * r for _, r in intervals]
    events.sort()
    xs = [e >> 1 for e in events]
    depth = accumulate([2 * (e & 1) - 1 for e in events])
    gaps = map(sub, islice(xs, 1, None), xs)
    return sum(compress(gaps, map(k.__le__, depth)))
