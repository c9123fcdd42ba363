def answer_link_queries(n: int, operations: list[tuple[int, int, int]]) -> list[bool]:
    """Process cable installations and connectivity questions on a network, in order.

    The network has computers ``0 .. n-1`` and starts with no cables. Each operation is a
    triple ``(kind, a, b)``:

    - ``kind == 0``: install a cable between computers ``a`` and ``b``;
    - ``kind == 1``: ask whether ``a`` and ``b`` can currently reach each other through
      cables (a computer always reaches itself).

    Return the answers to the questions, in order, as a list of bools.

    Constraints: 1 <= n <= 160_000; 0 <= len(operations) <= 160_000; 0 <= a, b < n.

    >>> answer_link_queries(4, [(1, 0, 1), (0, 0, 1), (0, 2, 1), (1, 0, 2), (1, 3, 2)])
    [False, True, False]
    >>> answer_link_queries(2, [(1, 1, 1), (0, 0, 0), (1, 0, 1)])
    [True, False]
    """
