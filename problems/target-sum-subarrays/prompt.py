def count_subarrays_with_sum(values: list[int], target: int) -> int:
    """Count the non-empty contiguous slices of ``values`` whose elements add up to ``target``.

    A slice is a pair of positions i < j standing for ``values[i:j]``; slices at different
    positions count separately even when their contents are equal. Values may be negative
    or zero.

    Constraints: 0 <= len(values) <= 400_000; -1_000 <= values[i] <= 1_000;
    -10**9 <= target <= 10**9.

    >>> count_subarrays_with_sum([1, 2, 3, -3, 3], 3)
    5
    >>> count_subarrays_with_sum([0, 0, 0], 0)
    6
    >>> count_subarrays_with_sum([5, -5], 7)
    0
    """
