"""Estimators: pass@k, eff@k, ENAMEL efficiency scores, robust timing statistics and intervals.

Pure, vectorised numpy functions; this module imports nothing from codeeff so that it can be used
(and tested) on its own. Every invalid argument raises :class:`ValueError` with a message that
names the offending value; nothing silently clips, drops or defaults a number.

Sources for the formulas (details in each docstring):

- pass@k: Chen et al. 2021, *Evaluating Large Language Models Trained on Code*, arXiv:2107.03374.
- eff@k and the efficiency score: Qiu et al., *How efficient is LLM-generated code? A rigorous &
  high-standard benchmark* (ENAMEL), ICLR 2025, arXiv:2406.06647, Eq. (1)-(6) and Algorithm 1.
- Hodges-Lehmann: Hodges & Lehmann 1963, Ann. Math. Stat. 34:598-611.
- U-statistic variance: Hoeffding 1948; jackknife: Efron & Stein 1981.
- Intervals over problems: Miller 2024, *Adding error bars to evals*, arXiv:2411.00640.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "MAD_NORMAL_SCALE",
    "ConfidenceInterval",
    "PairedComparison",
    "bootstrap_ci",
    "eff_at_k",
    "eff_at_k_batch",
    "eff_at_k_variance",
    "eff_at_k_weights",
    "efficiency_score",
    "generation_se",
    "hodges_lehmann",
    "level_scores",
    "mean_ci",
    "paired_comparison",
    "pass_at_k",
    "relative_mad",
    "time_limit",
]

FloatArray = NDArray[np.float64]

MAD_NORMAL_SCALE = 1.482602218505602
"""``1 / Phi^-1(3/4)``: multiplying the MAD by this makes it consistent for the SD of a normal."""

# Above this many problems, sign-flip p-values switch from exact enumeration (2**P sums) to
# Monte Carlo; 2**20 float64 sums are 8 MiB, which is still cheap.
_EXACT_SIGN_FLIP_MAX = 20

# Bootstrap and Monte-Carlo draws are generated in blocks of about this many indices so that
# memory stays bounded (10,000 resamples x 10,000 problems would otherwise be 800 MB).
_DRAW_BLOCK = 1 << 22


# --------------------------------------------------------------------------------------------
# Argument validation (every check names the value it rejects)
# --------------------------------------------------------------------------------------------


def _as_int(value: Any, name: str) -> int:
    """Return ``value`` as a Python int; reject bools, floats and anything non-integral."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be an integer, got the boolean {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def _check_k(k: Any, n: int) -> int:
    """Validate ``1 <= k <= n`` and return k as an int."""
    k = _as_int(k, "k")
    if k < 1:
        raise ValueError(f"k must be at least 1, got k={k}")
    if k > n:
        raise ValueError(f"k={k} exceeds the number of samples n={n}")
    return k


def _as_counts(value: ArrayLike, name: str) -> NDArray[np.int64]:
    """Convert an integer count (or array of counts) to int64, rejecting non-integral values."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be an integer count, got the boolean {value!r}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an integer count or an array of them: {exc}") from None
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    kind = arr.dtype.kind
    if kind in "iu":
        return arr.astype(np.int64, copy=False)
    if kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            raise ValueError(f"{name} must hold integers, got {arr[bad].flat[0]!r}")
        return arr.astype(np.int64)
    raise ValueError(f"{name} must be an integer count or an array of them, got {value!r}")


def _as_finite_1d(values: ArrayLike, name: str, *, min_size: int = 1) -> FloatArray:
    """Convert to a 1-D float array; reject NaN/inf, wrong shapes and too few values."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a sequence of numbers: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(
            f"{name} needs at least {min_size} value(s), got {arr.size}"
            if arr.size
            else f"{name} is empty"
        )
    _check_finite(arr, name)
    return arr


def _check_finite(arr: FloatArray, name: str) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        index = where[0] if len(where) == 1 else where
        raise ValueError(f"{name} must be finite, got {arr[where]!r} at index {index}")


def _check_confidence(confidence: float) -> float:
    c = float(confidence)
    if not 0.0 < c < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    return c


