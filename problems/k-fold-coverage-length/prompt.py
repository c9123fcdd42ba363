def covered_at_least(intervals: list[tuple[int, int]], k: int) -> int:
    """Return the total length of the part of the number line covered by at least ``k``
    of the given intervals.

    Each pair (l, r) in ``intervals`` is the half-open interval [l, r) of real numbers
    x with l <= x < r, where -10**9 <= l <= r <= 10**9 (l == r is an empty interval). There
    are up to 2 * 10**5 intervals and 1 <= k. The answer is an exact integer.

    >>> covered_at_least([(0, 4), (2, 6), (5, 8)], 2)
    3
    >>> covered_at_least([(0, 4), (2, 6), (5, 8)], 1)
    8
    >>> covered_at_least([(0, 2), (2, 4)], 2)
    0
    """
