def stab_counts(intervals: list[tuple[int, int]], points: list[int]) -> list[int]:
    """For every query point, count the intervals that contain it.

    Each pair (l, r) in ``intervals`` is the closed interval l <= x <= r with
    -10**9 <= l <= r <= 10**9; ``points`` holds integers in the same range. There are up to
    2 * 10**5 intervals and 2 * 10**5 points. Return a list with one count per point, in
    the order of ``points``.

    >>> stab_counts([(1, 4), (3, 6), (6, 6)], [0, 3, 6, 7])
    [0, 2, 2, 0]
    >>> stab_counts([], [5])
    [0]
    >>> stab_counts([(-2, 2)], [-2, 2, 2])
    [1, 1, 1]
    """
