"""Inputs for grid-exit-distance-sum: edge cases, then square grids of side ``size``."""

import random

EDGE_CASES = [
    ([],),
    (["E"],),
    (["."],),
    (["E.."],),
    (["...", ".E.", "..."],),
    (["E#.", ".#."],),
    (["###", "#E#", "###"],),
    (["E...E"],),
    (["..#..", ".E#..", "###..", "....E"],),
]


def _random_grid(rng: random.Random, side: int, wall: float, exits: int) -> list[str]:
    cells = [["#" if rng.random() < wall else "." for _ in range(side)] for _ in range(side)]
    for _ in range(exits):
        cells[rng.randrange(side)][rng.randrange(side)] = "E"
    return ["".join(row) for row in cells]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call: a ``size`` x ``size`` grid."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    side = size
    if case == 0:  # many exits: one search per exit is very slow
        return (_random_grid(rng, side, 0.25, side * side // 150),)
    if case == 1:  # a serpentine corridor with a single exit: distances up to side^2 / 2
        rows = []
        for r in range(side):
            if r % 2 == 0:
                rows.append("." * side)
            elif r % 4 == 1:
                rows.append("#" * (side - 1) + ".")
            else:
                rows.append("." + "#" * (side - 1))
        rows[0] = "E" + rows[0][1:]
        return (rows,)
    if case == 2:  # open floor with exits every few cells along the border
        cells = [["."] * side for _ in range(side)]
        for i in range(0, side, 7):
            cells[0][i] = cells[side - 1][i] = cells[i][0] = cells[i][side - 1] = "E"
        return (["".join(row) for row in cells],)
    return (_random_grid(rng, side, 0.4, side),)  # dense walls: many unreachable pockets
