def gcd_pair_sum(n: int) -> int:
    """Return the sum of gcd(i, j) over all pairs of integers 1 <= i < j <= n.

    0 <= n <= 10**7 (the result is an exact integer; it grows roughly like n^2 log n).

    >>> gcd_pair_sum(3)
    3
    >>> gcd_pair_sum(4)
    7
    >>> gcd_pair_sum(1)
    0
    """
