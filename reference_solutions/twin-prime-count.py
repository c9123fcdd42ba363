from math import isqrt


def count_twin_primes(n: int) -> int:
    """Odd-only Eratosthenes sieve in a bytearray (slice assignment strikes multiples in
    C), then count adjacent prime bytes at once: as one big integer, byte i and byte
    i + 1 overlap after a shift by 8 bits, so the pairs are the set bits of x & (x >> 8).
    """
    if n < 5:
        return 0
    half = (n + 1) // 2  # index i stands for the odd number 2 * i + 1 <= n
    sieve = bytearray([1]) * half
    sieve[0] = 0  # 1 is not prime
    for i in range(1, (isqrt(n) - 1) // 2 + 1):
        if sieve[i]:
            p = 2 * i + 1
            start = p * p // 2
            sieve[start::p] = bytes((half - 1 - start) // p + 1)
    x = int.from_bytes(sieve, "little")
    return (x & (x >> 8)).bit_count()
