from math import isqrt


def count_divisors(values: list[int]) -> list[int]:
    """Smallest-prime-factor sieve up to max(values), then factorise each value by
    repeated lookups: d(p1^e1 ... pr^er) = (e1 + 1) ... (er + 1).

    The sieve is filled by slice assignment in C: striking multiples of the primes from
    the largest to the smallest leaves the smallest prime factor in every cell.
    """
    if not values:
        return []
    top = max(values)
    spf = list(range(top + 1))
    root = isqrt(top)
    small = bytearray([1]) * (root + 1)
    primes = []
    for p in range(2, root + 1):
        if small[p]:
            primes.append(p)
            small[p * p::p] = bytes(len(range(p * p, root + 1, p)))
    for p in reversed(primes):
        spf[p * p::p] = [p] * len(range(p * p, top + 1, p))
    cache: dict[int, int] = {}
    out = []
    push = out.append
    for v in values:
        d = cache.get(v)
        if d is None:
            d = 1
            x = v
            while x > 1:
                p = spf[x]
                x //= p
                e = 2
                while spf[x] == p:
                    x //= p
                    e += 1
                d *= e
            cache[v] = d
        push(d)
    return out
