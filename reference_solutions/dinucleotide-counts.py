_LETTERS = "ACGT"
# For each letter, a byte table that turns the sequence into a binary numeral with a 1
# exactly where that letter stands.
_TABLES = {
    x: bytes.maketrans(b"ACGT", bytes(49 if y == ord(x) else 48 for y in b"ACGT")) for x in "ACG"
}


def dinucleotide_counts(sequence: str) -> dict[str, int]:
    """Bit-parallel counting: one big-int mask per letter, one AND + popcount per pair.

    Parsed as a binary numeral, position i of the sequence is bit n - 1 - i, so shifting
    the mask of x right by one lines each x up with the letter after it; the number of
    "xy" pairs is then ``((mask[x] >> 1) & mask[y]).bit_count()``. Building a mask is a
    C-level translate plus a linear base-2 parse, and T's mask is the complement of the
    other three, so nothing runs per letter in Python.
    """
    n = len(sequence)
    if n < 2:
        return {x + y: 0 for x in _LETTERS for y in _LETTERS}
    data = sequence.encode("ascii")
    masks = {x: int(data.translate(table), 2) for x, table in _TABLES.items()}
    masks["T"] = ((1 << n) - 1) ^ (masks["A"] | masks["C"] | masks["G"])
    result = {}
    for x in _LETTERS:
        before = masks[x] >> 1
        for y in _LETTERS:
            result[x + y] = (before & masks[y]).bit_count()
    return result
