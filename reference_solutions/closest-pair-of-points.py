from itertools import islice
from math import isqrt
from random import Random

_W = 1 << 34  # cell key = cx * _W + cy; |cy| < 2**32 so keys never collide
_OFFSETS = tuple(dx * _W + dy for dx in (-1, 0, 1) for dy in (-1, 0, 1))


def closest_pair_sq(points: list[tuple[int, int]]) -> int:
    """Randomised incremental grid (Rabin; Khuller and Matias): expected O(n).

    Points are inserted in a shuffled order into a hash grid whose cell side is the
    ceiling of the current closest distance, so a closer point can only sit in the 3 x 3
    block of cells around a new point and every cell holds O(1) points. When a new point
    improves the distance the grid is rebuilt; in a random order point i does so with
    probability at most 2 / i, so the rebuilds cost O(n) in expectation. The shuffle uses
    a fixed seed, so the result and the work are deterministic; the answer never depends
    on the order.
    """
    n = len(points)
    if len(set(points)) < n:
        return 0
    pts = list(points)
    Random(20261128).shuffle(pts)
    (x0, y0), (x1, y1) = pts[0], pts[1]
    best = (x0 - x1) ** 2 + (y0 - y1) ** 2

    def build(count: int) -> tuple[int, dict[int, list[tuple[int, int]]]]:
        side = isqrt(best - 1) + 1
        grid: dict[int, list[tuple[int, int]]] = {}
        for p in islice(pts, count):
            key = p[0] // side * _W + p[1] // side
            cell = grid.get(key)
            if cell is None:
                grid[key] = [p]
            else:
                cell.append(p)
        return side, grid

    side, grid = build(2)
    get = grid.get
    for i in range(2, n):
        p = pts[i]
        x, y = p
        base = x // side * _W + y // side
        found = best
        for off in _OFFSETS:
            cell = get(base + off)
            if cell:
                for qx, qy in cell:
                    d = (qx - x) ** 2 + (qy - y) ** 2
                    if d < found:
                        found = d
        if found < best:
            best = found
            side, grid = build(i + 1)
            get = grid.get
        else:
            cell = get(base)
            if cell is None:
                grid[base] = [p]
            else:
                cell.append(p)
    return best
