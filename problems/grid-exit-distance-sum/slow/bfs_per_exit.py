from collections import deque


def exit_distance_sum(grid: list[str]) -> int:
    """One BFS from every exit, keeping the minimum per cell: O(exits * cells)."""
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    best = {}
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] != "E":
                continue
            dist = {(r, c): 0}
            queue = deque([(r, c)])
            while queue:
                cr, cc = queue.popleft()
                for nr, nc in ((cr - 1, cc), (cr + 1, cc), (cr, cc - 1), (cr, cc + 1)):
                    if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] != "#" and (nr, nc) not in dist:
                        dist[(nr, nc)] = dist[(cr, cc)] + 1
                        queue.append((nr, nc))
            for cell, d in dist.items():
                if cell not in best or d < best[cell]:
                    best[cell] = d
    return sum(best.values())
