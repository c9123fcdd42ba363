def count_in_ranges(values: list[int], queries: list[tuple[int, int]]) -> list[int]:
    """Answer many counting queries over one fixed list of integers.

    For each query ``(lo, hi)`` count the elements ``v`` of ``values`` with
    ``lo <= v <= hi`` (an empty count when ``lo > hi``). Return the counts as a list, in
    query order.

    Constraints: 0 <= len(values), len(queries) <= 80_000; every number (values, lo, hi)
    lies in [-10**9, 10**9].

    >>> count_in_ranges([5, 1, 9, 5, 3], [(1, 5), (6, 8), (5, 5), (4, 2)])
    [4, 0, 2, 0]
    >>> count_in_ranges([], [(0, 10)])
    [0]
    >>> count_in_ranges([-3, 7], [])
    []
    """
