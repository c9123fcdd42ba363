def min_split_difference(weights: list[int]) -> int:
    """Subset-sum reachability as a bitset held in one Python int: O(n * total / w).

    Bit s of ``reach`` is set when some subset sums to s; adding an item of weight w is
    ``reach |= reach << w``. Only sums up to total // 2 matter (the lighter group), so once
    the running total passes that bound the bitset is truncated to it. Items go in
    ascending order, which keeps the integers short for as long as possible, and the loop
    stops early when every sum up to the bound is reachable.
    """
    total = sum(weights)
    half = total // 2
    mask = (1 << (half + 1)) - 1
    reach = 1
    running = 0
    for w in sorted(weights):
        running += w
        if running <= half:  # no bit can pass the bound yet: skip the mask
            reach |= reach << w
        else:
            reach = (reach | (reach << w)) & mask
            if reach == mask:
                break
    best = reach.bit_length() - 1
    return total - 2 * best
