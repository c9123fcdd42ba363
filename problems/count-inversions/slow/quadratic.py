def count_inversions(values: list[int]) -> int:
    """The naive double loop: O(n^2)."""
    n = len(values)
    return sum(1 for i in range(n) for j in range(i + 1, n) if values[i] > values[j])
