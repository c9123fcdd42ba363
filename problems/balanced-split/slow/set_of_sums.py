def min_split_difference(weights: list[int]) -> int:
    """Grow the set of reachable subset sums item by item: O(n * total) set operations."""
    total = sum(weights)
    sums = {0}
    for w in weights:
        sums = sums | {s + w for s in sums}
    return min(abs(total - 2 * s) for s in sums)
