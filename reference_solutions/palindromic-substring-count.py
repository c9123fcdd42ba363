def count_palindromes(s: str) -> int:
    """Manacher's algorithm over s interleaved with separators: O(n).

    The text is mapped to code points and interleaved with a separator code (-3), with
    distinct sentinels at both ends (-1, -2); negative codes can never equal a
    character, whatever characters s contains. The radius r at position i counts
    (r + 1) // 2 palindromes centred there, for odd and even centres alike.
    """
    n = len(s)
    if n == 0:
        return 0
    t = [-3] * (2 * n + 3)
    t[0] = -1
    t[-1] = -2
    t[2:2 * n + 1:2] = map(ord, s)
    m = len(t)
    rad = [0] * m
    center = right = 0
    total = 0
    for i in range(1, m - 1):
        if i < right:
            r = rad[2 * center - i]
            if r > right - i:
                r = right - i
        else:
            r = 0
        while t[i + r + 1] == t[i - r - 1]:
            r += 1
        rad[i] = r
        if i + r > right:
            center, right = i, i + r
        total += (r + 1) >> 1
    return total