def _as_generator(rng: np.random.Generator | int, name: str = "rng") -> np.random.Generator:
    """Accept a numpy Generator or an integer seed; never fall back to global state."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (bool, np.bool_)):
        raise ValueError(f"{name} must be a numpy Generator or an integer seed, got {rng!r}")
    try:
        seed = operator.index(rng)
    except TypeError:
        raise ValueError(
            f"{name} must be a numpy Generator or an integer seed, got {rng!r}"
        ) from None
    if seed < 0:
        raise ValueError(f"{name} seed must be non-negative, got {seed}")
    return np.random.default_rng(seed)


def _as_times(values: Any, name: str) -> FloatArray:
    """Times as floats with ``None`` mapped to ``inf`` (censored); reject NaN and negatives."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        arr = values.astype(float)
    else:
        try:
            obj = np.array(values, dtype=object)
            is_none = np.asarray(np.frompyfunc(lambda v: v is None, 1, 1)(obj), dtype=bool)
            obj[is_none] = math.inf
            arr = obj.astype(float)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{name} must be numbers or None (censored), in a regular array: {exc}"
            ) from None
    if arr.ndim == 0:
        raise ValueError(f"{name} must be a sequence of per-level times, got a scalar {values!r}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    nan = np.isnan(arr)
    if nan.any():
        where = tuple(int(i) for i in np.argwhere(nan)[0])
        raise ValueError(f"{name} holds NaN at index {where}; mark a killed run with None or inf")
    neg = arr < 0
    if neg.any():
        where = tuple(int(i) for i in np.argwhere(neg)[0])
        raise ValueError(f"{name} must be non-negative, got {arr[where]!r} at index {where}")
    return arr


def _as_level_weights(weights: ArrayLike, levels: int) -> FloatArray:
    h = _as_finite_1d(weights, "weights")
    if h.size != levels:
        raise ValueError(f"weights has {h.size} entries but there are {levels} levels")
    if (h < 0).any():
        raise ValueError(f"weights must be non-negative, got {h[h < 0][0]!r}")
    if not (h > 0).any():
        raise ValueError("weights must have at least one level with a positive weight")
    return h


def _check_scored_refs(ref: FloatArray, scored: NDArray[np.bool_]) -> None:
    for level in np.flatnonzero(scored & ~np.isfinite(ref)):
        raise ValueError(
            f"reference time of scored level {int(level)} is missing or infinite ({ref[level]!r})"
        )


# --------------------------------------------------------------------------------------------
# pass@k
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _pass_complement_table(n: int, k: int) -> FloatArray:
    """``q[c] = C(n-c, k) / C(n, k)`` for ``c = 0..n-k`` as the stable product of Chen et al.

    ``q[c] = prod_{j=n-c+1}^{n} (1 - k/j)``; the running product over ``j = n, n-1, ...`` gives
    every ``c`` at once, so a whole batch of problems with the same ``n`` costs one cumprod.
    """
    table = np.empty(n - k + 1)
    table[0] = 1.0
    table[1:] = np.cumprod(1.0 - k / np.arange(n, k, -1, dtype=float))
    table.flags.writeable = False
    return table


def pass_at_k(n: ArrayLike, c: ArrayLike, k: ArrayLike) -> float | FloatArray:
    """Unbiased pass@k from n samples of which c are correct (Chen et al. 2021, Eq. 1).

    ``pass@k = 1 - C(n-c, k) / C(n, k)``, computed in the numerically stable product form
    ``1 - prod_{j=n-c+1}^{n} (1 - k/j)`` of Chen et al. (arXiv:2107.03374, Fig. 3), which never
    forms a binomial coefficient. It is exactly 1 when ``n - c < k`` (every k-subset holds a
    correct sample) and 0 when ``c = 0``. It equals :func:`eff_at_k` applied to 0/1 scores.
    One running product per distinct ``(n, k)`` serves every c, so the cost is the sum of the
    distinct n plus the array size (10,000 problems at n = 200 take a few milliseconds).

    Args:
        n: Number of samples per problem; an int or an array.
        c: Number of correct samples; an int or an array, broadcast against ``n``.
        k: The k of pass@k; an int or an array, broadcast against ``n`` and ``c``.

    Returns:
        A float when all arguments are scalars, otherwise an array of the broadcast shape.

    Raises:
        ValueError: If an argument is not an integer count, ``n < 1``, ``k < 1``, ``k > n``,
            ``c < 0``, ``c > n``, the arguments are empty or cannot be broadcast together.
    """
    n_arr, c_arr, k_arr = _as_counts(n, "n"), _as_counts(c, "c"), _as_counts(k, "k")
    try:
        n_b, c_b, k_b = np.broadcast_arrays(n_arr, c_arr, k_arr)
    except ValueError:
        raise ValueError(
            f"n, c and k cannot be broadcast together (shapes {n_arr.shape}, {c_arr.shape}, "
            f"{k_arr.shape})"
        ) from None
    fn, fc, fk = n_b.ravel(), c_b.ravel(), k_b.ravel()
    for bad, what in (
        (fn < 1, "n must be at least 1"),
        (fk < 1, "k must be at least 1"),
        (fc < 0, "c must be non-negative"),
        (fc > fn, "c cannot exceed n"),
        (fk > fn, "k cannot exceed n"),
    ):
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"{what}: got n={fn[i]}, c={fc[i]}, k={fk[i]} (element {i})")

    out = np.empty(fn.size)
    pairs, inverse = np.unique(np.stack([fn, fk], axis=1), axis=0, return_inverse=True)
    inverse = inverse.ravel()  # numpy 2.0.x returned a 2-D inverse for axis=0
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse, minlength=len(pairs)))[:-1]
    for (nn, kk), members in zip(pairs, np.split(order, bounds), strict=True):
        table = _pass_complement_table(int(nn), int(kk))
        cc = fc[members]
        res = np.ones(cc.size)
        some_fail = cc <= nn - kk  # otherwise every k-subset contains a correct sample
        res[some_fail] = 1.0 - table[cc[some_fail]]
        out[members] = res
    if n_b.ndim == 0:
        return float(out[0])
    return out.reshape(n_b.shape)


