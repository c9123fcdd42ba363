def life_after(grid: list[str], generations: int) -> list[str]:
    """Run Conway's Game of Life on a bounded board and return the final board.

    ``grid`` is a list of equally long rows; ``'#'`` is a live cell and ``'.'`` a dead
    one. In one generation every cell looks at its 8 neighbours (horizontal, vertical,
    diagonal): a live cell with 2 or 3 live neighbours stays alive, a dead cell with
    exactly 3 live neighbours becomes alive, every other cell is dead afterwards. All
    cells update at the same time. Cells outside the board are always dead (no wrapping).
    Return the board after ``generations`` generations in the same format (a new list of
    strings).

    Constraints: 0 <= rows, columns <= 800 (no rows: ``[]``; rows may be empty strings);
    0 <= generations <= 2_000.

    >>> life_after([".....", "..#..", "..#..", "..#..", "....."], 1)
    ['.....', '.....', '.###.', '.....', '.....']
    >>> life_after(["##", "##"], 5)
    ['##', '##']
    >>> life_after(["#.#", "...", "#.#"], 1)
    ['...', '...', '...']
    """
