def closest_pair_sq(points: list[tuple[int, int]]) -> int:
    """Compare every pair of points: O(n^2)."""
    best = None
    n = len(points)
    for i in range(n):
        x1, y1 = points[i]
        for j in range(i + 1, n):
            x2, y2 = points[j]
            d = (x1 - x2) ** 2 + (y1 - y2) ** 2
            if best is None or d < best:
                best = d
    return best
