def min_total_travel_cost(positions: list[int], trips: list[int]) -> int:
    """The optimum sits at some customer: try each distinct position, O(n^2)."""
    best = None
    for p in set(positions):
        cost = 0
        for x, w in zip(positions, trips, strict=True):
            cost += w * abs(x - p)
        if best is None or cost < best:
            best = cost
    return best