# --------------------------------------------------------------------------------------------
# eff@k
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _weights(n: int, k: int) -> FloatArray:
    """Read-only ``lambda_r`` for ``r = k..n`` (see :func:`eff_at_k_weights`)."""
    # Sequential recurrence lambda_n = k/n, lambda_r = lambda_{r+1} (1 - (k-1)/r), as in ENAMEL's
    # Algorithm 1: the closed form C(r-1,k-1)/C(n,k) overflows floats for n in the hundreds.
    # cumprod multiplies left to right, so this is the same rounding sequence as the loop.
    factors = np.empty(n - k + 1)
    factors[0] = k / n
    factors[1:] = 1.0 - (k - 1) / np.arange(n - 1, k - 1, -1, dtype=float)
    lam = np.cumprod(factors)[::-1].copy()
    lam.flags.writeable = False
    return lam


def eff_at_k_weights(n: int, k: int) -> FloatArray:
    """The eff@k weights ``lambda_r = C(r-1, k-1) / C(n, k)`` for ``r = k..n``.

    Entry ``i`` belongs to the ascending order statistic ``e_(k+i)``, i.e. the weights pair with
    ``sorted(scores)[k-1:]``, the TOP ``n-k+1`` scores. They sum to 1 (hockey-stick identity).

    Args:
        n: Number of samples.
        k: The k of eff@k, ``1 <= k <= n``.

    Returns:
        A new array of length ``n - k + 1``.

    Raises:
        ValueError: If ``n < 1`` or k is out of range.
    """
    n = _as_int(n, "n")
    if n < 1:
        raise ValueError(f"n must be at least 1, got n={n}")
    return _weights(n, _check_k(k, n)).copy()


def eff_at_k(scores: ArrayLike, k: int) -> float:
    """Unbiased eff@k = E[max of k i.i.d. sample scores] from n >= k scores (ENAMEL, Alg. 1).

    The Rao-Blackwellised estimator of Qiu et al. (ICLR 2025, arXiv:2406.06647): the average,
    over all k-subsets of the n samples, of the subset's maximum score, which equals

        eff@k = sum_{r=k}^{n} lambda_r e_(r),   lambda_r = C(r-1, k-1) / C(n, k),

    on the ascending order statistics ``e_(1) <= ... <= e_(n)`` (the k-1 smallest get weight 0).
    The weights come from the stable recurrence ``lambda_n = k/n``,
    ``lambda_r = lambda_{r+1} (1 - (k-1)/r)``, so n in the thousands is exact to rounding. It is
    the UMVUE of eff@k; k=1 gives the mean, k=n the maximum; on 0/1 scores it is pass@k.
    Scores are not clipped: ENAMEL scores above 1 (faster than the reference) pass through.

    Args:
        scores: The n per-sample scores of one problem (0 for an incorrect sample).
        k: The k of eff@k, ``1 <= k <= n``.

    Returns:
        The estimate as a float.

    Raises:
        ValueError: If scores are empty, not 1-D or not finite, or k is out of range.
    """
    e = _as_finite_1d(scores, "scores")
    n = e.size
    k = _check_k(k, n)
    return float(np.sort(e)[k - 1 :] @ _weights(n, k))


def _ks(k: int | Sequence[int]) -> tuple[list[int], bool]:
    """Normalise ``k`` to a non-empty list; report whether it was a single int."""
    if isinstance(k, (Sequence, np.ndarray)) and not isinstance(k, (str, bytes)):
        ks = [_as_int(v, "k") for v in k]
        if not ks:
            raise ValueError("k is an empty sequence")
        scalar = False
    else:
        ks, scalar = [_as_int(k, "k")], True
    for v in ks:
        if v < 1:
            raise ValueError(f"k must be at least 1, got k={v}")
    return ks, scalar


def _group_by_length(
    score_lists: ArrayLike | Sequence[ArrayLike],
) -> list[tuple[NDArray[np.intp], FloatArray]]:
    """Group problems by sample count: ``[(problem indices, 2-D score block), ...]``."""
    if isinstance(score_lists, np.ndarray) and score_lists.dtype != object:
        if score_lists.ndim != 2:
            raise ValueError(
                f"score_lists must be 2-D (problems x samples) or a sequence of 1-D score lists, "
                f"got an array of shape {score_lists.shape}"
            )
        block = score_lists.astype(float, copy=False)
        if block.shape[0] == 0:
            raise ValueError("score_lists holds no problems")
        if block.shape[1] == 0:
            raise ValueError("score_lists has problems with no samples")
        groups = [(np.arange(block.shape[0]), block)]
    else:
        rows: list[FloatArray] = []
        for i, row in enumerate(score_lists):
            try:
                arr = np.asarray(row, dtype=float)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"scores of problem {i} are not numbers: {exc}") from None
            if arr.ndim != 1:
                raise ValueError(f"scores of problem {i} must be 1-D, got shape {arr.shape}")
            if arr.size == 0:
                raise ValueError(f"scores of problem {i} are empty")
            rows.append(arr)
        if not rows:
            raise ValueError("score_lists holds no problems")
        lengths = np.fromiter((r.size for r in rows), dtype=np.intp, count=len(rows))
        groups = []
        for n in np.unique(lengths):
            idx = np.flatnonzero(lengths == n)
            groups.append((idx, np.stack([rows[i] for i in idx])))
    for idx, block in groups:
        bad = ~np.isfinite(block)
        if bad.any():
            r, s = (int(v) for v in np.argwhere(bad)[0])
            raise ValueError(
                f"scores of problem {int(idx[r])} must be finite, got {block[r, s]!r} at sample {s}"
            )
    return groups


