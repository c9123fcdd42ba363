from itertools import accumulate
from operator import add


def count_coin_combinations(coins: list[int], amount: int) -> int:
    """Unbounded-knapsack counting, O(amount * len(coins)), with the inner loop in C.

    Adding coin c turns ``ways`` into its running sums along stride c
    (ways[i] += ways[i - c] in increasing i). For a small c that is ``accumulate`` over
    each of the c residue classes; for a large c it is a map(add) over each of the
    amount / c blocks of length c. Either way there are at most sqrt(amount) Python-level
    steps per coin. The last coin only needs the one residue class of ``amount``.
    """
    usable = [c for c in coins if c <= amount]
    if not usable:
        return 1 if amount == 0 else 0
    ways = [1] + [0] * amount
    for c in usable[:-1]:
        if c * c <= amount:
            for r in range(c):
                ways[r::c] = accumulate(ways[r::c])
        else:
            for start in range(c, amount + 1, c):
                ways[start:start + c] = map(add, ways[start:start + c], ways[start - c:start])
    return sum(ways[amount::-usable[-1]])
