def window_maxima(values: list[int], k: int) -> list[int]:
    """Return the maximum of every contiguous window of ``k`` consecutive values.

    Element i of the result is ``max(values[i:i + k])`` for i = 0 .. len(values) - k, so
    the result has ``len(values) - k + 1`` elements, left to right.

    Constraints: 1 <= k <= len(values) <= 300_000; -10**9 <= values[i] <= 10**9.

    >>> window_maxima([1, 3, -1, -3, 5, 3, 6, 7], 3)
    [3, 3, 5, 5, 6, 7]
    >>> window_maxima([4, 2], 2)
    [4]
    >>> window_maxima([9, 8, 7], 1)
    [9, 8, 7]
    """