def eff_at_k_batch(
    score_lists: ArrayLike | Sequence[ArrayLike], k: int | Sequence[int]
) -> FloatArray:
    """:func:`eff_at_k` for many problems at once; problems may have different sample counts.

    Problems are grouped by their sample count n; each group is sorted once as a 2-D array and
    multiplied by the cached weight vector of every requested k, so 10,000 problems x 200 samples
    take tens of milliseconds. Results equal :func:`eff_at_k` problem by problem.

    Args:
        score_lists: A 2-D array (problems x samples) or a sequence of 1-D score sequences
            (ragged lengths allowed).
        k: One k, or a sequence of ks to compute from a single sort.

    Returns:
        Shape ``(P,)`` for a single k, ``(P, len(k))`` for a sequence of ks.

    Raises:
        ValueError: If there are no problems, a problem has no samples or a non-finite score,
            or some k exceeds a problem's sample count (the message names the problem).
    """
    ks, scalar = _ks(k)
    groups = _group_by_length(score_lists)
    total = sum(idx.size for idx, _ in groups)
    out = np.empty((total, len(ks)))
    k_max = max(ks)
    for idx, block in groups:
        n = block.shape[1]
        if k_max > n:
            raise ValueError(
                f"k={k_max} exceeds the number of samples n={n} of problem {int(idx[0])}"
            )
        ordered = np.sort(block, axis=1)
        for j, kk in enumerate(ks):
            out[idx, j] = ordered[:, kk - 1 :] @ _weights(n, kk)
    return out[:, 0] if scalar else out


# --------------------------------------------------------------------------------------------
# Within-problem variance of eff@k
# --------------------------------------------------------------------------------------------


def eff_at_k_variance(
    scores: ArrayLike,
    k: int,
    *,
    method: Literal["auto", "unbiased", "jackknife"] = "auto",
) -> float:
    """Variance of the eff@k estimate of one problem, from its own n samples.

    ``"unbiased"`` (needs ``n >= 2k``): ``V = U^2 - Q`` where U is :func:`eff_at_k` and Q is the
    average of ``max(S1) max(S2)`` over ordered pairs of disjoint k-subsets, so ``E[Q] = eff@k^2``
    (the idea of Wang & Lindsay 2014 for U-statistics). For the max kernel Q is O(n) on sorted
    scores: ``Q = 2 sum_{a<b} lambda^{(n,k)}_a lambda^{(n-k,k)}_{b-k} e_(a) e_(b)``. It can be
    slightly negative for tiny n; it is returned as computed.

    ``"jackknife"`` (needs ``n >= k+1``): ``V_J = (n-1)/n sum_j (U_(-j) - mean U_(-)) ^ 2``
    over leave-one-out estimates; biased upward, i.e. conservative (Efron & Stein 1981), and
    equal to the unbiased estimate at k = 1. ``"auto"`` picks unbiased when ``n >= 2k``.

    Args:
        scores: The n per-sample scores of one problem.
        k: The k of eff@k.
        method: ``"auto"``, ``"unbiased"`` or ``"jackknife"``.

    Returns:
        The variance estimate of the problem's eff@k.

    Raises:
        ValueError: On invalid scores or k, an unknown method, or too few samples for it.
    """
    e = np.sort(_as_finite_1d(scores, "scores"))
    n = e.size
    k = _check_k(k, n)
    if method == "auto":
        method = "unbiased" if n >= 2 * k else "jackknife"
    if method == "unbiased":
        if n < 2 * k:
            raise ValueError(f"the unbiased variance needs n >= 2k samples, got n={n}, k={k}")
        lam = _weights(n, k)  # ranks a = k..n
        u = float(e[k - 1 :] @ lam)
        # inner[a-k] = sum_{a'=k}^{a} lambda_a' e_(a'); b runs over 2k..n with partner weights
        # lambda^{(n-k,k)}_{b-k}: the second subset's k-1 others avoid the first subset's k.
        inner = np.cumsum(lam * e[k - 1 :])
        q = 2.0 * float(np.sum(_weights(n - k, k) * e[2 * k - 1 :] * inner[k - 1 : n - k]))
        return u * u - q
    if method == "jackknife":
        if n < k + 1:
            raise ValueError(f"the jackknife variance needs n >= k+1 samples, got n={n}, k={k}")
        w = np.zeros(n - 1)
        w[k - 1 :] = _weights(n - 1, k)  # weight of rank r (1-based r = 1..n-1) without one sample
        # Removing sorted sample j keeps the ranks below j and shifts those above down by one.
        below = np.concatenate(([0.0], np.cumsum(w * e[: n - 1])))
        above = np.concatenate((np.cumsum((w * e[1:])[::-1])[::-1], [0.0]))
        loo = below + above
        return float((n - 1) / n * np.sum((loo - loo.mean()) ** 2))
    raise ValueError(f"method must be 'auto', 'unbiased' or 'jackknife', got {method!r}")


