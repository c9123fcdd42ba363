def convex_hull(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Andrew's monotone chain: sort once, build lower and upper chains with a stack,
    popping on non-left turns so collinear points are dropped. O(n log n).
    """
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def chain(seq: list[tuple[int, int]]) -> list[tuple[int, int]]:
        h: list[tuple[int, int]] = []
        pop, push = h.pop, h.append
        for p in seq:
            x, y = p
            while len(h) >= 2:
                x1, y1 = h[-2]
                x2, y2 = h[-1]
                if (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1) > 0:
                    break
                pop()
            push(p)
        return h

    lower = chain(pts)
    pts.reverse()
    upper = chain(pts)
    return lower[:-1] + upper[:-1]
