def count_palindromes(s: str) -> int:
    """Manacher's algorithm on s with separators: O(n).

    In t = "^#s0#s1#...#$", the radius r at position i counts the palindromes centred
    there: (r + 1) // 2 of them for both odd and even centres, so the sum of those is the
    answer.
    """
    if not s:
        return 0
    t = "^#" + "#".join(s) + "#$"
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
