def convex_hull(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the corners of the convex hull of a set of integer points.

    ``points`` holds between 1 and 2 * 10**5 points (x, y) with |x|, |y| <= 4 * 10**9;
    the same point may appear more than once. Return the hull's corners as a list of
    (x, y) tuples in counter-clockwise order, starting from the smallest point in
    (x, y) order. A point on a hull edge that is not a corner is left out, and every
    corner appears once. If all points coincide, return that single point; if all points
    lie on one line, return its two extreme points, smaller first.

    >>> convex_hull([(0, 0), (2, 0), (1, 1), (2, 2), (0, 2), (1, 0)])
    [(0, 0), (2, 0), (2, 2), (0, 2)]
    >>> convex_hull([(3, 3), (1, 1), (2, 2)])
    [(1, 1), (3, 3)]
    >>> convex_hull([(5, -1), (5, -1)])
    [(5, -1)]
    """
