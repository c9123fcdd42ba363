def count_inversions(values: list[int]) -> int:
    """Return the number of inversions in ``values``: pairs of positions i < j with
    values[i] > values[j].

    >>> count_inversions([2, 4, 1, 3, 5])
    3
    >>> count_inversions([1, 2, 3])
    0
    >>> count_inversions([3, 3, 1])
    2
    """
