def binomial_mod(queries: list[tuple[int, int]]) -> list[int]:
    """Answer binomial-coefficient queries modulo the prime 1_000_000_007.

    Each query (n, k) has 0 <= n <= 10**6 and 0 <= k <= 10**6; its answer is the number of
    ways to choose k items out of n, C(n, k), reduced modulo 1_000_000_007, which is 0
    when k > n. There are up to 2 * 10**5 queries; return the answers in query order.

    >>> binomial_mod([(5, 2), (10, 0), (3, 4)])
    [10, 1, 0]
    >>> binomial_mod([(100, 50)])
    [538992043]
    >>> binomial_mod([])
    []
    """
