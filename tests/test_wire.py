"""The wire format: round trips, caps, and hostile payloads decoded on the host."""

from __future__ import annotations

import collections
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codeeff.sandbox import Payload, wire

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**200), max_value=2**200)
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(max_size=20)
    | st.complex_numbers(allow_nan=False)
)
hashables = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.tuples(inner, inner) | st.frozensets(inner, max_size=3),
    max_leaves=6,
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        | st.dictionaries(hashables, inner, max_size=3)
        | st.sets(hashables, max_size=3)
        | st.frozensets(hashables, max_size=3)
    ),
    max_leaves=12,
)


def same(a: object, b: object) -> bool:
    """Equality that also demands equal types at every node (what the checker relies on)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())  # type: ignore[index,union-attr]
    return a == b


@given(values)
def test_round_trip_keeps_values_and_types(value: object) -> None:
    assert same(wire.decode(wire.encode(value)), value)


def test_special_floats_and_huge_ints() -> None:
    out = wire.decode(wire.encode([math.inf, -math.inf, math.nan, 10**5000, -(2**64)]))
    assert out[0] == math.inf and out[1] == -math.inf and math.isnan(out[2])
    assert out[3] == 10**5000 and out[4] == -(2**64)


def test_dict_keys_that_look_like_tags_survive() -> None:
    value = {"$tuple": [1], "a": 2}
    assert wire.decode(wire.encode(value)) == value


def test_subclasses_encode_as_their_base_without_running_their_code() -> None:
    class Liar(list):
        def __iter__(self):  # type: ignore[override]
            raise RuntimeError("user code ran during encoding")

        def __eq__(self, other: object) -> bool:
            return True

    class BigInt(int):
        def __index__(self) -> int:  # pragma: no cover - must not be called
            raise RuntimeError("user code ran")

    out = wire.decode(wire.encode([Liar([1, 2]), BigInt(7), collections.OrderedDict(a=1)]))
    assert same(out, [[1, 2], 7, {"a": 1}])


def test_unsupported_types_are_refused() -> None:
    with pytest.raises(wire.WireError, match="cannot encode"):
        wire.encode(object())


def test_size_cap_applies_on_both_sides() -> None:
    with pytest.raises(wire.WireError, match="more than"):
        wire.encode(list(range(1000)), max_bytes=100)
    with pytest.raises(wire.WireError, match="more than"):
        wire.decode(b"[" + b"1," * 100 + b"1]", max_bytes=50)


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000 + b"]" * 100_000,  # nesting bomb
        b'{"$int": "0xZZ"}',  # malformed tag
        b'{"$float": "1e309"}',  # only nan/inf are tagged
        b'{"$set": [[1, 2]]}',  # unhashable member
        b'{"$bogus": 1}',  # unknown tag
        b'{"$a": 1, "b": 2}',  # tag-like key in a plain object
        b"1" * 5000,  # an int beyond Python's int-to-str digit limit
        b"\xff\xfe",  # not UTF-8
        b"",
    ],
)
def test_hostile_bytes_are_rejected_cleanly(data: bytes) -> None:
    with pytest.raises(wire.WireError):
        wire.decode(data)


def test_depth_cap() -> None:
    deep: list = []
    node = deep
    for _ in range(wire.MAX_DEPTH + 5):
        node.append([])
        node = node[0]
    with pytest.raises(wire.WireError, match="nesting"):
        wire.encode(deep)


def test_payload_digest_identifies_the_arguments() -> None:
    a, b = Payload.from_args([1, (2, 3)]), Payload.from_args([1, (2, 3)])
    assert a.digest == b.digest and a.args() == (1, (2, 3))
    assert Payload.from_args([1, [2, 3]]).digest != a.digest


@pytest.mark.parametrize("tag", ["$set", "$frozenset"])
def test_hash_flooding_is_refused_fast(tag: str) -> None:
    """Regression: ints k * (2**61 - 1) all hash to 0, which made set() quadratic on the host.

    The error is raised before any set is built, so the decode costs linear time.
    """
    flood = ",".join(str(k * (2**61 - 1)) for k in range(1, 20_000))
    with pytest.raises(wire.WireError, match="hash flooding"):
        wire.decode(f'{{"{tag}":[{flood}]}}'.encode())


def test_hash_flooded_dict_keys_are_refused() -> None:
    pairs = ",".join(f"[{k * (2**61 - 1)},0]" for k in range(1, 200))
    with pytest.raises(wire.WireError, match="hash flooding"):
        wire.decode(f'{{"$dict":[{pairs}]}}'.encode())


def test_large_honest_sets_still_decode() -> None:
    value = {"a": set(range(100_000)), "b": frozenset((i, -i) for i in range(1000))}
    assert wire.decode(wire.encode(value)) == value
