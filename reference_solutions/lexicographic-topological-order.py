from heapq import heapify, heappop, heappush


def course_order(n: int, prerequisites: list[tuple[int, int]]) -> list[int]:
    """Kahn's algorithm with a min-heap of available vertices: O((n + m) log n)."""
    succ: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for a, b in prerequisites:
        succ[a].append(b)
        indeg[b] += 1
    heap = [v for v in range(n) if not indeg[v]]
    heapify(heap)
    order = []
    take = order.append
    pop, push = heappop, heappush
    while heap:
        u = pop(heap)
        take(u)
        for v in succ[u]:
            indeg[v] -= 1
            if not indeg[v]:
                push(heap, v)
    return order if len(order) == n else []
