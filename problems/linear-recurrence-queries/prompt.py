def recurrence_terms(coeffs: list[int], first: list[int], queries: list[int], modulus: int) -> list[int]:
    """Evaluate far terms of a linear recurrence modulo ``modulus``.

    With k = len(coeffs) = len(first) (1 <= k <= 10), the sequence a is defined by
    a[i] = first[i] for 0 <= i < k and, for i >= k,
    a[i] = (coeffs[0] * a[i - 1] + coeffs[1] * a[i - 2] + ... + coeffs[k - 1] * a[i - k]) % modulus.
    All coefficients and first terms are in [0, modulus), 2 <= modulus <= 2**31, and every
    query index q satisfies 0 <= q <= 10**18. There are at most 500 queries. Return the
    list [a[q] for q in queries].

    >>> recurrence_terms([1, 1], [0, 1], [0, 1, 2, 10, 50], 1000)
    [0, 1, 1, 55, 25]
    >>> recurrence_terms([2], [3], [0, 1, 5], 100)
    [3, 6, 96]
    >>> recurrence_terms([0, 0, 1], [1, 2, 3], [3, 4, 7], 10)
    [1, 2, 2]
    """
