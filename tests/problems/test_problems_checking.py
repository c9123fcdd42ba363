"""The default checker and the perturbations that test checkers."""

from __future__ import annotations

import math
from typing import Any

import pytest

from codeeff.problems.checking import default_check, perturbations


@pytest.mark.parametrize(("expected", "actual", "ok"), [
    (3, 3, True),
    (3, 4, False),
    (1, True, False),  # bool is not int
    (True, 1, False),
    (0, 0.0, False),
    ([1, 2], (1, 2), False),  # list is not tuple
    ([1, [2, (3,)]], [1, [2, (3,)]], True),
    ([1, [2, (3,)]], [1, [2, [3]]], False),
    ([1, 2], [1, 2, 3], False),
    (0.1 + 0.2, 0.3, True),  # rel_tol 1e-9
    (1.0, 1.0 + 1e-6, False),
    (0.0, 1e-13, True),  # abs_tol 1e-12
    (math.nan, math.nan, True),
    (math.nan, 1.0, False),
    (math.inf, math.inf, True),
    (math.inf, -math.inf, False),
    ({"a": 1.0, "b": [True]}, {"b": [True], "a": 1.0}, True),
    ({"a": 1}, {"a": 1, "b": 2}, False),
    ({1, 2}, {2, 1}, True),
    ({1, 2}, frozenset({1, 2}), False),
    ("abc", "abc", True),
    (b"x", "x", False),
    (None, None, True),
    (None, 0, False),
    (complex(1, 2), complex(1, 2 + 1e-15), True),
])
def test_default_check(expected: Any, actual: Any, ok: bool) -> None:
    assert default_check((), expected, actual) is ok


@pytest.mark.parametrize("value", [
    0, 7, -3, True, False, 2.5, 0.0, -1e300, "", "abc", None, [], [1, 2], (1,), (), [[1], 2],
    {"a": 1}, {}, {1, 2}, frozenset(), [0.5, "x"],
])
def test_every_perturbation_is_rejected_by_the_default_check(value: Any) -> None:
    variants = perturbations(value)
    assert variants, f"no perturbation for {value!r}"
    for v in variants:
        assert not default_check((), value, v), (value, v)


def test_no_perturbation_for_opaque_values() -> None:
    assert perturbations(b"bytes") == []
