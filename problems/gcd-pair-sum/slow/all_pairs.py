from math import gcd


def gcd_pair_sum(n: int) -> int:
    """Sum gcd over every pair directly: O(n^2) gcd calls."""
    return sum(gcd(i, j) for i in range(1, n + 1) for j in range(i + 1, n + 1))