def generation_se(
    score_lists: Sequence[ArrayLike],
    k: int,
    *,
    method: Literal["auto", "unbiased", "jackknife"] = "auto",
) -> float:
    """Fixed-benchmark standard error of the mean eff@k: ``SE_gen = sqrt(sum_i V_i) / P``.

    Answers "how much would the score move if the samples were regenerated (and re-timed) on
    these same problems", with ``V_i`` from :func:`eff_at_k_variance`. It is smaller than the
    super-population SE of :func:`mean_ci`, which already contains this noise. The sum of
    unbiased ``V_i`` can be negative for tiny n; it is then reported as 0 (the only clipping
    here, because a standard error cannot be negative).

    Args:
        score_lists: Per-problem score sequences.
        k: The k of eff@k.
        method: Passed to :func:`eff_at_k_variance` for every problem.

    Returns:
        The standard error.

    Raises:
        ValueError: If there are no problems, or on any per-problem error (named by index).
    """
    total = 0.0
    count = 0
    for i, scores in enumerate(score_lists):
        try:
            total += eff_at_k_variance(scores, k, method=method)
        except ValueError as exc:
            raise ValueError(f"problem {i}: {exc}") from None
        count += 1
    if count == 0:
        raise ValueError("score_lists holds no problems")
    return math.sqrt(max(total, 0.0)) / count


# --------------------------------------------------------------------------------------------
# ENAMEL efficiency scores with right-censoring
# --------------------------------------------------------------------------------------------


def time_limit(ref_level_times: ArrayLike, alpha: float, weights: ArrayLike) -> float:
    """The per-problem time limit ``T = alpha * max_{l: h_l > 0} t*_l`` (ENAMEL, Sec. 3).

    ``t*_l`` is the reference's time at level l (ENAMEL: max over the level's test cases of a
    Hodges-Lehmann time). Only levels with a positive weight count, as in ENAMEL where level 0
    (weight 0) is a correctness filter; their reference times may be ``None``.

    Args:
        ref_level_times: Reference time per level, in seconds.
        alpha: The timeout factor, ``> 1`` (ENAMEL uses 2).
        weights: Level weights ``h_l`` (ENAMEL: 0, 3, 3, 4).

    Returns:
        T in the units of the reference times.

    Raises:
        ValueError: If alpha is not finite and > 1, a scored level's reference time is missing,
            or the lengths of times and weights differ.
    """
    ref = _as_times(ref_level_times, "ref_level_times")
    if ref.ndim != 1:
        raise ValueError(f"ref_level_times must be 1-D, got shape {ref.shape}")
    h = _as_level_weights(weights, ref.size)
    a = float(alpha)
    if not math.isfinite(a) or a <= 1.0:
        raise ValueError(f"alpha must be a finite number above 1, got {alpha!r}")
    scored = h > 0
    _check_scored_refs(ref, scored)
    limit = a * float(ref[scored].max())
    if limit <= 0.0:
        raise ValueError("the reference times of all scored levels are 0; T would be 0")
    return limit


def level_scores(
    times: Any,
    ref_times: Any,
    time_limit: float,
    weights: ArrayLike,
    *,
    clip: bool = False,
    cascade: bool = True,
) -> FloatArray:
    """ENAMEL per-level scores ``f_l = max(0, T - t_l) / (T - t*_l)`` (Qiu et al., Eq. 1).

    Right-censoring: a killed run is given as ``None``, ``math.inf`` or ``numpy.inf`` and scores
    exactly 0. Because ``f`` is 0 for every ``t >= T``, this is exact (not an approximation) as
    long as the kill limit is at least T in the same units. A finite ``t >= T`` (finished after T
    but before the kill) also scores 0 but is not a kill.

    ``cascade=True`` (ENAMEL parity) treats every level after a killed level as killed too,
    because ENAMEL stops a sample at its first timeout; callers may equally mark the later levels
    ``None`` themselves. Levels with weight 0 (ENAMEL's level 0) score 0 and their reference may
    be ``None``; a kill there still cascades (ENAMEL fails such a sample outright).

    Args:
        times: Per-level times ``t_l`` of one sample (shape ``(L,)``) or of many (``(..., L)``).
        ref_times: Reference time ``t*_l`` per level, shape ``(L,)``.
        time_limit: T, from :func:`time_limit`.
        weights: Level weights ``h_l``, shape ``(L,)``; only used to know which levels score.
        clip: Clip each level at 1 (not ENAMEL: it lets faster-than-reference code score up
            to ``T / (T - t*_l)``).
        cascade: Censor every level after the first killed one.

    Returns:
        ``f`` with the shape of ``times``.

    Raises:
        ValueError: On NaN or negative times, mismatched lengths, a missing scored reference,
            a non-positive or non-finite T, or ``T <= t*_l`` at a scored level.
    """
    t = _as_times(times, "times")
    ref = _as_times(ref_times, "ref_times")
    if ref.ndim != 1:
        raise ValueError(f"ref_times must be 1-D, got shape {ref.shape}")
    levels = ref.size
    if t.shape[-1] != levels:
        raise ValueError(f"times has {t.shape[-1]} levels but ref_times has {levels}")
    h = _as_level_weights(weights, levels)
    limit = float(time_limit)
    if not math.isfinite(limit) or limit <= 0.0:
        raise ValueError(f"time_limit must be finite and positive, got {time_limit!r}")
    scored = h > 0
    _check_scored_refs(ref, scored)
    for level in np.flatnonzero(scored & (ref >= limit)):
        raise ValueError(
            f"time_limit T={limit!r} must exceed the reference time t*={ref[level]!r} of level "
            f"{int(level)}"
        )
    killed = np.isinf(t)
    if cascade:
        killed = np.logical_or.accumulate(killed, axis=-1)
    denom = np.where(scored, limit - ref, 1.0)
    f = np.maximum(0.0, limit - t) / denom
    f = np.where(killed | ~scored, 0.0, f)
    if clip:
        f = np.minimum(f, 1.0)
    return f


