from functools import cmp_to_key


def sort_by_alphabet(words: list[str], alphabet: str) -> list[str]:
    """A letter-by-letter comparison function wrapped with cmp_to_key."""
    rank = {letter: i for i, letter in enumerate(alphabet)}

    def compare(a: str, b: str) -> int:
        for x, y in zip(a, b, strict=False):
            if x != y:
                return rank[x] - rank[y]
        return len(a) - len(b)

    return sorted(words, key=cmp_to_key(compare))
