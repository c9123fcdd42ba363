def sort_by_alphabet(words: list[str], alphabet: str) -> list[str]:
    """Sort by the list of letter ranks of each word (built in Python per letter)."""
    rank = {letter: i for i, letter in enumerate(alphabet)}
    return sorted(words, key=lambda word: [rank[c] for c in word])
