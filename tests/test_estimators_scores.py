"""ENAMEL efficiency scores with censoring, and the robust timing statistics (note O5-O7)."""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeeff.estimators import (
    MAD_NORMAL_SCALE,
    eff_at_k,
    efficiency_score,
    hodges_lehmann,
    level_scores,
    relative_mad,
    time_limit,
)

# O5: alpha = 2, h = (0, 3, 3, 4), level reference maxima (level 0 has none), T = 1.0.
REF = [None, 0.01, 0.10, 0.50]
H = [0, 3, 3, 4]


def test_o5_time_limit() -> None:
    assert time_limit(REF, 2.0, H) == pytest.approx(1.0)
    # Only scored levels set T: a slow weight-0 level does not.
    assert time_limit([5.0, 0.01, 0.10, 0.50], 2.0, H) == pytest.approx(1.0)
    # The max runs over all scored levels, not only the last.
    assert time_limit([0.0, 0.7, 0.1, 0.5], 2.0, H) == pytest.approx(1.4)


@pytest.mark.parametrize(
    ("times", "levels", "expected"),
    [
        ([0.001, 0.02, 0.30, 0.80], [0.989899, 0.777778, 0.4], 0.690303),  # A
        ([0.001, 0.02, 0.30, None], [0.989899, 0.777778, 0.0], 0.530303),  # B: killed at 3
        ([0.001, 0.01, 0.10, 0.50], [1.0, 1.0, 1.0], 1.0),  # C: equals the reference
        ([0.001, 0.005, 0.05, 0.25], [1.005051, 1.055556, 1.5], 1.218182),  # D: 2x faster
        ([0.001, 0.10, 0.10, 0.50], [0.909091, 1.0, 1.0], 0.972727),  # E: 10x slower at 1
        ([0.0, 0.0, 0.0, 0.0], [1.010101, 1.111111, 2.0], 1.436364),  # F: instant, the maximum
        ([0.001, None, None, None], [0.0, 0.0, 0.0], 0.0),  # killed at level 1
    ],
)
def test_o5_enamel_cases(times: list[float | None], levels: list[float], expected: float) -> None:
    f = level_scores(times, REF, 1.0, H)
    np.testing.assert_allclose(f, [0.0, *levels], atol=5e-7)
    assert efficiency_score(times, REF, 1.0, H) == pytest.approx(expected, abs=5e-7)


def test_o5_clip_caps_each_level_at_one() -> None:
    assert efficiency_score([0.001, 0.005, 0.05, 0.25], REF, 1.0, H, clip=True) == 1.0
    # Clipping is per level, not of the total: level 3 is slower, levels 1-2 faster.
    got = efficiency_score([0.0, 0.005, 0.05, 0.8], REF, 1.0, H, clip=True)
    assert got == pytest.approx((3 + 3 + 4 * 0.4) / 10)


def test_unclipped_maximum_is_alpha_over_alpha_minus_one() -> None:
    f = level_scores([0.0, 0.0, 0.0, 0.0], REF, 1.0, H)
    assert f[3] == pytest.approx(2.0)


@pytest.mark.parametrize("killed", [None, math.inf, np.inf, float("inf")])
def test_every_kill_marker_scores_zero_exactly(killed: object) -> None:
    f = level_scores([0.001, 0.02, 0.30, killed], REF, 1.0, H)
    assert f[3] == 0.0
    assert efficiency_score([0.001, 0.02, 0.30, killed], REF, 1.0, H) == pytest.approx(0.530303,
                                                                                      abs=5e-7)


def test_finishing_at_or_after_t_scores_zero_without_cascade() -> None:
    # t = T exactly and T < t < kill limit score 0 but are not kills: later levels still count.
    f = level_scores([0.001, 1.0, 0.10, 0.50], REF, 1.0, H)
    assert f.tolist() == [0.0, 0.0, 1.0, 1.0]
    f = level_scores([0.001, 1.005, 0.10, 0.50], REF, 1.0, H)
    assert f.tolist() == [0.0, 0.0, 1.0, 1.0]


