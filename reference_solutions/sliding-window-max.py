from collections import deque


def window_maxima(values: list[int], k: int) -> list[int]:
    """Monotonic deque of indices: O(n), each index pushed and popped at most once.

    The deque holds indices whose values strictly decrease from front to back; a new value
    first evicts every smaller-or-equal value at the back (they can never be a maximum
    again), and the front leaves once it slides out of the window. The first k - 1
    elements are handled in a separate loop so the main loop has no "window full yet?"
    test, and the deque methods are bound to locals. (Measured: this beats block
    prefix/suffix maxima built with ``accumulate(..., max)`` in CPython, because calling
    the builtin ``max`` per element costs more than the deque bookkeeping.)
    """
    window: deque[int] = deque()
    pop = window.pop
    push = window.append
    popleft = window.popleft
    for i in range(k - 1):
        x = values[i]
        while window and values[window[-1]] <= x:
            pop()
        push(i)
    out = []
    append = out.append
    for i in range(k - 1, len(values)):
        x = values[i]
        while window and values[window[-1]] <= x:
            pop()
        push(i)
        if window[0] <= i - k:
            popleft()
        append(values[window[0]])
    return out
