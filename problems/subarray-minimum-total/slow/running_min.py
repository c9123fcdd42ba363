def sum_of_slice_minimums(values: list[int]) -> int:
    """Extend every start to the right keeping a running minimum: O(n^2)."""
    n = len(values)
    total = 0
    for i in range(n):
        low = values[i]
        for j in range(i, n):
            if values[j] < low:
                low = values[j]
            total += low
    return total