def test_cascade_censors_levels_after_a_kill() -> None:
    times = [0.001, None, 0.10, 0.50]
    assert level_scores(times, REF, 1.0, H).tolist() == [0.0, 0.0, 0.0, 0.0]
    no_cascade = level_scores(times, REF, 1.0, H, cascade=False)
    assert no_cascade.tolist() == [0.0, 0.0, 1.0, 1.0]
    # A kill at the weight-0 level (ENAMEL: the sample fails) zeroes everything.
    assert efficiency_score([None, 0.01, 0.1, 0.5], REF, 1.0, H) == 0.0


def test_vectorised_over_samples() -> None:
    times = np.array(
        [[0.001, 0.02, 0.30, 0.80], [0.001, 0.02, 0.30, np.inf], [0.0, 0.0, 0.0, 0.0]]
    )
    got = efficiency_score(times, REF, 1.0, H)
    assert isinstance(got, np.ndarray)
    assert got.shape == (3,)
    for row, value in zip(times, got, strict=True):
        assert value == efficiency_score(list(row), REF, 1.0, H)


def test_o7_censoring_and_rmst() -> None:
    # One level, T = 1, t* = 0.5, times (0.6, 0.9, killed, 0.7).
    times = [[0.6], [0.9], [None], [0.7]]
    f = efficiency_score(times, [0.5], 1.0, [1])
    np.testing.assert_allclose(f, [0.8, 0.2, 0.0, 0.6], atol=1e-15)
    assert eff_at_k(f, 1) == pytest.approx(2 / 5, abs=1e-15)
    rmst = np.mean([min(t, 1.0) for t in (0.6, 0.9, math.inf, 0.7)])
    assert eff_at_k(f, 1) == pytest.approx((1.0 - rmst) / (1.0 - 0.5), abs=1e-15)
    assert eff_at_k(f, 2) == pytest.approx(19 / 30, abs=1e-15)
    # eff@2 is the mean over pairs of f(min time): censoring the min at T is harmless.
    pair_mins = [min(a, b) for a, b in itertools.combinations((0.6, 0.9, math.inf, 0.7), 2)]
    assert eff_at_k(f, 2) == pytest.approx(np.mean([(1 - min(t, 1)) / 0.5 for t in pair_mins]))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"times": [0.1, float("nan"), 0.1, 0.1]}, "NaN"),
        ({"times": [0.1, -0.2, 0.1, 0.1]}, "non-negative"),
        ({"times": [0.1, 0.1, 0.1]}, "3 levels"),
        ({"times": 0.5}, "scalar"),
        ({"times": []}, "empty"),
        ({"times": [[0.1, 0.1, 0.1, 0.1], [0.1]]}, "regular"),
        ({"times": ["fast", 0.1, 0.1, 0.1]}, "numbers"),
        ({"ref_times": [None, 0.01, None, 0.5]}, "level 2"),
        ({"ref_times": [None, 0.01, 0.1, 1.0]}, r"T=1.0 must exceed .* level 3"),
        ({"ref_times": [None, 0.01, 1.5, 0.5]}, "level 2"),
        ({"limit": 0.0}, "positive"),
        ({"limit": math.inf}, "finite"),
        ({"weights": [0, 3, 3]}, "3 entries"),
        ({"weights": [0, -3, 3, 4]}, "non-negative"),
        ({"weights": [0, 0, 0, 0]}, "positive weight"),
        ({"weights": [0, 3, float("nan"), 4]}, "finite"),
    ],
)
def test_efficiency_score_rejects(kwargs: dict[str, object], fragment: str) -> None:
    args: dict[str, object] = {
        "times": [0.001, 0.02, 0.3, 0.8], "ref_times": REF, "limit": 1.0, "weights": H
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=fragment):
        efficiency_score(args["times"], args["ref_times"], args["limit"], args["weights"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (([None, 0.01, 0.1, 0.5], 1.0, H), "above 1"),
        (([None, 0.01, 0.1, 0.5], math.nan, H), "above 1"),
        (([None, 0.01, None, 0.5], 2.0, H), "level 2"),
        (([None, 0.0, 0.0, 0.0], 2.0, H), "are 0"),
        (([0.01, 0.1], 2.0, H), "4 entries"),
        (([[0.01, 0.1]], 2.0, [1, 1]), "1-D"),
    ],
)
def test_time_limit_rejects(args: tuple[object, object, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        time_limit(*args)  # type: ignore[arg-type]


# --- Hodges-Lehmann and relative MAD ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([1.0, 1.1, 1.2, 1.3, 1.05, 1.15], 1.125),
        ([1.0, 1.1, 1.2, 1.3, 1.05, 9.0], 1.175),  # one outlier: tolerated
        ([1.0, 1.1, 1.2, 1.3, 9.0, 9.0], 5.0),  # two outliers: breaks down
        ([3, 1, 2], 2.0),
        ([4.0], 4.0),
    ],
)
def test_o6_hodges_lehmann(data: list[float], expected: float) -> None:
    assert hodges_lehmann(data) == pytest.approx(expected, abs=1e-12)


