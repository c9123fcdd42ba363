from collections import deque


def recurrence_terms(coeffs: list[int], first: list[int], queries: list[int], modulus: int) -> list[int]:
    """Step the recurrence forward term by term for every query: O(sum of q * k)."""
    k = len(coeffs)
    rev = coeffs[::-1]
    out = []
    for q in queries:
        if q < k:
            out.append(first[q] % modulus)
            continue
        window = deque(first, maxlen=k)
        for _ in range(q - k + 1):
            window.append(sum(c * x for c, x in zip(rev, window, strict=True)) % modulus)
        out.append(window[-1])
    return out
