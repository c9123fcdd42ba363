def count_inversions(values: list[int]) -> int:
    """Bottom-up merge sort counting the pairs each merge moves across: O(n log n)."""
    a = list(values)
    n = len(a)
    inversions = 0
    width = 1
    buf = [0] * n
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            if mid >= hi or a[mid - 1] <= a[mid]:
                buf[lo:hi] = a[lo:hi]
                continue
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if a[j] < a[i]:
                    buf[k] = a[j]
                    inversions += mid - i
                    j += 1
                else:
                    buf[k] = a[i]
                    i += 1
                k += 1
            buf[k:k + mid - i] = a[i:mid]
            k += mid - i
            buf[k:k + hi - j] = a[j:hi]
        a, buf = buf, a
        width *= 2
    return inversions