def efficiency_score(
    times: Any,
    ref_times: Any,
    time_limit: float,
    weights: ArrayLike,
    *,
    clip: bool = False,
    cascade: bool = True,
) -> float | FloatArray:
    """ENAMEL per-sample efficiency score ``e = sum_l h_l f_l / sum_l h_l`` (Qiu et al., Eq. 2).

    ``f_l`` comes from :func:`level_scores` (see there for censoring and the cascade). This is
    the score of a *correct* sample; an incorrect sample scores 0 and the caller sets that. Not
    clipped above 1 by default (ENAMEL parity: with alpha = 2 it reaches at most 2);
    ``clip=True`` clips each level at 1 first.

    Args:
        times: Per-level times of one sample ``(L,)`` or of many ``(..., L)``; ``None`` or inf
            marks a killed (censored) level.
        ref_times: Reference time per level ``(L,)``.
        time_limit: T, from :func:`time_limit`.
        weights: Level weights ``h_l``; only levels with ``h_l > 0`` contribute.
        clip: Clip each level score at 1.
        cascade: Censor every level after the first killed one (ENAMEL parity).

    Returns:
        A float for one sample, an array of shape ``times.shape[:-1]`` for many.

    Raises:
        ValueError: As :func:`level_scores`.
    """
    f = level_scores(times, ref_times, time_limit, weights, clip=clip, cascade=cascade)
    h = _as_level_weights(weights, f.shape[-1])
    # An explicit reduction (not matmul/BLAS) so one sample and a batch round identically.
    e = np.sum(f * h, axis=-1) / h.sum()
    return float(e) if np.ndim(e) == 0 else e


# --------------------------------------------------------------------------------------------
# Robust timing statistics
# --------------------------------------------------------------------------------------------


def _timing_array(samples: ArrayLike, axis: int | None) -> FloatArray:
    try:
        x = np.asarray(samples, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"samples must be numbers: {exc}") from None
    if x.size == 0:
        raise ValueError("samples is empty")
    _check_finite(x.ravel(), "samples")
    if axis is None:
        return x.ravel()
    try:
        return np.moveaxis(x, axis, -1)
    except ValueError:  # numpy's AxisError is a ValueError
        raise ValueError(f"axis {axis} is out of range for samples of shape {x.shape}") from None


_SHORT_SERIES = 32
"""Up to this many repeats given as a plain list or tuple, the robust locations below are worked
out in plain Python: numpy's per-call overhead (~45 us for a median) is ~10x the work at R = 6,
and the engine asks for them several times per timed test. The operations are the same IEEE
ones in the same order, so the results are bit-identical (tested)."""


def _short_series(samples: ArrayLike, axis: int | None) -> list[float] | None:
    """``samples`` as a validated list of floats, or None to take the numpy path."""
    if axis is not None or type(samples) not in (list, tuple) or len(samples) > _SHORT_SERIES:
        return None
    try:
        xs = [float(v) for v in samples]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None  # the numpy path raises the usual error
    if not xs or not all(map(math.isfinite, xs)):
        return None
    return xs


def _median_of_sorted(v: list[float]) -> float:
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2.0


def hodges_lehmann(samples: ArrayLike, axis: int | None = None) -> float | FloatArray:
    """Hodges-Lehmann location: the median of the Walsh averages ``(x_a + x_b) / 2``, ``a <= b``.

    Self-pairs are included (the "HL2" convention, as ENAMEL's ``calc_exec_time``), giving
    ``R(R+1)/2`` averages for R repeats (21 for R = 6). Hodges & Lehmann (1963). Breakdown point
    about 0.29; Gaussian efficiency 3/pi relative to the mean.

    Args:
        samples: Repeat times (any real values).
        axis: Axis holding the repeats; ``None`` flattens.

    Returns:
        A float for ``axis=None`` or 1-D input, otherwise an array without ``axis``.

    Raises:
        ValueError: If samples is empty or holds NaN or inf (handle killed repeats first).
    """
    xs = _short_series(samples, axis)
    if xs is not None:
        n = len(xs)
        return _median_of_sorted(sorted([(xs[a] + xs[b]) / 2.0
                                         for a in range(n) for b in range(a, n)]))
    x = _timing_array(samples, axis)
    i, j = np.triu_indices(x.shape[-1])
    walsh = (x[..., i] + x[..., j]) / 2.0
    result = np.median(walsh, axis=-1)
    return float(result) if np.ndim(result) == 0 else result


