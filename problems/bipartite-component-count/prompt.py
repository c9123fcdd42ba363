def count_bipartite_components(n: int, edges: list[tuple[int, int]]) -> int:
    """Count the connected components of an undirected graph that are bipartite.

    The vertices are 0 .. n - 1 (1 <= n <= 2 * 10**5) and each pair (u, v) in ``edges`` is
    an undirected edge (pairs may repeat; u == v is a self-loop). A component is
    bipartite when its vertices can be coloured with two colours so that every edge joins
    different colours; a vertex with a self-loop makes its component non-bipartite, and a
    vertex without edges is a bipartite component on its own.

    >>> count_bipartite_components(5, [(0, 1), (1, 2), (2, 0), (3, 4)])
    1
    >>> count_bipartite_components(3, [])
    3
    >>> count_bipartite_components(4, [(0, 1), (1, 2), (2, 3), (3, 0), (2, 2)])
    0
    """
