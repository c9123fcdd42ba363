def life_after(grid: list[str], generations: int) -> list[str]:
    """Count the 8 neighbours of every cell with bounds checks, generation by generation."""
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    board = [[ch == "#" for ch in row] for row in grid]
    for _ in range(generations):
        new = [[False] * cols for _ in range(rows)]
        for i in range(rows):
            for j in range(cols):
                live = 0
                for di in (-1, 0, 1):
                    for dj in (-1, 0, 1):
                        if di == 0 and dj == 0:
                            continue
                        y, x = i + di, j + dj
                        if 0 <= y < rows and 0 <= x < cols and board[y][x]:
                            live += 1
                new[i][j] = live == 3 or (live == 2 and board[i][j])
        board = new
    return ["".join("#" if cell else "." for cell in row) for row in board]
