def count_coin_combinations(coins: list[int], amount: int) -> int:
    """Count the ways to pay ``amount`` exactly with coins of the given denominations.

    There is an unlimited supply of every denomination in ``coins`` (all distinct). Two
    ways are the same when they use the same number of coins of every denomination, i.e.
    the order of the coins does not matter. Paying 0 has exactly one way (no coins).
    Return the exact count (it can be a very large integer).

    Constraints: 0 <= len(coins) <= 50; coins are distinct, 1 <= coins[i] <= 10**5;
    0 <= amount <= 60_000.

    >>> count_coin_combinations([1, 2, 5], 5)
    4
    >>> count_coin_combinations([2], 3)
    0
    >>> count_coin_combinations([3, 7], 0)
    1
    """
