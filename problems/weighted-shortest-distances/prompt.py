def shortest_distances(n: int, edges: list[tuple[int, int, int]], source: int) -> list[int]:
    """Return the length of a shortest path from ``source`` to every vertex of a directed
    graph with non-negative edge weights.

    The vertices are 0 .. n - 1 (1 <= n <= 10**5) and ``edges`` holds triples (u, v, w):
    a one-way edge from u to v of weight w, 0 <= w <= 10**9. Parallel edges and self-loops
    may occur. The result is a list of n integers: element v is the smallest total weight
    of a path from ``source`` to v (0 for ``source`` itself), or -1 when v cannot be
    reached.

    >>> shortest_distances(4, [(0, 1, 5), (0, 2, 1), (2, 1, 2)], 0)
    [0, 3, 1, -1]
    >>> shortest_distances(3, [(1, 0, 7), (2, 1, 0)], 2)
    [7, 0, 0]
    >>> shortest_distances(1, [], 0)
    [0]
    """
