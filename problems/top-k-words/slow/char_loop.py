def top_words(text: str, k: int) -> list[tuple[str, int]]:
    """Scan the text one character at a time, building words and counting them in a dict."""
    counts = {}
    word = ""
    for ch in text + " ":
        if "a" <= ch <= "z" or "A" <= ch <= "Z":
            word += ch.lower()
        elif word:
            counts[word] = counts.get(word, 0) + 1
            word = ""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:k]