def relative_mad(
    samples: ArrayLike, *, scale: float = 1.0, axis: int | None = None
) -> float | FloatArray:
    """Relative median absolute deviation ``scale * median(|x - median(x)|) / |median(x)|``.

    Unscaled by default (``scale=1``). Pass ``scale=MAD_NORMAL_SCALE`` (1.4826) for a robust
    coefficient of variation that estimates the SD/mean ratio under normal noise.

    Args:
        samples: Repeat times.
        scale: Positive multiplier of the MAD.
        axis: Axis holding the repeats; ``None`` flattens.

    Returns:
        A float for ``axis=None`` or 1-D input, otherwise an array without ``axis``.

    Raises:
        ValueError: If samples is empty or not finite, scale is not positive, or a median is 0.
    """
    s = float(scale)
    if not math.isfinite(s) or s <= 0.0:
        raise ValueError(f"scale must be finite and positive, got {scale!r}")
    xs = _short_series(samples, axis)
    if xs is not None:
        m = _median_of_sorted(sorted(xs))
        if m == 0:
            raise ValueError("the median of samples is 0, so the relative MAD is undefined")
        return s * _median_of_sorted(sorted([abs(v - m) for v in xs])) / abs(m)
    x = _timing_array(samples, axis)
    med = np.median(x, axis=-1, keepdims=True)
    if (med == 0).any():
        raise ValueError("the median of samples is 0, so the relative MAD is undefined")
    mad = np.median(np.abs(x - med), axis=-1, keepdims=True)
    result = (s * mad / np.abs(med))[..., 0]
    return float(result) if np.ndim(result) == 0 else result


# --------------------------------------------------------------------------------------------
# Intervals over problems
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfidenceInterval:
    """A benchmark-level estimate (mean over problems) with its confidence interval."""

    estimate: float
    """Mean of the per-problem values."""
    low: float
    """Lower end of the interval."""
    high: float
    """Upper end of the interval."""
    se: float
    """Standard error: ``sd / sqrt(P)`` for ``"t"``, the SD of the resampled means for bootstrap."""
    n: int
    """Number of problems P."""
    confidence: float
    """Nominal coverage, e.g. 0.95."""
    method: str
    """``"t"`` or ``"percentile bootstrap"``."""


@dataclass(frozen=True)
class PairedComparison:
    """Model A minus model B on the same problems (per-problem paired differences)."""

    mean_diff: float
    """Mean of ``a_i - b_i``."""
    se: float
    """Paired standard error ``sd(a - b) / sqrt(P)``."""
    low: float
    """Lower end of the t-interval of the mean difference."""
    high: float
    """Upper end of the t-interval of the mean difference."""
    confidence: float
    """Nominal coverage of the interval."""
    n: int
    """Number of problems P."""
    p_value: float
    """Two-sided sign-flip (paired permutation) p-value for "no difference"."""
    p_method: str
    """``"exact sign-flip"`` or ``"monte-carlo sign-flip"``."""
    unpaired_se: float
    """``sqrt(var(a)/P + var(b)/P)``, what ignoring the pairing would give (for comparison)."""


def _t_quantile(confidence: float, df: int) -> float:
    # Imported here, and from scipy.special rather than scipy.stats (measured: 0.23 s against
    # 0.5 s more to import): most users of this module (timing, scoring) never need it.
    from scipy.special import stdtrit

    return float(stdtrit(df, 0.5 + confidence / 2.0))


def mean_ci(per_problem: ArrayLike, confidence: float = 0.95) -> ConfidenceInterval:
    """t-interval for the mean over problems: ``mean +- t_{(1+c)/2, P-1} * sd / sqrt(P)``.

    ``SE_sup = sd / sqrt(P)`` over the per-problem estimates (pass_i@k or eff_i@k) is the
    super-population standard error; by the law of total variance it already includes the
    generation and timing noise within problems (Miller 2024, arXiv:2411.00640).

    Args:
        per_problem: One estimate per problem, at least 2.
        confidence: Nominal coverage in (0, 1).

    Returns:
        A :class:`ConfidenceInterval` with ``method="t"``.

    Raises:
        ValueError: On fewer than 2 values, non-finite values, or a confidence outside (0, 1).
    """
    c = _check_confidence(confidence)
    x = _as_finite_1d(per_problem, "per_problem", min_size=2)
    p = x.size
    mean = float(x.mean())
    se = float(x.std(ddof=1)) / math.sqrt(p)
    half = _t_quantile(c, p - 1) * se
    return ConfidenceInterval(mean, mean - half, mean + half, se, p, c, "t")


