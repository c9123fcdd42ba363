def sum_of_slice_minimums(values: list[int]) -> int:
    """Return the sum, over every non-empty contiguous slice of ``values``, of its minimum.

    There are n * (n + 1) / 2 slices ``values[i:j]`` with 0 <= i < j <= n; add up
    ``min(values[i:j])`` for all of them and return the exact total (0 for an empty list).

    Constraints: 0 <= len(values) <= 300_000; -10**9 <= values[i] <= 10**9.

    >>> sum_of_slice_minimums([3, 1, 2, 4])
    17
    >>> sum_of_slice_minimums([2, 2])
    6
    >>> sum_of_slice_minimums([-1, 5])
    3
    """
