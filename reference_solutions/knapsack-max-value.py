def best_knapsack_value(items: list[tuple[int, int]], capacity: int) -> int:
    """The O(n * capacity) 0/1-knapsack table, one whole row per item in C-level loops.

    best[j] is the largest value of a set of the items seen so far with weight <= j. An
    item (w, v) updates best[j] = max(best[j], best[j - w] + v) for j >= w, all from the
    old row, so the new slice is built from copies (a comprehension over zip). Items go
    lightest first and a row only extends to the total weight seen so far (``reach``):
    beyond it nothing new can fit, which skips most of the work of the early items. The
    answer is then the maximum over the row.
    """
    best = [0] * (capacity + 1)
    reach = 0
    for w, v in sorted(items):
        if w > capacity:
            break
        reach = min(capacity, reach + w)
        best[w:reach + 1] = [a if a > b else b for a, b in zip(best[w:reach + 1], map(v.__add__, best), strict=False)]
    return max(best)
