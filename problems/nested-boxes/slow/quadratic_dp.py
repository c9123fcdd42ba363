def max_nested_boxes(boxes: list[tuple[int, int]]) -> int:
    """Sort by width, then the O(n^2) longest-chain DP."""
    items = sorted(boxes)
    n = len(items)
    best = [1] * n
    for i in range(n):
        wi, hi = items[i]
        for j in range(i):
            wj, hj = items[j]
            if wj < wi and hj < hi and best[j] + 1 > best[i]:
                best[i] = best[j] + 1
    return max(best, default=0)
