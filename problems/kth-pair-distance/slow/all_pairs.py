def kth_pair_distance(values: list[int], k: int) -> int:
    """List every pairwise distance and sort them: O(n^2 log n) time, O(n^2) memory."""
    n = len(values)
    distances = []
    for i in range(n):
        for j in range(i + 1, n):
            distances.append(abs(values[i] - values[j]))
    distances.sort()
    return distances[k - 1]
