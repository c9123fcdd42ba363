def sum_of_slice_minimums(values: list[int]) -> int:
    """Monotonic stack with a running "sum of minimums of slices ending here": O(n).

    Let ending be the total of min(values[i:j + 1]) over all i <= j. With p the last
    position before j holding a value < values[j] (found on a stack of increasing
    values), ending(j) = ending(p) + values[j] * (j - p): the slices starting after p have
    values[j] as their minimum, the others keep the minimum they had ending at p. Adding
    ending(j) over all j gives the answer. A sentinel below every value (at position -1,
    with ending 0) removes the empty-stack tests from the loop.
    """
    stack_values: list[float] = [float("-inf")]
    stack_index: list[int] = [-1]
    stack_ending: list[int] = [0]
    pop_v, pop_i, pop_e = stack_values.pop, stack_index.pop, stack_ending.pop
    push_v, push_i, push_e = stack_values.append, stack_index.append, stack_ending.append
    total = 0
    for j, x in enumerate(values):
        while stack_values[-1] >= x:
            pop_v()
            pop_i()
            pop_e()
        ending = stack_ending[-1] + x * (j - stack_index[-1])
        push_v(x)
        push_i(j)
        push_e(ending)
        total += ending
    return total
