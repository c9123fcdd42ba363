def busiest_point(intervals: list[tuple[int, int]]) -> tuple[int, int]:
    """Find the integer point covered by the most intervals.

    Each pair (l, r) in ``intervals`` is the closed interval of integers x with
    l <= x <= r, where -10**9 <= l <= r <= 10**9; there are between 1 and 2 * 10**5 of
    them. Return a tuple (count, point): the largest number of intervals that contain a
    common integer point, and the smallest integer point contained in that many.

    >>> busiest_point([(1, 5), (2, 3), (4, 8), (3, 4)])
    (3, 3)
    >>> busiest_point([(0, 1), (1, 2)])
    (2, 1)
    >>> busiest_point([(5, 5), (7, 9)])
    (1, 5)
    """
