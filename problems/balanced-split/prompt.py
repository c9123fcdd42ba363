def min_split_difference(weights: list[int]) -> int:
    """Split the items into two groups whose total weights are as close as possible.

    Every item goes into exactly one of the two groups (a group may be empty). Return the
    smallest possible value of ``abs(total of group A - total of group B)``.

    Constraints: 0 <= len(weights) <= 1_000; 1 <= weights[i] <= 10_000.

    >>> min_split_difference([3, 1, 4, 2, 2])
    0
    >>> min_split_difference([10, 3, 3])
    4
    >>> min_split_difference([7])
    7
    """
