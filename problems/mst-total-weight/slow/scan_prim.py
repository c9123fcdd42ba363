def minimum_spanning_weight(n: int, edges: list[tuple[int, int, int]]) -> int:
    """Prim's algorithm with a linear scan for the cheapest fringe vertex: O(n^2 + m)."""
    adj = [[] for _ in range(n)]
    for u, v, w in edges:
        adj[u].append((v, w))
        adj[v].append((u, w))
    inf = float("inf")
    key = [inf] * n
    in_tree = [False] * n
    key[0] = 0
    total = 0
    for _ in range(n):
        u = -1
        for v in range(n):
            if not in_tree[v] and (u == -1 or key[v] < key[u]):
                u = v
        if key[u] == inf:
            return -1
        in_tree[u] = True
        total += key[u]
        for v, w in adj[u]:
            if not in_tree[v] and w < key[v]:
                key[v] = w
    return total
