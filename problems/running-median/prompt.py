def running_medians(stream: list[int]) -> list[int]:
    """Report the median of all numbers seen so far after each number of a stream arrives.

    Element i of the result is the median of ``stream[0], ..., stream[i]``. When that
    prefix has an even number of elements, report the lower of the two middle values
    (the element at 0-based index ``(len - 1) // 2`` of the sorted prefix).

    Constraints: 0 <= len(stream) <= 200_000; -10**9 <= stream[i] <= 10**9.

    >>> running_medians([5, 2, 8, 1])
    [5, 2, 5, 2]
    >>> running_medians([3, 3, 3])
    [3, 3, 3]
    >>> running_medians([])
    []
    """
