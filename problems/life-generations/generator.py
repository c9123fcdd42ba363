"""Inputs for life-generations: edge cases, then random soups and seeded patterns."""

import random

EDGE_CASES = [
    ([], 5),
    (["", ""], 3),
    (["#"], 1),
    (["##", "##"], 5),
    ([".....", "..#..", "..#..", "..#..", "....."], 1),
    ([".....", "..#..", "..#..", "..#..", "....."], 2),
    (["#.#", "...", "#.#"], 1),
    ([".#......", "..#.....", "###.....", "........", "........", "........"], 12),
    (["###", "###", "###"], 0),
    (["#.##.#", ".####.", "##..##", "#....#"], 3),
]

# The R-pentomino: a tiny seed that stays chaotic for about a thousand generations.
R_PENTOMINO = [(0, 1), (0, 2), (1, 0), (1, 1), (2, 1)]


def _soup(rows: int, cols: int, density: float, rng: random.Random) -> list[str]:
    return ["".join("#" if rng.random() < density else "." for _ in range(cols)) for _ in range(rows)]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return ``(grid, generations)`` for a board of about ``size`` x ``size`` cells."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    generations = 4 * size
    if case == 0:  # a dense random soup
        return (_soup(size, size, 0.4, rng), generations)
    if case == 1:  # several R-pentominoes: long-lived growth over an empty board
        cells = [["."] * size for _ in range(size)]
        for _ in range(max(1, size // 20)):
            top, left = rng.randrange(size - 3), rng.randrange(size - 3)
            for dy, dx in R_PENTOMINO:
                cells[top + dy][left + dx] = "#"
        return (["".join(row) for row in cells], generations)
    if case == 2:  # a wide board, half alive
        return (_soup(max(1, size // 2), 2 * size, 0.5, rng), generations)
    return (_soup(size, size, 0.25, rng), generations)
