def kth_pair_distance(values: list[int], k: int) -> int:
    """Return the k-th smallest distance between two entries of ``values``.

    Every pair of positions i < j contributes one distance ``abs(values[i] - values[j])``,
    so there are ``n * (n - 1) // 2`` distances in total, duplicates included. Sort them
    in non-decreasing order and return the one at 1-based position ``k``.

    Constraints: 2 <= n = len(values) <= 30_000; 0 <= values[i] <= 10**9;
    1 <= k <= n * (n - 1) // 2.

    >>> kth_pair_distance([1, 6, 3], 1)
    2
    >>> kth_pair_distance([1, 6, 3], 3)
    5
    >>> kth_pair_distance([4, 4, 9, 4], 4)
    5
    """
