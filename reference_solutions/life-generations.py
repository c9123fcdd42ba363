_TO_BITS = str.maketrans("#.", "10")
_TO_CELLS = str.maketrans("10", "#.")


def life_after(grid: list[str], generations: int) -> list[str]:
    """The whole board as one big integer, advanced with bit-sliced adders.

    Rows are laid out with a stride of width + 1: the extra always-dead column stops
    horizontal shifts from wrapping into the next row, and shifts past the top or bottom
    fall off the integer. Per generation: the horizontal 3-cell sums of every cell
    (2-bit, sliced into two integers), then the sum of the three vertically adjacent
    horizontal sums (the 3x3 total, centre included), then the rule "total == 3, or
    total == 4 and alive", all as a few dozen whole-board bitwise operations. A board that
    stops changing ends the loop early.
    """
    height = len(grid)
    if height == 0:
        return []
    width = len(grid[0])
    if width == 0 or generations == 0:
        return list(grid)
    stride = width + 1
    # Bit p is text position p (row i, column j at p = i * stride + j).
    board = int(".".join(grid)[::-1].translate(_TO_BITS), 2)
    valid = int(".".join(["#" * width] * height)[::-1].translate(_TO_BITS), 2)
    for _ in range(generations):
        left = board << 1
        right = board >> 1
        lb = left ^ board
        h0 = lb ^ right
        h1 = (left & board) | (right & lb)
        a0, c0 = h0 << stride, h0 >> stride
        a1, c1 = h1 << stride, h1 >> stride
        ab = a0 ^ h0
        t0 = ab ^ c0
        k0 = (a0 & h0) | (c0 & ab)
        # Weight-2 bits a1, h1, c1, k0: their count q decides (total = t0 + 2q).
        s1, p1 = a1 ^ h1, a1 & h1
        s2, p2 = c1 ^ k0, c1 & k0
        q1 = (s1 ^ s2) & ~(p1 | p2)
        q2 = (s1 & s2) | ((p1 ^ p2) & ~(s1 | s2))
        nxt = ((t0 & q1) | (board & q2 & ~t0)) & valid
        if nxt == board:
            break
        board = nxt
    text = format(board, f"0{height * stride - 1}b")[::-1].translate(_TO_CELLS)
    return [text[i:i + width] for i in range(0, height * stride, stride)]
