def count_in_ranges(values: list[int], queries: list[tuple[int, int]]) -> list[int]:
    """Scan the whole list for every query: O(n * q)."""
    result = []
    for lo, hi in queries:
        count = 0
        for v in values:
            if lo <= v <= hi:
                count += 1
        result.append(count)
    return result
