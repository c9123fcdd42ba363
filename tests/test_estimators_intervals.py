"""Within-problem variance, intervals over problems and paired comparisons (note O4, O8-O10)."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeeff import estimators
from codeeff.estimators import (
    ConfidenceInterval,
    bootstrap_ci,
    eff_at_k,
    eff_at_k_batch,
    eff_at_k_variance,
    generation_se,
    mean_ci,
    paired_comparison,
    pass_at_k,
)

O1 = [0, 0.2, 0.5, 0.5, 1]


def brute_eff(scores: list[Fraction], k: int) -> Fraction:
    subsets = list(itertools.combinations(scores, k))
    return sum((max(s) for s in subsets), Fraction(0)) / len(subsets)


def brute_unbiased_variance(scores: list[float], k: int) -> Fraction:
    """U^2 minus the mean of max(S1) max(S2) over ordered pairs of disjoint k-subsets."""
    e = [Fraction(x) for x in scores]
    idx = range(len(e))
    total, count = Fraction(0), 0
    for s1 in itertools.combinations(idx, k):
        rest = [i for i in idx if i not in s1]
        for s2 in itertools.combinations(rest, k):
            total += max(e[i] for i in s1) * max(e[i] for i in s2)
            count += 1
    u = brute_eff(e, k)
    return u * u - total / count


def brute_jackknife(scores: list[float], k: int) -> float:
    n = len(scores)
    loo = [eff_at_k(scores[:j] + scores[j + 1 :], k) for j in range(n)]
    m = sum(loo) / n
    return (n - 1) / n * sum((x - m) ** 2 for x in loo)


# --- within-problem variance ------------------------------------------------------------------


def test_o4_variance_values() -> None:
    assert eff_at_k_variance(O1, 1) == pytest.approx(143 / 5000, abs=1e-14)
    assert eff_at_k_variance(O1, 2) == pytest.approx(489 / 10000, abs=1e-14)
    assert eff_at_k_variance(O1, 1, method="jackknife") == pytest.approx(0.0286, abs=1e-14)
    assert eff_at_k_variance(O1, 2, method="jackknife") == pytest.approx(63 / 1250, abs=1e-14)
    # auto falls back to the jackknife when n < 2k
    assert eff_at_k_variance(O1, 3) == pytest.approx(9 / 100, abs=1e-14)
    assert eff_at_k_variance(O1, 4) == pytest.approx(4 / 25, abs=1e-14)


@settings(deadline=None, max_examples=150)
@given(st.lists(st.sampled_from([0.0, 0.3, 0.5, 1.0, 1.7]) | st.floats(0, 2), min_size=2,
                max_size=7), st.data())
def test_unbiased_variance_equals_brute_force(scores: list[float], data: st.DataObject) -> None:
    k = data.draw(st.integers(1, len(scores) // 2))
    expected = float(brute_unbiased_variance(scores, k))
    assert eff_at_k_variance(scores, k, method="unbiased") == pytest.approx(
        expected, rel=1e-9, abs=1e-12
    )


@settings(deadline=None, max_examples=150)
@given(st.lists(st.sampled_from([0.0, 0.3, 0.5, 1.0, 1.7]) | st.floats(0, 2), min_size=2,
                max_size=9), st.data())
def test_jackknife_equals_leave_one_out(scores: list[float], data: st.DataObject) -> None:
    k = data.draw(st.integers(1, len(scores) - 1))
    assert eff_at_k_variance(scores, k, method="jackknife") == pytest.approx(
        brute_jackknife(scores, k), rel=1e-9, abs=1e-12
    )


def test_o10_exact_enumeration() -> None:
    """Over all 3^6 outcomes: U is unbiased, V-hat is unbiased, the jackknife is conservative."""
    support = {0.0: Fraction(1, 2), 0.5: Fraction(3, 10), 1.2: Fraction(1, 5)}
    values = list(support)
    n = 6
    expected = {  # k: (E[U], Var(U), (k/n) Var(max_k), E[jackknife])
        1: (0.39, 0.03515, 0.03515, 0.03515),
        2: (0.627, 0.0648786, 0.074257, 0.0683955),
        3: (0.7791, 0.0799997, 0.0962366, 0.0945833),
    }
    for k, (e_u, var_u, bound, e_jack) in expected.items():
        m1 = m2 = e_hat = e_j = 0.0
        for draw in itertools.product(values, repeat=n):
            prob = float(math.prod(support[v] for v in draw))
            u = eff_at_k(draw, k)
            m1 += prob * u
            m2 += prob * u * u
            e_hat += prob * eff_at_k_variance(draw, k, method="unbiased")
            e_j += prob * eff_at_k_variance(draw, k, method="jackknife")
        var = m2 - m1 * m1
        # true E[max of k] and Var(max of k) from the distribution of the max
        cdf = lambda v: float(sum(p for x, p in support.items() if x <= v))  # noqa: E731
        pmax = {v: cdf(v) ** k - cdf(max([x for x in values if x < v], default=-1)) ** k
                for v in values}
        true_mean = sum(v * p for v, p in pmax.items())
        true_var = sum(v * v * p for v, p in pmax.items()) - true_mean**2
        assert m1 == pytest.approx(true_mean, abs=1e-12)
        assert m1 == pytest.approx(e_u, abs=1e-6)
        assert var == pytest.approx(var_u, abs=1e-6)
        assert k / n * true_var == pytest.approx(bound, abs=1e-6)
        assert var <= k / n * true_var + 1e-12
        assert e_hat == pytest.approx(var, abs=1e-12)
        assert e_j == pytest.approx(e_jack, abs=1e-6)
        assert e_j >= var - 1e-12


def test_variance_rejects() -> None:
    with pytest.raises(ValueError, match="n >= 2k"):
        eff_at_k_variance(O1, 3, method="unbiased")
    with pytest.raises(ValueError, match="n >= k\\+1"):
        eff_at_k_variance(O1, 5)
    with pytest.raises(ValueError, match="method"):
        eff_at_k_variance(O1, 1, method="bootstrap")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="problem 1"):
        generation_se([O1, [0.5]], 1)
    with pytest.raises(ValueError, match="no problems"):
        generation_se([], 1)


# --- O8: the mini benchmark -------------------------------------------------------------------

O8_FLAGS = [[0, 1, 1, 1], [0, 0, 0, 1], [1, 1, 1, 1]]
O8_SCORES = [[0, 0.5, 0.9, 1.2], [0, 0, 0, 0.3], [0.8, 0.8, 0.7, 1.0]]


@pytest.mark.parametrize(
    ("k", "pass_i", "eff_i", "se_sup", "ideal_boot", "se_gen"),
    [
        (1, [3 / 4, 1 / 4, 1], [13 / 20, 3 / 40, 33 / 40], 0.226538, 0.184967, 0.092546),
        (2, [1, 1 / 2, 1], [59 / 60, 3 / 20, 9 / 10], 0.264983, 0.216358, 0.099070),
    ],
)
def test_o8_mini_benchmark(
    k: int, pass_i: list[float], eff_i: list[float], se_sup: float, ideal_boot: float,
    se_gen: float,
) -> None:
    per_pass = pass_at_k(4, np.sum(O8_FLAGS, axis=1), k)
    np.testing.assert_allclose(per_pass, pass_i, rtol=1e-14)
    per_eff = eff_at_k_batch(O8_SCORES, k)
    np.testing.assert_allclose(per_eff, eff_i, rtol=1e-14)
    ci = mean_ci(per_eff)
    assert ci.estimate == pytest.approx(float(np.mean(eff_i)), rel=1e-14)
    assert ci.se == pytest.approx(se_sup, abs=1e-6)
    boot = bootstrap_ci(per_eff, rng=np.random.default_rng(2024))
    assert boot.se == pytest.approx(ideal_boot, abs=0.005)
    assert generation_se(O8_SCORES, k, method="jackknife") == pytest.approx(se_gen, abs=1e-6)


def test_o8_pass_se_and_problem_a_variances() -> None:
    assert mean_ci([3 / 4, 1 / 4, 1]).se == pytest.approx(0.220479, abs=1e-6)
    a = O8_SCORES[0]
    assert eff_at_k_variance(a, 2, method="jackknife") == pytest.approx(0.055833, abs=1e-6)
    assert eff_at_k_variance(a, 2, method="unbiased") == pytest.approx(0.046944, abs=1e-6)


# --- intervals --------------------------------------------------------------------------------


def test_mean_ci_is_the_t_interval() -> None:
    from scipy import stats

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=142)
    ci = mean_ci(x, confidence=0.9)
    assert isinstance(ci, ConfidenceInterval)
    se = x.std(ddof=1) / math.sqrt(142)
    low, high = stats.t.interval(0.9, 141, loc=x.mean(), scale=se)
    assert (ci.low, ci.high, ci.se, ci.n, ci.method) == pytest.approx((low, high, se, 142, "t"))
    assert mean_ci(x).high - ci.estimate == pytest.approx(1.977 * se, rel=1e-3)
    with pytest.raises(AttributeError):
        ci.low = 0.0  # type: ignore[misc]


def test_bootstrap_is_reproducible_and_agrees_with_t() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(0.5, 0.2, size=400)
    b1 = bootstrap_ci(x, rng=123)
    b2 = bootstrap_ci(x, rng=np.random.default_rng(123))
    assert b1 == b2
    assert b1.method == "percentile bootstrap"
    assert b1.estimate == pytest.approx(x.mean())
    t = mean_ci(x)
    assert b1.low == pytest.approx(t.low, abs=0.1 * t.se)
    assert b1.high == pytest.approx(t.high, abs=0.1 * t.se)
    assert b1.se == pytest.approx(t.se * math.sqrt(399 / 400), rel=0.05)
    assert bootstrap_ci(x, rng=124) != b1


def test_bootstrap_blocks_cover_every_resample(monkeypatch: pytest.MonkeyPatch) -> None:
    # Forcing tiny blocks must not change the result (same stream of draws).
    x = np.linspace(0, 1, 50)
    full = bootstrap_ci(x, n_resamples=1001, rng=9)
    monkeypatch.setattr(estimators, "_DRAW_BLOCK", 50 * 7)
    assert bootstrap_ci(x, n_resamples=1001, rng=9) == full


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: mean_ci([0.5]), "at least 2"),
        (lambda: mean_ci([]), "empty"),
        (lambda: mean_ci([0.5, math.nan]), "finite"),
        (lambda: mean_ci([0.5, 0.6], confidence=1.0), "confidence"),
        (lambda: mean_ci([0.5, 0.6], confidence=95), "confidence"),
        (lambda: bootstrap_ci([0.5, 0.6], rng=None), "rng"),  # type: ignore[arg-type]
        (lambda: bootstrap_ci([0.5, 0.6], rng=1.5), "rng"),  # type: ignore[arg-type]
        (lambda: bootstrap_ci([0.5, 0.6], rng=True), "rng"),  # type: ignore[arg-type]
        (lambda: bootstrap_ci([0.5, 0.6], rng=-1), "non-negative"),
        (lambda: bootstrap_ci([0.5, 0.6], n_resamples=1, rng=0), "at least 2"),
        (lambda: bootstrap_ci([0.5], rng=0), "at least 2"),
    ],
)
def test_intervals_reject(call: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        call()  # type: ignore[operator]


def test_bootstrap_requires_rng_argument() -> None:
    with pytest.raises(TypeError):
        bootstrap_ci([0.5, 0.6])  # type: ignore[call-arg]


# --- paired comparison ------------------------------------------------------------------------


def test_o9_paired_comparison() -> None:
    res = paired_comparison([0.44, 0.10, 0.80, 0.55], [0.40, 0.15, 0.70, 0.35])
    assert res.mean_diff == pytest.approx(0.0725, abs=1e-12)
    assert res.se == pytest.approx(0.0525, abs=1e-12)
    assert res.unpaired_se == pytest.approx(0.18441, abs=1e-5)
    # One sign pattern ties the observed sum exactly (0.04-0.05+0.10+0.20 = 0.29): 6/16, not 4/16.
    assert res.p_value == 6 / 16
    assert res.p_method == "exact sign-flip"
    assert res.n == 4
    from scipy import stats

    half = stats.t.ppf(0.975, 3) * 0.0525
    assert (res.low, res.high) == pytest.approx((0.0725 - half, 0.0725 + half))


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 5), st.integers(-5, 5)), min_size=2, max_size=10))
def test_exact_sign_flip_equals_enumeration(pairs: list[tuple[int, int]]) -> None:
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    d = [x - y for x, y in pairs]
    observed = abs(sum(d))
    hits = sum(
        abs(sum(s * v for s, v in zip(signs, d, strict=True))) >= observed
        for signs in itertools.product((1, -1), repeat=len(d))
    )
    assert paired_comparison(a, b).p_value == hits / 2 ** len(d)


def test_monte_carlo_sign_flip_matches_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(4)
    a = rng.uniform(0, 1, size=10)
    b = a - rng.normal(0.05, 0.15, size=10)
    exact = paired_comparison(a, b)
    monkeypatch.setattr(estimators, "_EXACT_SIGN_FLIP_MAX", 5)
    mc = paired_comparison(a, b, rng=7, n_resamples=200_000)
    assert mc.p_method == "monte-carlo sign-flip"
    assert mc.p_value == pytest.approx(exact.p_value, abs=0.005)
    assert (mc.mean_diff, mc.se) == (exact.mean_diff, exact.se)


def test_monte_carlo_needs_rng_beyond_twenty_problems() -> None:
    a = np.linspace(0, 1, 21)
    with pytest.raises(ValueError, match="needs rng"):
        paired_comparison(a, a[::-1])
    res = paired_comparison(a, a[::-1], rng=0, n_resamples=2000)
    assert 0 < res.p_value <= 1
    assert paired_comparison(a, a[::-1], rng=0, n_resamples=2000) == res


@pytest.mark.parametrize(
    ("a", "b", "fragment"),
    [
        ([0.1, 0.2, 0.3], [0.1, 0.2], "same length"),
        ([0.1], [0.2], "at least 2"),
        ([0.1, math.nan], [0.1, 0.2], "finite"),
        ([], [], "empty"),
    ],
)
def test_paired_rejects(a: list[float], b: list[float], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        paired_comparison(a, b)
