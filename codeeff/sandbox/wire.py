"""The wire format: plain Python data as tagged JSON, with size and depth caps.

Arguments go into the sandbox and return values come out in this format; nothing is ever
pickled. This module imports only the standard library because the in-sandbox supervisor uses
it too (it is copied into the image).

JSON carries ``None``, ``bool``, ``str``, finite ``float``, small ``int``, ``list`` and
``dict`` with string keys natively. Everything else is a one-key object whose key starts with
``$``: ``$int`` (hex, for integers beyond 2**53; hex is not subject to Python's
int-to-decimal digit limit), ``$float`` (``nan``, ``inf``, ``-inf``), ``$tuple``, ``$set``,
``$frozenset``, ``$bytes`` (base64), ``$complex`` and ``$dict`` (a list of key/value pairs, for
dicts with non-string keys or keys starting with ``$``). Subclasses of the builtin containers and
scalars are encoded as their base type through the base type's own methods, so an object cannot
run code during encoding by overriding ``__iter__`` or ``__eq__``.
"""

from __future__ import annotations

import base64
import json
import math
from collections import Counter
from typing import Any

__all__ = ["MAX_DEPTH", "WireError", "decode", "encode"]

MAX_DEPTH = 64
"""Deepest nesting of containers accepted in either direction."""

_SMALL_INT = 1 << 53

MAX_SAME_HASH = 64
"""Most members of one set or keys of one dict allowed to share a hash value. Ints and tuples
hash deterministically, so a hostile result could otherwise make building a set quadratic on
the host (k * (2**61 - 1) all hash alike); honest data almost never has more than two."""


class WireError(ValueError):
    """The value cannot be encoded or the bytes cannot be decoded within the caps."""


def _walk(x: Any, depth: int) -> Any:
    t = type(x)
    if t is str or t is bool or x is None:
        return x
    if t is int:
        return x if -_SMALL_INT < x < _SMALL_INT else {"$int": hex(x)}
    if t is float:
        return x if math.isfinite(x) else {"$float": repr(x)}
    if depth >= MAX_DEPTH:
        raise WireError(f"nesting deeper than {MAX_DEPTH}")
    d = depth + 1
    if t is list:
        return [_walk(v, d) for v in x]
    if t is dict:
        items = list(dict.items(x))
        if all(type(k) is str and not k.startswith("$") for k, _ in items):
            return {k: _walk(v, d) for k, v in items}
        return {"$dict": [[_walk(k, d), _walk(v, d)] for k, v in items]}
    if t is tuple:
        return {"$tuple": [_walk(v, d) for v in x]}
    if t is set:
        return {"$set": [_walk(v, d) for v in set.__iter__(x)]}
    if t is frozenset:
        return {"$frozenset": [_walk(v, d) for v in frozenset.__iter__(x)]}
    if t is bytes:
        return {"$bytes": base64.b64encode(x).decode("ascii")}
    if t is complex:
        return {"$complex": [_walk(x.real, d), _walk(x.imag, d)]}
    # Subclasses: convert through the base type's own methods (no user code runs).
    for base, conv in _BASES:
        if isinstance(x, base):
            return _walk(conv(x), depth)
    raise WireError(f"cannot encode a value of type {t.__name__}")


_BASES: tuple[tuple[type, Any], ...] = (
    (bool, bool.__bool__),
    (int, int.__index__),
    (float, float.__float__),
    (str, str.__str__),
    (bytes, bytes.__bytes__),
    (dict, lambda x: dict(dict.items(x))),
    (list, lambda x: list(list.__iter__(x))),
    (tuple, lambda x: tuple(tuple.__iter__(x))),
    (frozenset, lambda x: frozenset(frozenset.__iter__(x))),
    (set, lambda x: set(set.__iter__(x))),
)


def encode(value: Any, max_bytes: int | None = None) -> bytes:
    """Encode ``value`` as UTF-8 tagged JSON.

    Raises:
        WireError: for unsupported types, nesting deeper than :data:`MAX_DEPTH`, or output
            larger than ``max_bytes``.
    """
    try:
        data = json.dumps(
            _walk(value, 0), ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode("utf-8", "surrogatepass")
    except RecursionError as exc:
        raise WireError("nesting too deep") from exc
    if max_bytes is not None and len(data) > max_bytes:
        raise WireError(f"encoded value is {len(data)} bytes, more than the {max_bytes} allowed")
    return data


_TAGS = frozenset({"$int", "$float", "$tuple", "$set", "$frozenset", "$bytes", "$complex", "$dict"})


_SCALARS = frozenset({str, int, float, bool, type(None)})
"""What ``json.loads`` makes besides lists and dicts: nothing to untag inside."""


def _untag(x: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise WireError(f"nesting deeper than {MAX_DEPTH}")
    t = type(x)
    if t is list:
        # A list of scalars (most inputs) is already the value: its item types are collected
        # in C, instead of a Python call per item (about ten times faster on large inputs).
        if set(map(type, x)) <= _SCALARS:
            return x
        return [_untag(v, depth + 1) for v in x]
    if t is not dict:
        return x
    if len(x) == 1:
        ((key, val),) = x.items()
        if key in _TAGS:
            return _from_tag(key, val, depth)
    for k in x:
        if k.startswith("$"):
            raise WireError(f"unexpected tag {k[:20]!r}")
    return {k: _untag(v, depth + 1) for k, v in x.items()}


def _from_tag(key: str, val: Any, depth: int) -> Any:
    d = depth + 1
    try:
        if key == "$int":
            return int(val, 16)
        if key == "$float":
            if val not in ("nan", "inf", "-inf"):
                raise WireError(f"bad $float {val!r}")
            return float(val)
        if key == "$bytes":
            return base64.b64decode(val, validate=True)
        if key == "$complex":
            re, im = val
            return complex(_untag(re, d), _untag(im, d))
        items = [_untag(v, d) for v in val]
        if key == "$tuple":
            return tuple(items)
        if key == "$dict":
            _refuse_hash_flood([k for k, _ in items], key)
            return {k: v for k, v in items}
        _refuse_hash_flood(items, key)
        return set(items) if key == "$set" else frozenset(items)
    except WireError:
        raise
    except (TypeError, ValueError) as exc:
        raise WireError(f"malformed {key} value: {exc}") from exc


def _refuse_hash_flood(keys: list[Any], tag: str) -> None:
    """Raise when too many keys share a hash value (see :data:`MAX_SAME_HASH`)."""
    if len(keys) > MAX_SAME_HASH:
        # hash() of decoded plain data runs no user code; unhashable keys raise TypeError here.
        (_, most), = Counter(map(hash, keys)).most_common(1)
        if most > MAX_SAME_HASH:
            raise WireError(f"{tag} with {most} keys of one hash value (hash flooding)")


def decode(data: bytes, max_bytes: int | None = None) -> Any:
    """Decode bytes made by :func:`encode`.

    Raises:
        WireError: for malformed input, unknown tags, unhashable keys, oversized or too deep data.
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise WireError(f"{len(data)} bytes is more than the {max_bytes} allowed")
    try:
        raw = json.loads(data)
    except RecursionError as exc:
        raise WireError("nesting too deep") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise WireError(f"not valid wire data: {exc}") from exc
    try:
        return _untag(raw, 0)
    except RecursionError as exc:
        raise WireError("nesting too deep") from exc
