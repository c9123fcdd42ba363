def count_subarrays_with_sum(values: list[int], target: int) -> int:
    """Extend every start position to the right with a running sum: O(n^2)."""
    n = len(values)
    count = 0
    for i in range(n):
        running = 0
        for j in range(i, n):
            running += values[j]
            if running == target:
                count += 1
    return count
