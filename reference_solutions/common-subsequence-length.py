def lcs_length(first: str, second: str) -> int:
    """Bit-parallel LCS (Allison-Dix, in Hyyro's formulation): O(n * m / w).

    Bit i of ``row`` is 1 while position i of ``first`` is still "unused" by the current
    row of the DP; for each character c of ``second`` with match mask M,
    U = row & M and row = (row + U) | (row - U). The LCS length is the number of zero bits
    in the low n bits at the end. Python big ints do the word-level work in C.
    """
    if len(first) < len(second):
        first, second = second, first  # the longer string becomes the bit vector
    n = len(first)
    if not second:
        return 0
    full = (1 << n) - 1
    # One translate per distinct character builds its match mask as a binary string.
    reversed_first = first[::-1]
    zeros = dict.fromkeys(map(ord, set(first)), "0")
    masks = {}
    for ch in set(first):
        table = dict(zeros)
        table[ord(ch)] = "1"
        masks[ch] = int(reversed_first.translate(table), 2)
    row = full
    get = masks.get
    for ch in second:
        m = get(ch)
        if m is None:
            continue
        u = row & m
        row = ((row + u) | (row - u)) & full
    return n - row.bit_count()
