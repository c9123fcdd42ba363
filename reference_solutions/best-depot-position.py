from bisect import bisect_left
from itertools import accumulate, repeat
from operator import itemgetter, mul, sub


def min_total_travel_cost(positions: list[int], trips: list[int]) -> int:
    """Closed form: the cost is minimised at a weighted median of the positions.

    Sort customers by position, find the first one whose cumulative weight reaches half of
    the total, then evaluate the cost there once. O(n log n), with every pass inside
    sorted/accumulate/bisect/map.
    """
    order = sorted(zip(positions, trips, strict=True), key=itemgetter(0))
    weights = list(map(itemgetter(1), order))
    cumulative = list(accumulate(weights))
    total = cumulative[-1]
    median = order[bisect_left(cumulative, (total + 1) // 2)][0]
    n = len(positions)
    return sum(map(mul, trips, map(abs, map(sub, positions, repeat(median, n)))))
