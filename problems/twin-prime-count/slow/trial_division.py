def count_twin_primes(n: int) -> int:
    """Test every candidate by trial division up to its square root: O(n sqrt n)."""

    def is_prime(k: int) -> bool:
        if k < 2:
            return False
        if k % 2 == 0:
            return k == 2
        d = 3
        while d * d <= k:
            if k % d == 0:
                return False
            d += 2
        return True

    return sum(1 for p in range(2, n - 1) if is_prime(p) and is_prime(p + 2))
