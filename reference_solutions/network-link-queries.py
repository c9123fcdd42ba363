def answer_link_queries(n: int, operations: list[tuple[int, int, int]]) -> list[bool]:
    """Disjoint-set union with union by size and path halving, inlined for speed.

    Each operation costs O(alpha(n)) amortised; the find loops are written out in place
    (no function calls), which matters more than anything else in CPython.
    """
    parent = list(range(n))
    size = [1] * n
    answers = []
    append = answers.append
    for kind, a, b in operations:
        while parent[a] != a:
            parent[a] = a = parent[parent[a]]
        while parent[b] != b:
            parent[b] = b = parent[parent[b]]
        if kind:
            append(a == b)
        elif a != b:
            if size[a] < size[b]:
                a, b = b, a
            parent[b] = a
            size[a] += size[b]
    return answers
