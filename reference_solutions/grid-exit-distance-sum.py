_WALL_TABLE = bytes.maketrans(b"#.E", b"\x01\x00\x00")


def exit_distance_sum(grid: list[str]) -> int:
    """Multi-source BFS from all exits at once, one frontier per distance. O(cells).

    The grid is flattened with a wall column on the right and wall rows above and below,
    so neighbours are index +-1 and +-width and never need bounds checks.
    """
    if not grid or not grid[0]:
        return 0
    width = len(grid[0]) + 1
    border = "#" * width
    flat = border + "#".join(grid) + "#" + border
    seen = bytearray(flat.encode().translate(_WALL_TABLE))  # 1 = wall or already reached
    frontier = []
    find = flat.find
    i = find("E")
    while i != -1:
        frontier.append(i)
        seen[i] = 1
        i = find("E", i + 1)
    total = 0
    dist = 0
    while frontier:
        total += dist * len(frontier)
        nxt = []
        push = nxt.append
        for v in frontier:
            u = v - 1
            if not seen[u]:
                seen[u] = 1
                push(u)
            u = v + 1
            if not seen[u]:
                seen[u] = 1
                push(u)
            u = v - width
            if not seen[u]:
                seen[u] = 1
                push(u)
            u = v + width
            if not seen[u]:
                seen[u] = 1
                push(u)
        frontier = nxt
        dist += 1
    return total
