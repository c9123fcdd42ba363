def window_maxima(values: list[int], k: int) -> list[int]:
    """Take max() of every window slice: O(n * k)."""
    return [max(values[i:i + k]) for i in range(len(values) - k + 1)]
