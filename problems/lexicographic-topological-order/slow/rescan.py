def course_order(n: int, prerequisites: list[tuple[int, int]]) -> list[int]:
    """Repeatedly scan all courses for the smallest unlocked one: O(n^2 + n * m)."""
    indeg = [0] * n
    for _, b in prerequisites:
        indeg[b] += 1
    taken = [False] * n
    order = []
    for _ in range(n):
        pick = -1
        for v in range(n):
            if not taken[v] and indeg[v] == 0:
                pick = v
                break
        if pick == -1:
            return []
        taken[pick] = True
        order.append(pick)
        for a, b in prerequisites:
            if a == pick:
                indeg[b] -= 1
    return order
