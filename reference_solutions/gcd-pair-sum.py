from itertools import accumulate


def gcd_pair_sum(n: int) -> int:
    """Group pairs by their gcd d: the pairs with gcd d are d times the coprime pairs
    i < j <= n // d, and there are Phi(m) - 1 of those, Phi(m) = phi(1) + ... + phi(m).
    So the answer is the sum over d of d * (Phi(n // d) - 1), taken over the O(sqrt n)
    blocks of equal n // d.

    Phi is sieved up to about n^(2/3); the few larger values n // d come from
    Phi(v) = v(v + 1) / 2 - sum over g >= 2 of Phi(v // g), again by blocks, in
    increasing v so every term needed is known. O(n^(2/3)) overall.
    """
    if n < 2:
        return 0
    cube = round(n ** (1 / 3))
    limit = min(n, max(100, 2 * cube * cube))
    phi = list(range(limit + 1))
    for p in range(2, limit + 1):
        if phi[p] == p:  # untouched so far: p is prime
            phi[p::p] = [x - x // p for x in phi[p::p]]
    small = list(accumulate(phi))  # small[m] = Phi(m), small[0] = 0
    # big[d] = Phi(n // d) for every d with n // d > limit.
    dmax = n // (limit + 1)
    big = [0] * (dmax + 1)
    for d in range(dmax, 0, -1):
        v = n // d
        total = v * (v + 1) // 2
        g = 2
        while g <= v:
            q = v // g
            g2 = v // q
            total -= (g2 - g + 1) * (small[q] if q <= limit else big[d * g])
            g = g2 + 1
        big[d] = total
    answer = 0
    d = 1
    while d <= n:
        q = n // d
        d2 = n // q
        phi_q = small[q] if q <= limit else big[d]
        answer += (d + d2) * (d2 - d + 1) // 2 * (phi_q - 1)
        d = d2 + 1
    return answer
