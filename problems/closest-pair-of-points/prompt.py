def closest_pair_sq(points: list[tuple[int, int]]) -> int:
    """Return the smallest squared Euclidean distance between two of the given points.

    ``points`` holds between 2 and 2 * 10**5 integer points (x, y) with
    -10**9 <= x, y <= 10**9. Two entries at different positions of the list count as a pair
    even when they are the same point (the answer is then 0). The squared distance of
    (x1, y1) and (x2, y2) is (x1 - x2)**2 + (y1 - y2)**2, an exact integer.

    >>> closest_pair_sq([(0, 0), (5, 5), (1, 2), (9, 0)])
    5
    >>> closest_pair_sq([(3, 4), (3, 4)])
    0
    >>> closest_pair_sq([(0, 0), (0, 10), (0, 3), (0, 7)])
    9
    """
