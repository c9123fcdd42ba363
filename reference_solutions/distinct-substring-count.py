def count_distinct_substrings(s: str) -> int:
    """Suffix automaton built online: appending a character adds exactly
    len(state) - len(link(state)) new distinct substrings. O(n) states and transitions.
    """
    length = [0]
    link = [-1]
    trans: list[dict[str, int]] = [{}]
    last = 0
    total = 0
    for c in s:
        cur = len(length)
        length.append(length[last] + 1)
        link.append(0)
        trans.append({})
        p = last
        while p != -1 and c not in trans[p]:
            trans[p][c] = cur
            p = link[p]
        if p != -1:
            q = trans[p][c]
            if length[p] + 1 == length[q]:
                link[cur] = q
            else:
                clone = len(length)
                length.append(length[p] + 1)
                link.append(link[q])
                trans.append(trans[q].copy())
                while p != -1 and trans[p].get(c) == q:
                    trans[p][c] = clone
                    p = link[p]
                link[q] = clone
                link[cur] = clone
        last = cur
        total += length[cur] - length[link[cur]]
    return total
