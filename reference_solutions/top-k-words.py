from collections import Counter
from heapq import nlargest
from itertools import compress
from operator import itemgetter

# Byte table: ASCII letters map to lowercase, every other byte to a space. UTF-8 encodes
# non-ASCII characters with bytes >= 0x80 only, so they can never form part of a word.
_TABLE = bytes(
    b + 32 if 65 <= b <= 90 else b if 97 <= b <= 122 else 32 for b in range(256)
)


def top_words(text: str, k: int) -> list[tuple[str, int]]:
    """Tokenise with one bytes.translate + split, count with Counter, select by threshold.

    Everything per character happens in C (encode, translate, split); per word only the
    C-level Counter update runs. Selection avoids a Python key function per distinct
    word: the k-th largest count (``nlargest`` on plain ints) is a threshold, ``compress``
    keeps the items at or above it, and only those few are sorted, by word and then
    stably by count. Comparing ASCII bytes orders words exactly as comparing the decoded
    strings would.
    """
    counts = Counter(text.encode().translate(_TABLE).split())
    if not counts:
        return []
    threshold = nlargest(k, counts.values())[-1]
    chosen = list(compress(counts.items(), map(threshold.__le__, counts.values())))
    chosen.sort(key=itemgetter(0))
    chosen.sort(key=itemgetter(1), reverse=True)
    return [(word.decode(), count) for word, count in chosen[:k]]
