"""Helpers that imported ENAMEL generators call, written for codeeff.

ENAMEL's stress-input generators (``generate_input(size, lid, cid)``) call a few helper
functions that their CSV does not define. This module provides our own implementations with the
same meaning, so the imported generators run unchanged:

* :func:`rand_parens`: a random balanced (or deliberately unbalanced) bracket string;
* :func:`rand_primality`: an integer of a primality class chosen by the test case, for problems
  about primes and factors;
* :func:`rand_probably_prime`: a random (probable) prime in a range;
* :func:`miller_rabin`: a primality test.

It also provides :class:`OrderedSet`: the importer rewrites the set expressions of a generator
(``set(xs)``, ``{a, b}``, ``{x for ...}``) into it, because iterating a builtin set of strings
follows Python's per-process hash seed, which would make the inputs differ between runs.

Like ENAMEL's generators, the helpers draw from the global :mod:`random` module.
:func:`call_enamel_generator` seeds it from codeeff's per-test ``random.Random`` before the call
and restores the previous state afterwards, so imported generators are deterministic functions
of (problem, level, case, seed) and leave no trace in the process.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, MutableSet
from typing import Any

__all__ = [
    "HELPER_NAMES",
    "OrderedSet",
    "call_enamel_generator",
    "miller_rabin",
    "rand_parens",
    "rand_primality",
    "rand_probably_prime",
]

HELPER_NAMES = ("rand_parens", "rand_primality", "rand_probably_prime", "miller_rabin")
"""The helper names an imported generator may use without defining them."""

# Bases that make Miller-Rabin deterministic for n < 3.3e24 (the first 13 primes).
_MR_BASES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
# Below this span, primes in a range are listed exhaustively instead of sampled.
_SMALL_SPAN = 4096


def miller_rabin(n: int) -> bool:
    """Return whether ``n`` is prime, by the Miller-Rabin test.

    With the first 13 primes as bases the answer is exact for every ``n < 3.3 * 10**24`` and
    a strong probable-prime test beyond. Negative numbers, 0 and 1 are not prime.
    """
    if n < 2:
        return False
    for p in _MR_BASES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in _MR_BASES:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def rand_probably_prime(lo: int, hi: int | None = None) -> int:
    """Return a random prime in ``[2, lo]``, or in ``[lo, hi]`` when ``hi`` is given.

    Large ranges are sampled by rejection (uniform integers until one passes
    :func:`miller_rabin`), so the prime is usually of the magnitude of the upper bound; small
    ranges are listed exhaustively.

    Raises:
        ValueError: if the range holds no prime.
    """
    lo, hi = (2, lo) if hi is None else (lo, hi)
    lo = max(lo, 2)
    if hi < lo:
        raise ValueError(f"no prime in [{lo}, {hi}]")
    if hi - lo < _SMALL_SPAN:
        primes = [n for n in range(lo, hi + 1) if miller_rabin(n)]
        if not primes:
            raise ValueError(f"no prime in [{lo}, {hi}]")
        return random.choice(primes)
    # The density of primes near x is 1/ln x, so 100 ln(hi) draws fail with probability
    # about e^-100; scan as a fallback so that the function always terminates.
    for _ in range(100 * hi.bit_length()):
        n = random.randint(lo, hi)
        if miller_rabin(n):
            return n
    n = random.randint(lo, hi)  # pragma: no cover - astronomically unlikely
    while not miller_rabin(n):  # pragma: no cover
        n = n + 1 if n < hi else lo
    return n  # pragma: no cover


def _prime_near(x: int) -> int:
    """A random prime in ``(x // 2, x]`` (non-empty for x >= 2 by Bertrand's postulate)."""
    x = max(x, 2)
    return rand_probably_prime(x // 2 + 1, x)


def _isqrt_floor(x: int) -> int:
    r = int(x**0.5)
    while r * r > x:
        r -= 1
    while (r + 1) * (r + 1) <= x:
        r += 1
    return r


def rand_primality(size: int, lid: int, cid: int) -> int:
    """Return an integer of at most about ``size`` whose primality class depends on ``cid``.

    Problems about primes (is it prime, its factors, its largest divisor) need both primes and
    composites that are hard for trial division. ``cid % 8`` picks the class:

    ====  ==========================================================================
    0     a random composite in ``[size/2, size]``
    1     ``2 * p``, ``p`` a prime near ``size / 2``
    2     a prime near ``size``
    3     ``p * p``, ``p`` a prime near ``sqrt(size)``
    4     ``q * p``, ``q`` a small prime (<= ``size ** (1/3)``), ``p`` a prime near ``size / q``
    5     ``p * q``, both primes near ``sqrt(size)``
    6     1
    7     2
    ====  ==========================================================================

    Classes 0, 1, 3, 4 and 5 are composites greater than 1 (for problems that assume so);
    classes 6 and 7 are the edge cases of level 0. ``lid`` is accepted for the ENAMEL signature
    and does not change the class.
    """
    del lid
    size = max(int(size), 4)
    kind = cid % 8
    if kind == 0:
        lo = max(size // 2, 4)
        if size - lo < _SMALL_SPAN:
            composites = [n for n in range(lo, size + 1) if not miller_rabin(n)]
            return random.choice(composites) if composites else 4
        while True:
            n = random.randint(lo, size)
            if not miller_rabin(n):
                return n
    if kind == 1:
        return 2 * _prime_near(size // 2)
    if kind == 2:
        return _prime_near(size)
    if kind == 3:
        p = _prime_near(_isqrt_floor(size))
        return p * p
    if kind == 4:
        q = rand_probably_prime(max(2, round(size ** (1 / 3))))
        return q * _prime_near(size // q)
    if kind == 5:
        root = _isqrt_floor(size)
        return _prime_near(root) * _prime_near(root)
    return 1 if kind == 6 else 2


def rand_parens(size: int, sep: str = "", valid: bool = True, par: str = "()") -> str:
    """Return a random string of about ``size`` brackets.

    The string has ``max(1, (size + 1) // 2)`` pairs of ``par[0]``/``par[1]``, drawn as a random
    walk that never goes below depth 0 (so it is a sequence of balanced top-level groups);
    ``sep`` is inserted between top-level groups. With ``valid=False`` one bracket is flipped,
    which unbalances the counts, so the string is never balanced.
    """
    opening, closing = par[0], par[1]
    pairs = max(1, (int(size) + 1) // 2)
    chars: list[str] = []
    opens_left, depth = pairs, 0
    while opens_left or depth:
        # Open with probability proportional to the opens left, but only when depth allows.
        if depth == 0 or (opens_left and random.random() * (opens_left + depth) < opens_left):
            chars.append(opening)
            opens_left -= 1
            depth += 1
        else:
            chars.append(closing)
            depth -= 1
            if depth == 0 and opens_left and sep:
                chars.append(sep)
    if not valid:
        positions = [i for i, c in enumerate(chars) if c in (opening, closing)]
        i = random.choice(positions)
        chars[i] = closing if chars[i] == opening else opening
    return "".join(chars)


class OrderedSet(MutableSet):
    """A set that iterates in insertion order, whatever the hash seed.

    Set operations (``-``, ``|``, ``&``, ``^``) keep the left operand's order.
    """

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self._items: dict[Any, None] = dict.fromkeys(items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, value: Any) -> None:
        """Add ``value`` at the end (no-op if present)."""
        self._items[value] = None

    def discard(self, value: Any) -> None:
        """Remove ``value`` if present."""
        self._items.pop(value, None)

    def __repr__(self) -> str:
        return f"OrderedSet({list(self._items)!r})"


def _plain(value: Any) -> Any:
    """Replace OrderedSets inside lists, tuples and dicts by builtin sets."""
    t = type(value)
    if t is OrderedSet:
        return set(value)
    if t is list or t is tuple:
        return t(_plain(v) for v in value)
    if t is dict:
        return {k: _plain(v) for k, v in value.items()}
    return value


def call_enamel_generator(
    generate_input: Callable[[int, int, int], object],
    size: int,
    level: int,
    case: int,
    rng: random.Random,
    *,
    ordered_sets: bool = False,
) -> tuple:
    """Call ENAMEL's ``generate_input(size, lid, cid)`` with the global ``random`` seeded from
    ``rng``, restore the global state afterwards, and return the arguments as a tuple.

    Args:
        ordered_sets: The generator was rewritten to use :class:`OrderedSet`; turn any that it
            returns back into builtin sets.
    """
    saved = random.getstate()
    random.seed(rng.getrandbits(64))
    try:
        args = generate_input(size, level, case)
    finally:
        random.setstate(saved)
    if ordered_sets:
        args = _plain(args)
    return tuple(args) if isinstance(args, list) else args  # type: ignore[return-value]
