from itertools import accumulate

_MOD = 1_000_000_007


def binomial_mod(queries: list[tuple[int, int]]) -> list[int]:
    """Factorials and inverse factorials up to the largest n, then O(1) per query.

    Only one modular inverse is computed (Fermat: a^(p-2)); the other inverse factorials
    follow downwards from (i - 1)!^-1 = i!^-1 * i.
    """
    if not queries:
        return []
    mod = _MOD
    top = max(n for n, _ in queries)
    fact = list(accumulate(range(1, top + 1), lambda a, b: a * b % mod, initial=1))
    inv_top = pow(fact[top], mod - 2, mod)
    inv = list(accumulate(range(top, 0, -1), lambda a, b: a * b % mod, initial=inv_top))
    inv.reverse()  # inv[i] = (i!)^-1
    return [fact[n] * inv[k] % mod * inv[n - k] % mod if k <= n else 0 for n, k in queries]
