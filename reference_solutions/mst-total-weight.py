from operator import itemgetter


def minimum_spanning_weight(n: int, edges: list[tuple[int, int, int]]) -> int:
    """Kruskal: sort edges by weight, join components with a union-find
    (union by size, path halving), stop after n - 1 joins. O(m log m).
    """
    parent = list(range(n))
    size = [1] * n
    total = 0
    needed = n - 1
    if needed == 0:
        return 0
    for u, v, w in sorted(edges, key=itemgetter(2)):
        while parent[u] != u:
            parent[u] = u = parent[parent[u]]
        while parent[v] != v:
            parent[v] = v = parent[parent[v]]
        if u == v:
            continue
        if size[u] < size[v]:
            u, v = v, u
        parent[v] = u
        size[u] += size[v]
        total += w
        needed -= 1
        if not needed:
            return total
    return -1
