from itertools import accumulate, islice
from operator import ne

_MOD = (1 << 61) - 1
_BASE = 1_000_003


def longest_repeat(s: str) -> int:
    """Polynomial rolling hash with galloping + binary search on the length.

    A length L is feasible when two windows of length L are equal; feasibility is
    monotone in L. Each test hashes all windows in one comprehension and lets a dict
    spot a duplicate; a duplicate hash is confirmed by comparing the substrings, so hash
    collisions can never produce a wrong answer. O(n log n) expected.
    """
    n = len(s)
    if n < 2:
        return 0
    mod, base = _MOD, _BASE
    h = list(accumulate(map(ord, s), lambda acc, c: (acc * base + c) % mod, initial=0))

    def feasible(length: int) -> bool:
        p = pow(base, length, mod)
        hs = [(a - b * p) % mod for a, b in zip(islice(h, length, None), h, strict=False)]
        m = len(hs)
        if len(set(hs)) == m:
            return False  # all hashes distinct, so all windows distinct
        last = dict(zip(hs, range(m), strict=True))
        # The first index whose hash occurs again later: confirm with a real comparison.
        owner = list(map(last.__getitem__, hs))
        i = list(map(ne, owner, range(m))).index(True)
        j = owner[i]
        if s[i:i + length] == s[j:j + length]:
            return True
        # A genuine 61-bit collision (practically never): check every group exactly.
        groups: dict[int, list[int]] = {}
        for idx, x in enumerate(hs):
            groups.setdefault(x, []).append(idx)
        for starts in groups.values():
            if len(starts) > 1 and len({s[t:t + length] for t in starts}) < len(starts):
                return True
        return False

    # Gallop: find lo feasible and hi infeasible, then binary search in between.
    if not feasible(1):
        return 0
    lo, hi = 1, 2
    while hi < n and feasible(hi):
        lo, hi = hi, hi * 2
    hi = min(hi, n)  # a window of length n occurs once, so n is infeasible
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if feasible(mid):
            lo = mid
        else:
            hi = mid
    return lo
