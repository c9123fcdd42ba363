from collections import deque


def answer_link_queries(n: int, operations: list[tuple[int, int, int]]) -> list[bool]:
    """Keep adjacency lists and run a breadth-first search for every question."""
    adjacency = [[] for _ in range(n)]
    answers = []
    for kind, a, b in operations:
        if kind == 0:
            adjacency[a].append(b)
            adjacency[b].append(a)
            continue
        seen = {a}
        queue = deque([a])
        found = a == b
        while queue and not found:
            node = queue.popleft()
            for nxt in adjacency[node]:
                if nxt == b:
                    found = True
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        answers.append(found)
    return answers
