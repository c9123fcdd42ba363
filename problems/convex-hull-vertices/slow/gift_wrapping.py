def convex_hull(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Jarvis march (gift wrapping): scan all points for each corner, O(n * h)."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts
    start = pts[0]
    hull = [start]
    cur = start
    while True:
        cand = None
        for p in pts:
            if p == cur:
                continue
            if cand is None:
                cand = p
                continue
            cross = (cand[0] - cur[0]) * (p[1] - cur[1]) - (cand[1] - cur[1]) * (p[0] - cur[0])
            if cross < 0:
                cand = p
            elif cross == 0:
                d_p = (p[0] - cur[0]) ** 2 + (p[1] - cur[1]) ** 2
                d_c = (cand[0] - cur[0]) ** 2 + (cand[1] - cur[1]) ** 2
                if d_p > d_c:
                    cand = p
        if cand == start:
            break
        hull.append(cand)
        cur = cand
    return hull
