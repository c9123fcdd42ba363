def count_bipartite_components(n: int, edges: list[tuple[int, int]]) -> int:
    """BFS colouring that finds neighbours by scanning the whole edge list: O(n * m)."""
    color = [-1] * n
    count = 0
    for start in range(n):
        if color[start] != -1:
            continue
        color[start] = 0
        queue = [start]
        ok = True
        while queue:
            u = queue.pop(0)
            for a, b in edges:
                if a == u:
                    v = b
                elif b == u:
                    v = a
                else:
                    continue
                if color[v] == -1:
                    color[v] = 1 - color[u]
                    queue.append(v)
                elif color[v] == color[u]:
                    ok = False
        if ok:
            count += 1
    return count
