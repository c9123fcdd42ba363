def count_divisors(values: list[int]) -> list[int]:
    """Return, for every integer in ``values``, how many positive divisors it has.

    1 <= v <= 10**6 for every v, and there are up to 2 * 10**5 values. The result has one
    integer per value, in the same order.

    >>> count_divisors([1, 12, 7, 36])
    [1, 6, 2, 9]
    >>> count_divisors([1000000])
    [49]
    >>> count_divisors([])
    []
    """
