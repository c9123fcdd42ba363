def min_total_travel_cost(positions: list[int], trips: list[int]) -> int:
    """Place a depot on a straight road so that the total travel cost is as small as possible.

    Customer i lives at integer coordinate ``positions[i]`` and makes ``trips[i]`` trips to
    the depot. A depot at integer coordinate ``p`` costs
    ``sum(trips[i] * abs(positions[i] - p) for every i)``. Return the minimum cost over all
    integer ``p`` (several customers may share a coordinate).

    Constraints: 1 <= n = len(positions) == len(trips) <= 200_000;
    -10**9 <= positions[i] <= 10**9; 1 <= trips[i] <= 10**4.

    >>> min_total_travel_cost([0, 10], [1, 1])
    10
    >>> min_total_travel_cost([1, 2, 10], [1, 1, 5])
    17
    >>> min_total_travel_cost([-4, 6, 6], [3, 1, 2])
    30
    """
