def count_twin_primes(n: int) -> int:
    """Return the number of twin prime pairs not exceeding ``n``: pairs (p, p + 2) in
    which both p and p + 2 are prime and p + 2 <= n. 0 <= n <= 5 * 10**7.

    >>> count_twin_primes(10)
    2
    >>> count_twin_primes(13)
    3
    >>> count_twin_primes(4)
    0
    """
