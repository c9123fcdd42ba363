def count_pair_sums_in_range(values: list[int], low: int, high: int) -> int:
    """Count the pairs of positions i < j with ``low <= values[i] + values[j] <= high``.

    Pairs are counted by position, so equal values at different positions are different
    pairs. Return 0 when fewer than two values are given.

    Constraints: 0 <= len(values) <= 200_000; -10**9 <= values[i] <= 10**9;
    -2 * 10**9 <= low <= high <= 2 * 10**9.

    >>> count_pair_sums_in_range([1, 7, 3, 5], 6, 8)
    3
    >>> count_pair_sums_in_range([2, 2, 2], 4, 4)
    3
    >>> count_pair_sums_in_range([-5, 0, 5], 1, 3)
    0
    """
