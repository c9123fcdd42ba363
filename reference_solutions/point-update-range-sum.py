def process_range_sums(values: list[int], operations: list[tuple[int, int, int]]) -> list[int]:
    """Fenwick (binary indexed) tree: O(log n) per assignment and per question.

    The tree is built in O(n) by pushing each node's partial sum to its parent. A range
    sum is prefix(hi + 1) - prefix(lo); the two index walks are interleaved and stop as
    soon as they meet, so the part they would share is never summed at all.
    """
    n = len(values)
    current = list(values)
    tree = [0, *values]
    for i in range(1, n + 1):
        parent = i + (i & -i)
        if parent <= n:
            tree[parent] += tree[i]
    out = []
    append = out.append
    for kind, a, b in operations:
        if kind == 0:
            delta = b - current[a]
            if delta:
                current[a] = b
                i = a + 1
                while i <= n:
                    tree[i] += delta
                    i += i & -i
        else:
            total = 0
            i, j = b + 1, a
            while i != j:
                if i > j:
                    total += tree[i]
                    i &= i - 1
                else:
                    total -= tree[j]
                    j &= j - 1
            append(total)
    return out
