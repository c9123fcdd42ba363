def count_pair_sums_in_range(values: list[int], low: int, high: int) -> int:
    """Test every pair: O(n^2)."""
    n = len(values)
    count = 0
    for i in range(n):
        for j in range(i + 1, n):
            if low <= values[i] + values[j] <= high:
                count += 1
    return count
