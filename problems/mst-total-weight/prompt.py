def minimum_spanning_weight(n: int, edges: list[tuple[int, int, int]]) -> int:
    """Return the total weight of a minimum spanning tree of an undirected graph.

    The vertices are 0 .. n - 1 (1 <= n <= 10**5); each triple (u, v, w) in ``edges`` is
    an undirected edge between u and v of weight w, 0 <= w <= 10**9 (parallel edges and
    self-loops may occur). A spanning tree is a set of n - 1 edges connecting all
    vertices; return the smallest possible sum of its weights, or -1 when the graph is
    not connected. A single vertex needs no edges (answer 0).

    >>> minimum_spanning_weight(4, [(0, 1, 4), (1, 2, 1), (2, 3, 3), (0, 3, 2), (0, 2, 5)])
    6
    >>> minimum_spanning_weight(3, [(0, 1, 1)])
    -1
    >>> minimum_spanning_weight(1, [])
    0
    """
