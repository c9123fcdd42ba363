from collections import Counter


def hamming_histogram(codes: list[str]) -> list[int]:
    """Codes as integers; per row, XOR + popcount + counting all run inside C iterators.

    For each code x, ``map(x.__xor__, rest)`` XORs it with every later code,
    ``map(int.bit_count, ...)`` turns that into distances and ``Counter.update`` tallies
    them with its C fast path, so there is no Python bytecode per pair. Equal codes are
    merged first: a group of c equal codes contributes c * (c - 1) / 2 pairs at distance 0
    and weights every distance to another group by the product of the group sizes.
    """
    length = len(codes[0])
    groups = Counter(map(int, codes, [2] * len(codes)))
    histogram = [0] * (length + 1)
    histogram[0] = sum(c * (c - 1) for c in groups.values()) // 2
    distinct = list(groups)
    weights = [groups[x] for x in distinct]
    bit_count = int.bit_count
    if all(w == 1 for w in weights):
        tally: Counter[int] = Counter()
        update = tally.update
        for i, x in enumerate(distinct):
            update(map(bit_count, map(x.__xor__, distinct[i + 1:])))
        for d, c in tally.items():
            histogram[d] += c
        return histogram
    for i, x in enumerate(distinct):
        wx = weights[i]
        for d, w in zip(map(bit_count, map(x.__xor__, distinct[i + 1:])), weights[i + 1:], strict=True):
            histogram[d] += wx * w
    return histogram
