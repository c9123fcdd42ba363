def count_bipartite_components(n: int, edges: list[tuple[int, int]]) -> int:
    """Two-colour each component by graph search over adjacency lists: O(n + m)."""
    adj: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        adj[u].append(v)
        adj[v].append(u)
    color = [-1] * n
    count = 0
    for start in range(n):
        if color[start] != -1:
            continue
        color[start] = 0
        if not adj[start]:
            count += 1
            continue
        ok = True
        stack = [start]
        pop, push = stack.pop, stack.append
        while stack:
            u = pop()
            cu = color[u]
            nc = 1 - cu
            for v in adj[u]:
                cv = color[v]
                if cv == -1:
                    color[v] = nc
                    push(v)
                elif cv == cu:
                    ok = False
        count += ok
    return count