def bootstrap_ci(
    per_problem: ArrayLike,
    confidence: float = 0.95,
    n_resamples: int = 10_000,
    *,
    rng: np.random.Generator | int,
) -> ConfidenceInterval:
    """Percentile bootstrap interval for the mean over problems, resampling whole problems.

    Problems are drawn with replacement (each keeps its own estimate); resampling samples
    within problems would double-count their noise (Davison & Hinkley 1997, Sec. 3.8). The
    reported ``se`` is the SD of the resampled means, about ``sqrt((P-1)/P)`` times the t SE.

    Args:
        per_problem: One estimate per problem, at least 2.
        confidence: Nominal coverage in (0, 1).
        n_resamples: Number of bootstrap resamples, at least 2.
        rng: A numpy ``Generator`` (advanced in place) or an integer seed. Required: there is
            no global seeding, so record the seed with the results.

    Returns:
        A :class:`ConfidenceInterval` with ``method="percentile bootstrap"``.

    Raises:
        ValueError: On invalid values, confidence, resample count or rng.
    """
    c = _check_confidence(confidence)
    x = _as_finite_1d(per_problem, "per_problem", min_size=2)
    b = _as_int(n_resamples, "n_resamples")
    if b < 2:
        raise ValueError(f"n_resamples must be at least 2, got {b}")
    gen = _as_generator(rng)
    p = x.size
    means = np.empty(b)
    block = max(1, _DRAW_BLOCK // p)
    for start in range(0, b, block):
        m = min(block, b - start)
        means[start : start + m] = x[gen.integers(0, p, size=(m, p))].mean(axis=1)
    low, high = np.quantile(means, [(1.0 - c) / 2.0, (1.0 + c) / 2.0])
    return ConfidenceInterval(
        float(x.mean()), float(low), float(high), float(means.std(ddof=1)), p, c,
        "percentile bootstrap",
    )


def paired_comparison(
    a: ArrayLike,
    b: ArrayLike,
    confidence: float = 0.95,
    *,
    rng: np.random.Generator | int | None = None,
    n_resamples: int = 10_000,
) -> PairedComparison:
    """Compare two models on the same problems through the per-problem differences ``a - b``.

    The mean difference gets the paired SE ``sd(d) / sqrt(P)`` and a t-interval (Miller 2024).
    The p-value is the two-sided sign-flip test of "no difference": the share of the ``2^P``
    sign patterns ``s`` with ``|sum s_i d_i| >= |sum d_i|``. It is exact for ``P <= 20``;
    beyond, it is Monte Carlo with ``(1 + hits) / (1 + n_resamples)`` (Phipson & Smyth 2010),
    which needs ``rng``. Sums equal up to rounding count as ties (relative tolerance 1e-10).

    Args:
        a: Per-problem estimates of model A.
        b: Per-problem estimates of model B, same problems in the same order.
        confidence: Nominal coverage of the interval.
        rng: Generator or integer seed; required only when ``P > 20``.
        n_resamples: Monte-Carlo sign patterns when ``P > 20``.

    Returns:
        A :class:`PairedComparison`.

    Raises:
        ValueError: On mismatched lengths, fewer than 2 problems, non-finite values, or a
            missing ``rng`` when the Monte-Carlo test is needed.
    """
    c = _check_confidence(confidence)
    xa = _as_finite_1d(a, "a", min_size=2)
    xb = _as_finite_1d(b, "b", min_size=2)
    if xa.size != xb.size:
        raise ValueError(f"a and b must have the same length, got {xa.size} and {xb.size}")
    d = xa - xb
    p = d.size
    mean = float(d.mean())
    se = float(d.std(ddof=1)) / math.sqrt(p)
    half = _t_quantile(c, p - 1) * se
    unpaired = math.sqrt(float(xa.var(ddof=1) + xb.var(ddof=1)) / p)

    observed = abs(float(d.sum()))
    threshold = observed - 1e-10 * float(np.abs(d).sum())
    if p <= _EXACT_SIGN_FLIP_MAX:
        sums = np.zeros(1)
        for value in d:  # all 2^P signed sums by doubling
            sums = np.concatenate((sums + value, sums - value))
        p_value = np.count_nonzero(np.abs(sums) >= threshold) / sums.size
        p_method = "exact sign-flip"
    else:
        if rng is None:
            raise ValueError(
                f"the sign-flip test over P={p} > {_EXACT_SIGN_FLIP_MAX} problems is Monte "
                "Carlo and needs rng (a numpy Generator or an integer seed)"
            )
        gen = _as_generator(rng)
        draws = _as_int(n_resamples, "n_resamples")
        if draws < 1:
            raise ValueError(f"n_resamples must be at least 1, got {draws}")
        hits = 0
        block = max(1, _DRAW_BLOCK // p)
        for start in range(0, draws, block):
            m = min(block, draws - start)
            signs = gen.integers(0, 2, size=(m, p)) * 2 - 1
            hits += int(np.count_nonzero(np.abs(signs @ d) >= threshold))
        p_value = (1 + hits) / (1 + draws)
        p_method = "monte-carlo sign-flip"
    return PairedComparison(
        mean, se, mean - half, mean + half, c, p, float(p_value), p_method, unpaired
    )
