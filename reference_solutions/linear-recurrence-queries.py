from operator import mul


def recurrence_terms(coeffs: list[int], first: list[int], queries: list[int], modulus: int) -> list[int]:
    """Companion-matrix exponentiation with shared squarings.

    The state (a[t], ..., a[t + k - 1]) advances by one step when multiplied by the
    companion matrix C. The powers C^(2^j) are computed once for all queries; each query
    then applies the powers for the set bits of its index to the initial state,
    O(k^2) per bit. Total O(k^3 log N + queries * k^2 log N).
    """
    k = len(coeffs)
    m = modulus
    start = [x % m for x in first]
    top = max(queries, default=0)
    # Row i < k - 1 shifts the window; the last row applies the recurrence.
    comp = [[1 if c == r + 1 else 0 for c in range(k)] for r in range(k - 1)]
    comp.append([c % m for c in reversed(coeffs)])
    powers = [comp]
    for _ in range(max(0, top.bit_length() - 1)):
        a = powers[-1]
        cols = list(zip(*a, strict=True))
        powers.append([[sum(map(mul, row, col)) % m for col in cols] for row in a])
    out = []
    for q in queries:
        if q < k:
            out.append(start[q])
            continue
        v = start
        j = 0
        while q:
            if q & 1:
                v = [sum(map(mul, row, v)) % m for row in powers[j]]
            q >>= 1
            j += 1
        out.append(v[0])
    return out
