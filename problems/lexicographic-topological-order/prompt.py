def course_order(n: int, prerequisites: list[tuple[int, int]]) -> list[int]:
    """Order n courses, numbered 0 .. n - 1, so that every prerequisite comes first.

    Each pair (a, b) in ``prerequisites`` means course a must be taken before course b
    (pairs may repeat; a == b is an impossible requirement). Among all orders of the n
    courses that satisfy every pair, return the lexicographically smallest one as a list
    (compare the first course, then the second, and so on). Return an empty list when no
    order satisfies all pairs. 1 <= n <= 10**5.

    >>> course_order(4, [(2, 0), (1, 0), (3, 1)])
    [2, 3, 1, 0]
    >>> course_order(3, [])
    [0, 1, 2]
    >>> course_order(2, [(0, 1), (1, 0)])
    []
    """
