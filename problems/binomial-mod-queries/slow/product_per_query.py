_MOD = 1_000_000_007


def binomial_mod(queries: list[tuple[int, int]]) -> list[int]:
    """Recompute every answer as a product of k factors and one inverse: O(sum of k)."""
    out = []
    for n, k in queries:
        if k > n:
            out.append(0)
            continue
        k = min(k, n - k)
        num = 1
        den = 1
        for i in range(k):
            num = num * (n - i) % _MOD
            den = den * (i + 1) % _MOD
        out.append(num * pow(den, _MOD - 2, _MOD) % _MOD)
    return out
