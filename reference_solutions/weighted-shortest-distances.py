from heapq import heappop, heappush


def shortest_distances(n: int, edges: list[tuple[int, int, int]], source: int) -> list[int]:
    """Dijkstra with a binary heap and lazy deletion: O((n + m) log m).

    Adjacency lists hold the input triples themselves (no new tuples); a push happens
    only when it improves the best known distance, and stale heap entries are skipped.
    """
    adj: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
    for e in edges:
        adj[e[0]].append(e)
    inf = 1 << 62
    best = [inf] * n
    best[source] = 0
    heap = [(0, source)]
    pop, push = heappop, heappush
    while heap:
        d, u = pop(heap)
        if d != best[u]:
            continue
        for _, v, w in adj[u]:
            nd = d + w
            if nd < best[v]:
                best[v] = nd
                push(heap, (nd, v))
    return [-1 if x == inf else x for x in best]
