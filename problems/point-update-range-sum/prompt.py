def process_range_sums(values: list[int], operations: list[tuple[int, int, int]]) -> list[int]:
    """Apply point assignments to a list and answer range-sum questions, in order.

    Each operation is a triple:

    - ``(0, i, x)``: set ``values[i] = x``;
    - ``(1, lo, hi)``: report ``values[lo] + ... + values[hi]`` (inclusive, lo <= hi)
      as the list currently stands.

    Return the reported sums in order.

    Constraints: 1 <= len(values) <= 60_000; 0 <= len(operations) <= 60_000;
    all values and x lie in [-10**9, 10**9]; indices are valid.

    >>> process_range_sums([1, 2, 3, 4], [(1, 0, 3), (0, 2, 10), (1, 1, 2), (1, 3, 3)])
    [10, 12, 4]
    >>> process_range_sums([5], [(0, 0, -5), (1, 0, 0)])
    [-5]
    """
