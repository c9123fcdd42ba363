def best_knapsack_value(items: list[tuple[int, int]], capacity: int) -> int:
    """Recursively try taking or skipping every item (no memoisation): O(2^n)."""
    n = len(items)

    def best(i: int, room: int) -> int:
        if i == n:
            return 0
        weight, value = items[i]
        result = best(i + 1, room)
        if weight <= room:
            result = max(result, value + best(i + 1, room - weight))
        return result

    return best(0, capacity)