def test_o6_one_outlier_other_locations() -> None:
    data = [1.0, 1.1, 1.2, 1.3, 1.05, 9.0]
    assert statistics.median(data) == pytest.approx(1.15)
    assert hodges_lehmann(data) < statistics.mean(data)


@settings(deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12))
def test_hodges_lehmann_equals_brute_force(data: list[float]) -> None:
    walsh = [(data[a] + data[b]) / 2 for a in range(len(data)) for b in range(a, len(data))]
    assert hodges_lehmann(data) == pytest.approx(statistics.median(walsh), rel=1e-12, abs=1e-9)


@settings(deadline=None, max_examples=300)
@given(st.lists(st.floats(-1e6, 1e6).filter(lambda v: v == 0.0 or abs(v) > 1e-300),
                min_size=1, max_size=32)
       | st.lists(st.sampled_from([1e-3, 2.5e-3, 7e-4]), min_size=1, max_size=32))
def test_short_lists_take_a_plain_python_path_with_bit_identical_results(
        data: list[float]) -> None:
    # Plain lists and tuples of up to 32 repeats skip numpy (its per-call overhead was ~10 % of
    # the engine's host CPU); an array always takes the numpy path.
    as_array = np.asarray(data, dtype=float)
    assert hodges_lehmann(data) == hodges_lehmann(as_array)
    assert hodges_lehmann(tuple(data)) == hodges_lehmann(as_array)
    assert type(hodges_lehmann(data)) is float
    if float(np.median(as_array)) != 0.0:
        assert relative_mad(data) == relative_mad(as_array)
        assert relative_mad(data, scale=MAD_NORMAL_SCALE) == relative_mad(
            as_array, scale=MAD_NORMAL_SCALE)


def test_hodges_lehmann_axis() -> None:
    rng = np.random.default_rng(5)
    x = rng.lognormal(size=(4, 6, 3))
    got = hodges_lehmann(x, axis=1)
    assert got.shape == (4, 3)
    for i, j in itertools.product(range(4), range(3)):
        assert got[i, j] == hodges_lehmann(x[i, :, j])
    assert hodges_lehmann(x) == hodges_lehmann(x.ravel())


def test_relative_mad() -> None:
    data = [1.0, 1.1, 1.2, 1.3, 1.05, 9.0]
    med = statistics.median(data)
    mad = statistics.median(abs(x - med) for x in data)
    assert relative_mad(data) == pytest.approx(mad / med)
    assert relative_mad(data, scale=MAD_NORMAL_SCALE) == pytest.approx(1.4826 * mad / med,
                                                                         rel=1e-4)
    x = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 8.0]])
    np.testing.assert_allclose(relative_mad(x, axis=1), [0.5, 0.0])
    np.testing.assert_allclose(relative_mad(x.T, axis=0), [0.5, 0.0])


def test_relative_mad_scale_constant_is_normal_consistent() -> None:
    from scipy import stats

    assert pytest.approx(1.0 / stats.norm.ppf(0.75), rel=1e-15) == MAD_NORMAL_SCALE


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: hodges_lehmann([]), "empty"),
        (lambda: hodges_lehmann([1.0, math.nan]), "finite"),
        (lambda: hodges_lehmann([1.0, math.inf]), "finite"),
        (lambda: hodges_lehmann([[1.0, 2.0]], axis=3), "axis 3"),
        (lambda: relative_mad([0.0, 0.0, 1.0]), "median of samples is 0"),
        (lambda: relative_mad([1.0, 2.0], scale=0), "scale"),
        (lambda: relative_mad([]), "empty"),
        (lambda: relative_mad([1.0, None]), "finite"),
    ],
)
def test_timing_statistics_reject(call: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        call()  # type: ignore[operator]
