def count_divisors(values: list[int]) -> list[int]:
    """Count divisor pairs (d, v // d) by trial division up to sqrt(v): O(len * sqrt(max))."""
    out = []
    for v in values:
        count = 0
        d = 1
        while d * d <= v:
            if v % d == 0:
                count += 1 if d * d == v else 2
            d += 1
        out.append(count)
    return out
