"""pass@k and eff@k: brute force over k-subsets, exact oracles (research note O1-O3), stability.

The oracles are from /work/shared/research/estimators.md §5; each was checked there with exact
rational arithmetic. Brute force averages the max over every k-subset in exact fractions, so any
misalignment of the weights with the order statistics fails these tests.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeeff.estimators import eff_at_k, eff_at_k_batch, eff_at_k_weights, pass_at_k

# Small value pools make ties likely, which is where rank bookkeeping goes wrong.
score_values = st.one_of(
    st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5]),
    st.floats(min_value=0.0, max_value=2.0, allow_nan=False),
)
small_scores = st.lists(score_values, min_size=1, max_size=8)


def brute_eff(scores: list[float], k: int) -> Fraction:
    """Average of the max over all k-subsets, exactly."""
    subsets = list(itertools.combinations([Fraction(x) for x in scores], k))
    return sum((max(s) for s in subsets), Fraction(0)) / len(subsets)


def exact_pass(n: int, c: int, k: int) -> Fraction:
    return 1 - Fraction(math.comb(n - c, k), math.comb(n, k))


# --- eff@k ------------------------------------------------------------------------------------


@settings(deadline=None, max_examples=300)
@given(small_scores, st.data())
def test_eff_at_k_equals_brute_force_over_subsets(scores: list[float], data: st.DataObject) -> None:
    k = data.draw(st.integers(1, len(scores)))
    assert eff_at_k(scores, k) == pytest.approx(float(brute_eff(scores, k)), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("k", "expected"),
    [(1, Fraction(11, 25)), (2, Fraction(67, 100)), (3, Fraction(4, 5)), (4, Fraction(9, 10)),
     (5, Fraction(1))],
)
def test_o1_worked_example(k: int, expected: Fraction) -> None:
    # k=2 with misaligned weights (applied to the BOTTOM n-k+1) would give 0.39, not 0.67.
    assert eff_at_k([0, 0.2, 0.5, 0.5, 1], k) == pytest.approx(float(expected), abs=1e-15)


def test_o1_weights() -> None:
    np.testing.assert_allclose(eff_at_k_weights(5, 2), [0.1, 0.2, 0.3, 0.4], rtol=1e-15)
    np.testing.assert_allclose(eff_at_k_weights(5, 3), [0.1, 0.3, 0.6], rtol=1e-15)
    np.testing.assert_allclose(eff_at_k_weights(5, 1), [0.2] * 5, rtol=1e-15)
    assert eff_at_k_weights(5, 5).tolist() == [1.0]


def test_weights_are_a_copy() -> None:
    w = eff_at_k_weights(6, 2)
    w[:] = 0.0
    assert eff_at_k([0, 0, 0, 0, 0, 1], 2) == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("k", "expected"),
    [(1, Fraction(1, 2)), (2, Fraction(142, 175)), (3, Fraction(3547, 3500)),
     (4, Fraction(202, 175)), (5, Fraction(529, 420)), (6, Fraction(67, 50)), (7, Fraction(7, 5))],
)
def test_o3_scores_above_one_are_not_clipped(k: int, expected: Fraction) -> None:
    e = [0, 0, 0.17, 0.4, 0.55, 0.98, 1.4]
    assert eff_at_k(e, k) == pytest.approx(float(expected), rel=1e-14)
    assert float(brute_eff(e, k)) == pytest.approx(float(expected), rel=1e-14)


def test_o3_eff_at_3_exceeds_one() -> None:
    assert eff_at_k([0, 0, 0.17, 0.4, 0.55, 0.98, 1.4], 3) > 1.0


def test_k1_is_mean_and_kn_is_max() -> None:
    rng = np.random.default_rng(7)
    e = rng.uniform(0, 2, size=37)
    assert eff_at_k(e, 1) == pytest.approx(e.mean(), rel=1e-13)
    assert eff_at_k(e, 37) == e.max()


@settings(deadline=None)
@given(small_scores, st.randoms(use_true_random=False))
def test_permutation_invariant(scores: list[float], rnd: object) -> None:
    shuffled = list(scores)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    for k in range(1, len(scores) + 1):
        assert eff_at_k(shuffled, k) == eff_at_k(scores, k)


@settings(deadline=None)
@given(st.lists(score_values, min_size=1, max_size=40))
def test_monotone_in_k(scores: list[float]) -> None:
    values = [eff_at_k(scores, k) for k in range(1, len(scores) + 1)]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(values))
    assert values[0] == pytest.approx(float(np.mean(scores)), rel=1e-12, abs=1e-15)
    assert values[-1] == max(scores)


@settings(deadline=None)
@given(st.integers(1, 300), st.data())
def test_weights_sum_to_one_and_match_closed_form(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(1, n))
    w = eff_at_k_weights(n, k)
    assert w.shape == (n - k + 1,)
    assert w.sum() == pytest.approx(1.0, rel=1e-12)
    exact = [Fraction(math.comb(r - 1, k - 1), math.comb(n, k)) for r in range(k, n + 1)]
    np.testing.assert_allclose(w, [float(x) for x in exact], rtol=1e-11, atol=1e-300)


def test_large_n_matches_exact_fractions() -> None:
    n, k = 2000, 1000
    rng = np.random.default_rng(20250101)
    e = rng.uniform(0.0, 2.0, size=n)
    got = eff_at_k(e, k)
    assert math.isfinite(got)
    ordered = sorted(Fraction(float(x)) for x in e)
    numerator = sum(
        (math.comb(r - 1, k - 1) * ordered[r - 1] for r in range(k, n + 1)), Fraction(0)
    )
    exact = numerator / math.comb(n, k)
    assert abs(got - float(exact)) <= 1e-12
    w = eff_at_k_weights(n, k)
    assert np.isfinite(w).all()
    assert w.sum() == pytest.approx(1.0, rel=1e-12)


# --- pass@k -----------------------------------------------------------------------------------


@settings(deadline=None, max_examples=300)
@given(st.integers(1, 60), st.data())
def test_pass_at_k_matches_exact_binomials(n: int, data: st.DataObject) -> None:
    c = data.draw(st.integers(0, n))
    k = data.draw(st.integers(1, n))
    assert pass_at_k(n, c, k) == pytest.approx(float(exact_pass(n, c, k)), rel=1e-12, abs=1e-15)


@settings(deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=8), st.data())
def test_pass_at_k_equals_brute_force_and_eff_on_01(flags: list[bool], data: st.DataObject) -> None:
    k = data.draw(st.integers(1, len(flags)))
    scores = [float(f) for f in flags]
    p = pass_at_k(len(flags), sum(flags), k)
    assert p == pytest.approx(float(brute_eff(scores, k)), rel=1e-12, abs=1e-15)
    assert eff_at_k(scores, k) == pytest.approx(p, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    ("k", "expected"),
    [(1, Fraction(3, 10)), (2, Fraction(8, 15)), (5, Fraction(11, 12)), (7, Fraction(119, 120)),
     (8, Fraction(1)), (10, Fraction(1))],
)
def test_o2_pass_at_k_and_eff_on_01(k: int, expected: Fraction) -> None:
    assert pass_at_k(10, 3, k) == pytest.approx(float(expected), rel=1e-14)
    assert eff_at_k([1, 1, 1, 0, 0, 0, 0, 0, 0, 0], k) == pytest.approx(float(expected), rel=1e-14)


def test_o2_further_checks() -> None:
    assert pass_at_k(5, 2, 3) == pytest.approx(0.9, rel=1e-14)
    assert pass_at_k(200, 1, 100) == pytest.approx(0.5, rel=1e-14)
    np.testing.assert_allclose(
        pass_at_k(200, 10, [1, 10, 100]), [0.05, 0.408547866081417, 0.999228973937282], rtol=1e-13
    )
    assert pass_at_k(10, 0, 3) == 0.0
    assert pass_at_k(10, 10, 3) == 1.0
    assert pass_at_k(10, 3, 8) == 1.0  # n - c < k


def test_pass_at_k_broadcasts_and_returns_types() -> None:
    assert isinstance(pass_at_k(10, 3, 2), float)
    n = np.array([[10], [20]])
    c = np.array([0, 3, 10])
    out = pass_at_k(n, c, 2)
    assert isinstance(out, np.ndarray)
    assert out.shape == (2, 3)
    for i, j in itertools.product(range(2), range(3)):
        assert out[i, j] == pytest.approx(float(exact_pass(int(n[i, 0]), int(c[j]), 2)), rel=1e-13)


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(1, 40), st.integers(0, 40), st.integers(1, 40)),
                min_size=1, max_size=30))
def test_pass_at_k_vectorised_equals_scalar(triples: list[tuple[int, int, int]]) -> None:
    triples = [(n, min(c, n), min(k, n)) for n, c, k in triples]
    n, c, k = (np.array(v) for v in zip(*triples, strict=True))
    out = pass_at_k(n, c, k)
    assert out.shape == (len(triples),)
    for value, (nn, cc, kk) in zip(out, triples, strict=True):
        assert value == pass_at_k(nn, cc, kk)


# --- batch ------------------------------------------------------------------------------------


@settings(deadline=None)
@given(st.lists(st.lists(score_values, min_size=3, max_size=12), min_size=1, max_size=15),
       st.integers(1, 3))
def test_batch_equals_scalar_on_ragged_input(lists: list[list[float]], k: int) -> None:
    out = eff_at_k_batch(lists, k)
    assert out.shape == (len(lists),)
    for value, scores in zip(out, lists, strict=True):
        assert value == pytest.approx(eff_at_k(scores, k), rel=1e-13, abs=1e-15)


def test_batch_multiple_k_and_2d_input() -> None:
    rng = np.random.default_rng(3)
    block = rng.uniform(0, 2, size=(50, 20))
    block[rng.random(block.shape) < 0.3] = 0.0
    before = block.copy()
    out = eff_at_k_batch(block, [1, 5, 20])
    np.testing.assert_array_equal(block, before)  # the caller's array is not sorted in place
    assert out.shape == (50, 3)
    for i in range(50):
        for j, k in enumerate((1, 5, 20)):
            assert out[i, j] == pytest.approx(eff_at_k(block[i], k), rel=1e-13)
    np.testing.assert_array_equal(eff_at_k_batch(block, 5), out[:, 1])
    np.testing.assert_array_equal(eff_at_k_batch(list(block), 5), out[:, 1])


def test_batch_accepts_pass_flags_as_pass_at_k() -> None:
    rng = np.random.default_rng(11)
    flags = rng.random((200, 30)) < 0.2
    got = eff_at_k_batch(flags.astype(float), 10)
    np.testing.assert_allclose(got, pass_at_k(30, flags.sum(axis=1), 10), rtol=1e-12, atol=1e-15)


# --- invalid arguments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (([0.1, 0.2], 3), "k=3 exceeds"),
        (([0.1, 0.2], 0), "at least 1"),
        (([0.1, 0.2], -1), "at least 1"),
        (([0.1, 0.2], 1.5), "integer"),
        (([0.1, 0.2], True), "boolean"),
        (([0.1, float("nan")], 1), "nan"),
        (([0.1, float("inf")], 1), "inf"),
        (([0.1, None], 1), "nan"),
        (([], 1), "empty"),
        (([[0.1], [0.2]], 1), "one-dimensional"),
        ((["a", "b"], 1), "numbers"),
    ],
)
def test_eff_at_k_rejects(args: tuple[object, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        eff_at_k(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((10, 3, 11), "k cannot exceed n"),
        ((10, 3, 0), "k must be at least 1"),
        ((10, -1, 1), "c must be non-negative"),
        ((10, 11, 1), "c cannot exceed n"),
        ((-2, 0, 1), "n must be at least 1"),
        ((10.5, 3, 1), "integers"),
        ((10, 3, True), "boolean"),
        (([], 3, 1), "empty"),
        (([10, 10], [1, 2, 3], 1), "broadcast"),
        ((np.array([10, 10]), np.array([1, 12]), 1), r"n=10, c=12, k=1 \(element 1\)"),
        (("ten", 3, 1), "integer"),
    ],
)
def test_pass_at_k_rejects(args: tuple[object, object, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        pass_at_k(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lists", "k", "fragment"),
    [
        ([[0.1, 0.2], [0.3]], 2, "problem 1"),
        ([], 1, "no problems"),
        ([[0.1], []], 1, "problem 1 are empty"),
        ([[0.1], [float("nan")]], 1, "problem 1 must be finite"),
        (np.zeros((0, 5)), 1, "no problems"),
        (np.zeros(5), 1, "2-D"),
        ([[0.1, 0.2]], [], "empty sequence"),
        ([[0.1, 0.2]], 0, "at least 1"),
        ([[0.1, 0.2], [[0.3]]], 1, "1-D"),
    ],
)
def test_batch_rejects(lists: object, k: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        eff_at_k_batch(lists, k)  # type: ignore[arg-type]


def test_weights_reject_bad_n() -> None:
    with pytest.raises(ValueError, match="n must be at least 1"):
        eff_at_k_weights(0, 1)
    with pytest.raises(ValueError, match="exceeds"):
        eff_at_k_weights(3, 4)
