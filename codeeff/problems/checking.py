"""Comparing answers: the default checker and the perturbations used to test checkers.

Checkers run on the host, on plain data decoded from the wire format (never on live objects
from a sample). A problem's own checker has the signature of :func:`default_check`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["CheckFunction", "default_check", "perturbations"]

CheckFunction = Callable[[tuple, Any, Any], bool]
"""``check(args, expected, actual) -> bool``: is ``actual`` a right answer for ``args``?"""

_REL_TOL = 1e-9
_ABS_TOL = 1e-12


def _equal(expected: Any, actual: Any, depth: int) -> bool:
    # Types must match at every node: True is not 1, a tuple is not a list. Decoded wire data
    # only holds builtin types, so comparing `type` exactly is both strict and safe.
    if type(expected) is not type(actual):
        return False
    if depth > 200:  # wire data is capped far below this; refuse rather than recurse forever
        return False
    t = type(expected)
    if t is float:
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        return math.isclose(expected, actual, rel_tol=_REL_TOL, abs_tol=_ABS_TOL)
    if t is complex:
        return _equal(expected.real, actual.real, depth + 1) and _equal(
            expected.imag, actual.imag, depth + 1
        )
    if t is list or t is tuple:
        return len(expected) == len(actual) and all(
            _equal(e, a, depth + 1) for e, a in zip(expected, actual, strict=True)
        )
    if t is dict:
        if expected.keys() != actual.keys():
            return False
        return all(_equal(v, actual[k], depth + 1) for k, v in expected.items())
    # int, bool, str, bytes, None, set, frozenset: exact equality. Sets of floats compare
    # exactly too, because a tolerance has no meaning without a matching of elements.
    return bool(expected == actual)


def default_check(args: tuple, expected: Any, actual: Any) -> bool:
    """Return whether ``actual`` equals ``expected`` as plain data.

    Equality is structural, with the types matching at every node (``bool`` is not ``int``,
    ``list`` is not ``tuple``); floats compare with ``math.isclose(rel_tol=1e-9,
    abs_tol=1e-12)`` and NaN equals NaN. ``args`` is unused: the default check needs only the
    reference's answer.

    Args:
        args: The positional arguments of the call (unused).
        expected: The reference's answer.
        actual: The sample's answer, decoded from the wire format.
    """
    del args
    return _equal(expected, actual, 0)


def perturbations(value: Any) -> list[Any]:
    """Return a few answers close to ``value`` that a sound checker must reject.

    Used by ``codeeff problems check`` to show that a checker is not vacuous: an int moved by
    one, a float moved well beyond any tolerance, a flipped bool, a list or string that lost or
    gained an element, ``None`` replaced by a value, and the same changes one level down in a
    container. The list is empty when nothing applies.
    """
    out: list[Any] = []
    t = type(value)
    if t is bool:
        out.append(not value)
    elif t is int:
        out.append(value + 1)
    elif t is float:
        out.append(value + 1.0 + abs(value) * 0.5 if math.isfinite(value) else 0.0)
    elif t is str:
        out.append(value[:-1] if value else "x")
    elif value is None:
        out.append(0)
    elif t is list or t is tuple:
        items: Sequence[Any] = value
        out.append(t(items[:-1]) if items else t([0]))
        if items:
            for inner in perturbations(items[0]):
                out.append(t([inner, *items[1:]]))
                break
    elif t is dict:
        if value:
            key = next(iter(value))
            out.append({k: v for k, v in value.items() if k != key})
        else:
            out.append({"": 0})
    elif t is set or t is frozenset:
        out.append(t(list(value)[:-1]) if value else t({0}))
    return out
