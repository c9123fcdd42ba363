def process_range_sums(values: list[int], operations: list[tuple[int, int, int]]) -> list[int]:
    """Assign in place and sum the slice for every question: O(n) per question."""
    values = list(values)
    out = []
    for kind, a, b in operations:
        if kind == 0:
            values[a] = b
        else:
            out.append(sum(values[a:b + 1]))
    return out
