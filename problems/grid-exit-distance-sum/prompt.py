def exit_distance_sum(grid: list[str]) -> int:
    """Sum, over all walkable cells of a grid, the distance to the nearest exit.

    ``grid`` is a list of equally long strings; each character is ``'.'`` (floor),
    ``'#'`` (wall) or ``'E'`` (an exit, also walkable). One step moves to the cell directly
    above, below, left or right, never into a wall and never off the grid. The distance of
    a walkable cell is the fewest steps from it to any exit (0 for an exit itself).
    Cells from which no exit can be reached are left out of the sum. The grid may be
    empty and has at most about 10**6 cells.

    >>> exit_distance_sum(["E..", "...", "..."])
    18
    >>> exit_distance_sum(["E#.", ".#."])
    1
    >>> exit_distance_sum(["E...E"])
    4
    """
