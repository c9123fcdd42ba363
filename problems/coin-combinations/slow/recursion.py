import sys


def count_coin_combinations(coins: list[int], amount: int) -> int:
    """Plain recursion without memoisation: either use coin i again or move past it."""
    sys.setrecursionlimit(max(10_000, 4 * amount + 100))

    def ways(i: int, rest: int) -> int:
        if rest == 0:
            return 1
        if rest < 0 or i == len(coins):
            return 0
        return ways(i, rest - coins[i]) + ways(i + 1, rest)

    return ways(0, amount)
