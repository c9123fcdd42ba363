from bisect import bisect_left
from operator import itemgetter


def max_nested_boxes(boxes: list[tuple[int, int]]) -> int:
    """Sort by width ascending and height descending, then patience-sort the heights.

    Within one width the heights come in falling order, so a strictly increasing run of
    heights never takes two boxes of the same width; the longest strictly increasing
    subsequence of the heights is the answer. O(n log n).
    """
    # Two stable C-level sorts instead of a Python key function (height desc, then width asc).
    order = sorted(boxes, key=itemgetter(1), reverse=True)
    order.sort(key=itemgetter(0))
    tails: list[int] = []
    append = tails.append
    search = bisect_left
    length = 0
    for h in map(itemgetter(1), order):
        i = search(tails, h)
        if i == length:
            append(h)
            length += 1
        else:
            tails[i] = h
    return length
