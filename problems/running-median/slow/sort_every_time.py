def running_medians(stream: list[int]) -> list[int]:
    """Sort the prefix again after every arrival: O(n^2 log n)."""
    seen = []
    result = []
    for x in stream:
        seen.append(x)
        ordered = sorted(seen)
        result.append(ordered[(len(ordered) - 1) // 2])
    return result
