def best_knapsack_value(items: list[tuple[int, int]], capacity: int) -> int:
    """Choose items of largest total value whose total weight fits into a knapsack.

    Each item is a ``(weight, value)`` pair and can be taken at most once. Return the
    largest total value of a set of items whose total weight is at most ``capacity``
    (0 when nothing fits).

    Constraints: 0 <= len(items) <= 200; 1 <= weight <= 10**6; 0 <= value <= 10**6;
    0 <= capacity <= 20_000.

    >>> best_knapsack_value([(3, 4), (4, 5), (2, 3)], 6)
    8
    >>> best_knapsack_value([(5, 10)], 4)
    0
    >>> best_knapsack_value([(1, 1), (1, 1), (1, 1)], 2)
    2
    """
