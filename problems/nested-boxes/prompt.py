def max_nested_boxes(boxes: list[tuple[int, int]]) -> int:
    """Return the length of the longest chain of boxes that nest inside one another.

    Each box is a ``(width, height)`` pair. Box A fits inside box B when A's width is
    strictly smaller than B's width AND A's height is strictly smaller than B's height
    (boxes cannot be rotated). A chain uses each box at most once and every box in it
    fits inside the next one. Return 0 for an empty list.

    Constraints: 0 <= len(boxes) <= 100_000; 1 <= width, height <= 10**6.

    >>> max_nested_boxes([(5, 4), (6, 4), (6, 7), (2, 3)])
    3
    >>> max_nested_boxes([(3, 3), (3, 3), (3, 3)])
    1
    >>> max_nested_boxes([(1, 9), (2, 8), (3, 7)])
    1
    """
