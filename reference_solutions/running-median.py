from heapq import heappush, heappushpop


def running_medians(stream: list[int]) -> list[int]:
    """Two heaps: O(log n) per arrival.

    ``low`` (a max-heap of negated values) holds the smaller half, ``high`` the larger;
    ``low`` is never smaller than ``high`` and at most one longer, so the
    lower median is always -low[0]. Each arrival is one heappushpop plus one heappush:
    O(log n) per element, no rebalancing branches.
    """
    low: list[int] = []
    high: list[int] = []
    result = []
    append = result.append
    for x in stream:
        if len(low) == len(high):
            # x joins the upper half, whose smallest element moves down.
            heappush(low, -heappushpop(high, x))
        else:
            # x joins the lower half, whose largest element moves up.
            heappush(high, -heappushpop(low, -x))
        append(-low[0])
    return result
