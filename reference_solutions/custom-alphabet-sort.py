import string


def sort_by_alphabet(words: list[str], alphabet: str) -> list[str]:
    """Relabel the letters so the invented order becomes plain a..z order, sort, map back.

    ``str.translate`` on one joined string recodes every word in a single C pass (the
    words have no newlines, so a newline separates them safely); the recoded words sort
    with ordinary C string comparisons, and one more join/translate/split restores the
    original letters. No Python code runs per letter or per comparison.
    """
    if not words:
        return []
    encode = str.maketrans(alphabet, string.ascii_lowercase)
    decode = str.maketrans(string.ascii_lowercase, alphabet)
    recoded = "\n".join(words).translate(encode).split("\n")
    recoded.sort()
    return "\n".join(recoded).translate(decode).split("\n")
