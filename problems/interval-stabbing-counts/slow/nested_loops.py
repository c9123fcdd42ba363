def stab_counts(intervals: list[tuple[int, int]], points: list[int]) -> list[int]:
    """Test every interval against every point: O(n * q)."""
    return [sum(1 for lo, hi in intervals if lo <= x <= hi) for x in points]
