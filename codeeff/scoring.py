"""From stored raw times to scores: pure functions shared by ``score`` and ``rescore``.

Per problem (ENAMEL, Qiu et al. ICLR 2025, Eq. 1-2; see ``estimators``):

1. Reference repetitions of every timed test are pooled: the probe's, and those interleaved
   with every measured sample of the problem. So are the no-op baseline repetitions, over all
   of the problem's tests, apart per side: the reference's (its trusted sandbox) and the
   samples' (their own sandbox on the same core, a fresh supervisor for each sample). Each
   side's times are charged minus its own side's baseline. The per-test time is the Hodges–Lehmann
   estimate of the baseline-subtracted CPU times; the per-level time is the max over the
   level's tests.
2. T = α × the slowest reference level time over the scored levels, never above the recorded
   kill limit minus the tolerance (so that censoring stays exact: every run longer than T was
   either killed or finished, and is scored from min(t, T)).
3. Each sample's tests are walked in the order they ran: a wrong answer or an error fails the
   sample (score 0); a repetition beyond T + tolerance, or a kill, censors that level and every
   level above (score 0 there), but the sample still passes, except at level 0 where it fails.
   With a smaller α than measured this walk reproduces exactly what ENAMEL would have done.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from codeeff.estimators import (
    eff_at_k,
    efficiency_score,
    hodges_lehmann,
    level_scores,
    pass_at_k,
    relative_mad,
    time_limit,
)
from codeeff.measure import noop_baseline
from codeeff.results import CaseRun, ReferenceRecord, SampleRecord

__all__ = [
    "ProblemScore",
    "SampleScore",
    "ScoringParams",
    "finite_median",
    "score_problem",
]

# ENAMEL treats these like a timeout at a timed level (q-rz/enamel enam/evaluate.py): the sample
# still passes with 0 from that level on; at level 0 they fail it.
_TIMEOUT_LIKE_VERDICTS = frozenset({"timeout", "out_of_memory"})
_TIMEOUT_LIKE_ERRORS = frozenset({"MemoryError", "OverflowError"})

SHORT_TIME_BASELINES = 2.0
"""A reference level time (net) below this many no-op baselines is flagged: the child's fixed
cost inside every measured run (~0.05 ms in docker) is then a third or more of each reading.
(An absolute 1 ms threshold flagged 116 of the 142 ENAMEL problems, whose level-1 times of
0.1–1 ms have a median relMAD of 2.5 %, against 1.5 % above 1 ms: noisier, not noise.)"""


@dataclass(frozen=True)
class ScoringParams:
    """What turns raw times into scores for one problem (all rescorable)."""

    weights: tuple[float, ...]
    """Weight per level, level 0 first."""
    alpha: float
    tolerance_s: float
    ks: tuple[int, ...]


@dataclass(frozen=True)
class SampleScore:
    """The score of one sample."""

    task_id: str
    index: int
    code_digest: str
    outcome: str
    """``passed``, or the verdict that failed it (``wrong_answer``, ``runtime_error`` …),
    or ``not_measured`` when no record exists yet."""
    passed: bool
    score: float
    """ENAMEL efficiency score e (0 when failed)."""
    error: str | None = None
    failed_at: tuple[int, int] | None = None
    """(level, case) of the failing test."""
    censored_level: int | None = None
    """The first level killed at (or beyond) the time limit."""
    level_times: tuple[float | None, ...] = ()
    """Per-level time (s, baseline subtracted); ``None`` = censored or not run; level 0 first."""
    level_scores: tuple[float, ...] = ()
    slowdown: float | None = None
    """Sample time / reference time at the level that sets T (``inf`` when censored there)."""
    peak_rss_bytes: int | None = None
    noisy_tests: int = 0
    same_as_reference: bool = False
    """The program is textually the reference (a control for the noise floor)."""


@dataclass(frozen=True)
class ProblemScore:
    """Scores of one problem's samples and the problem-level figures."""

    task_id: str
    n: int
    c: int
    samples: tuple[SampleScore, ...]
    ref_level_times: tuple[float | None, ...]
    time_limit_s: float
    limit_capped: bool
    """T was lowered to the kill limit (the probe underestimated the reference)."""
    pass_at_k: Mapping[int, float]
    eff_at_k: Mapping[int, float]
    noise_score: float | None
    """Score of half the reference repetitions against the other half (1 = no noise)."""
    ref_rel_mad: float | None
    """Median relative MAD of the reference's pooled per-test repetitions."""
    sample_rel_mad: float | None
    """Median relative MAD of the samples' per-test repetitions."""
    flags: tuple[str, ...] = ()
    error: str | None = None
    """Set when the problem could not be scored (broken reference)."""
    extra: Mapping[str, Any] = field(default_factory=dict)


_HALF = (0, 1, 1, 0, 0, 1)
"""The noise-floor half of a repetition by its place in its measure_case call (see
:meth:`_Pool.half`)."""


def _net(cpu: Sequence[float], base: float) -> list[float]:
    return [max(0.0, c - base) for c in cpu]


def _timeout_like(t: CaseRun) -> bool:
    return t.verdict in _TIMEOUT_LIKE_VERDICTS or (
        t.verdict == "runtime_error" and t.error in _TIMEOUT_LIKE_ERRORS
    )


def finite_median(values: Sequence[float | None]) -> float | None:
    """The median of the finite values, ``None`` when there is none."""
    vals = sorted(v for v in values if v is not None and math.isfinite(v))
    if not vals:
        return None
    m = len(vals) // 2
    return vals[m] if len(vals) % 2 else (vals[m - 1] + vals[m]) / 2


def _rel_mad(values: Sequence[float]) -> float | None:
    if len(values) < 3:
        return None
    try:
        return float(relative_mad(values))
    except ValueError:
        return None


class _Pool:
    """Pooled reference and baseline repetitions of a problem's timed tests.

    The no-op baseline does not depend on the input (the child is forked with the arguments
    already decoded and touched before GO), so it is pooled over all of a problem's tests, per
    side: ``ref_base`` over the reference's sandbox, ``base`` over the samples' sandboxes (the
    reference's where no sample baseline was measured). One no-op per test would otherwise
    add its own noise (a relative MAD of ~10 % of ~0.15 ms) to every test's net time.
    """

    def __init__(self, ref: ReferenceRecord, records: Sequence[SampleRecord]) -> None:
        # Per test, the reference's repetitions of each measure_case call (the probe's, each
        # sample's): pooled for the times, kept apart for the noise-floor split, which must
        # know each repetition's place in its call.
        self.ref_calls: dict[tuple[int, int], list[Sequence[float]]] = {}
        ref_base_cpu: list[float] = []
        base_cpu: list[float] = []
        for t in ref.timed:
            self.ref_calls.setdefault((t.level, t.case), []).append(t.cpu_s)
            ref_base_cpu.extend(t.baseline_s)
        for rec in records:
            for t in rec.tests:
                if t.level == 0:
                    continue
                self.ref_calls.setdefault((t.level, t.case), []).append(t.ref_cpu_s)
                ref_base_cpu.extend(t.ref_baseline_s)
                base_cpu.extend(t.baseline_s)
        self.ref_base = noop_baseline(ref_base_cpu)
        self.base = noop_baseline(base_cpu) if base_cpu else self.ref_base
        self.ref_net = {key: _net([x for call in calls for x in call], self.ref_base)
                        for key, calls in self.ref_calls.items()}

    def half(self, key: tuple[int, int], which: int) -> list[float]:
        """Half ``which`` (0 or 1) of a test's reference repetitions, net of the baseline.

        Each call's repetitions are dealt by their place in it, A B B A A B (cyclic): in
        :func:`~codeeff.measure.measure_case` the rotation makes the reference's even
        repetitions follow itself and its odd ones follow the sample, a cache-cold start
        (~1.5 % slower on the ENAMEL benchmark). Alternate halves would hold all of one kind
        and read that as noise; these hold two of one kind and one of the other, each half
        spread over the call's duration. Single runs (the probe's) are left out.
        """
        out: list[float] = []
        for call in self.ref_calls.get(key, ()):
            if len(call) >= 2:
                out.extend(x for i, x in enumerate(call) if _HALF[i % 6] == which)
        return _net(out, self.ref_base)

    def level_times(self, levels: int, which: int | None = None) -> list[float | None]:
        out: list[float | None] = [None] * levels
        for key, net in self.ref_net.items():
            level = key[0]
            vals = net if which is None else self.half(key, which)
            if not vals:
                # A split needs repetitions on each side: a test timed once (the probe's
                # only run, before its samples were censored) would sit on one side only.
                continue
            t = float(hodges_lehmann(vals))
            cur = out[level]
            out[level] = t if cur is None else max(cur, t)
        return out


def _limit(ref_times: Sequence[float | None], params: ScoringParams,
           kill_net_s: float) -> tuple[float, bool]:
    t = time_limit(ref_times, params.alpha, params.weights)
    cap = kill_net_s - params.tolerance_s
    return (min(t, cap), True) if cap < t else (t, False)


def _walk(rec: SampleRecord, pool: _Pool, levels: int, limit: float, params: ScoringParams,
          ) -> tuple[str, str | None, tuple[int, int] | None, int | None, list[float | None]]:
    """Replay a sample's tests; returns (outcome, error, failed_at, censored_level, times)."""
    per_test: dict[int, list[float]] = {}
    kill = limit + params.tolerance_s

    def level_times() -> list[float | None]:
        times: list[float | None] = [0.0] + [None] * (levels - 1)
        for level, vals in per_test.items():
            times[level] = max(vals)
        return times

    for t in rec.tests:
        where = (t.level, t.case)
        if t.level == 0:
            if t.verdict == "ok" and t.cpu_s and t.cpu_s[0] - pool.base > kill:
                return "timeout", "level 0 beyond the time limit", where, None, level_times()
            if t.verdict != "ok":
                return t.verdict, t.error, where, None, level_times()
            continue
        if t.verdict == "ok":
            net = _net(t.cpu_s, pool.base)
            if not net or max(net) > kill:
                return "passed", None, None, t.level, level_times()
            per_test.setdefault(t.level, []).append(float(hodges_lehmann(net)))
            continue
        if _timeout_like(t):
            return "passed", None, None, t.level, level_times()
        return t.verdict, t.error, where, None, level_times()
    return "passed", None, None, None, level_times()


def score_problem(
    task_id: str,
    ref: ReferenceRecord,
    records: Mapping[str, SampleRecord],
    samples: Sequence[tuple[int, str]],
    params: ScoringParams,
) -> ProblemScore:
    """Score one problem's samples from stored records.

    Args:
        task_id: The problem.
        ref: Its reference record.
        records: Sample records by code digest (each distinct program measured once).
        samples: (index, code digest) of every sample, duplicates included.
        params: Weights, α, tolerance, ks.

    Returns:
        The problem's scores; samples without a record are ``not_measured`` and fail.
    """
    levels = len(params.weights)
    if ref.error is not None:
        scores = tuple(SampleScore(task_id, i, d, "not_scored", False, 0.0, error=ref.error)
                       for i, d in samples)
        return ProblemScore(task_id, len(samples), 0, scores, (), math.nan, False, {}, {},
                            None, None, None, ("reference failed",), error=ref.error)
    used = [records[d] for d in dict.fromkeys(d for _, d in samples) if d in records]
    pool = _Pool(ref, used)
    ref_times = pool.level_times(levels)
    ref_times[0] = None
    limit, capped = _limit(ref_times, params, ref.kill_net_s)
    by_digest: dict[str, SampleScore] = {}
    flags: list[str] = []
    scored_levels = [lv for lv in range(levels) if params.weights[lv] > 0]
    top = max(scored_levels, key=lambda lv: ref_times[lv] or 0.0)
    for digest, rec in ((d, records[d]) for d in dict.fromkeys(d for _, d in samples)
                        if d in records):
        outcome, error, failed_at, censored, times = _walk(rec, pool, levels, limit, params)
        passed = outcome == "passed"
        peak = max((t.peak_rss_bytes for t in rec.tests if t.peak_rss_bytes), default=None)
        noisy = sum(1 for t in rec.tests if t.noisy)
        if passed:
            run_times = [None if (censored is not None and lv >= censored) else times[lv]
                         for lv in range(levels)]
            run_times[0] = 0.0
            f = efficiency_score(run_times, ref_times, limit, params.weights)
            lvl = tuple(float(x) for x in level_scores(run_times, ref_times, limit,
                                                        params.weights))
            t_top, r_top = run_times[top], ref_times[top]
            slowdown = (math.inf if t_top is None else
                        (t_top / r_top if r_top else None))
            score = SampleScore(task_id, -1, digest, "passed", True, float(f),
                                censored_level=censored,
                                level_times=tuple(None if lv == 0 else run_times[lv]
                                                  for lv in range(levels)),
                                level_scores=lvl, slowdown=slowdown, peak_rss_bytes=peak,
                                noisy_tests=noisy, same_as_reference=rec.same_as_reference)
        else:
            score = SampleScore(task_id, -1, digest, outcome, False, 0.0, error=error,
                                failed_at=failed_at, peak_rss_bytes=peak, noisy_tests=noisy,
                                same_as_reference=rec.same_as_reference)
        by_digest[digest] = score
    out: list[SampleScore] = []
    for index, digest in samples:
        s = by_digest.get(digest)
        if s is None:
            out.append(SampleScore(task_id, index, digest, "not_measured", False, 0.0))
        else:
            out.append(_with_index(s, index))
    n = len(out)
    c = sum(1 for s in out if s.passed)
    scores = [s.score for s in out]
    pk = {k: float(pass_at_k(n, c, k)) for k in params.ks if k <= n}
    ek = {k: float(eff_at_k(scores, k)) for k in params.ks if k <= n}
    # Noise floor: half the pooled reference repetitions scored against the other half.
    even = pool.level_times(levels, 0)
    odd = pool.level_times(levels, 1)
    noise = None
    if all(odd[lv] is not None and even[lv] is not None for lv in scored_levels):
        even[0] = None
        try:
            lim_e, _ = _limit(even, params, math.inf)
            noise = float(efficiency_score([0.0, *odd[1:]], even, lim_e, params.weights))
        except ValueError:
            noise = None
    ref_rm = finite_median([_rel_mad(v) for v in pool.ref_net.values()])
    sample_rm = finite_median([
        _rel_mad(_net(t.cpu_s, pool.base))
        for rec in used for t in rec.tests if t.level > 0 and t.verdict == "ok"
    ])
    shortest = min((v for v in ref_times[1:] if v is not None), default=None)
    if shortest is not None and shortest < SHORT_TIME_BASELINES * pool.ref_base:
        flags.append(f"reference level time {shortest * 1e3:.3f} ms is under "
                     f"{SHORT_TIME_BASELINES:g}x the no-op baseline of "
                     f"{pool.ref_base * 1e3:.3f} ms: the harness is a third or more of each "
                     "measurement")
    if capped:
        flags.append("T capped at the kill limit (the probe underestimated the reference)")
    if ref_rm is not None and ref_rm > 0.05:
        flags.append(f"reference repetitions are noisy (median relMAD {ref_rm:.1%})")
    incomplete = [s for s in out if s.outcome == "not_measured"]
    if incomplete:
        flags.append(f"{len(incomplete)} samples not measured yet")
    return ProblemScore(
        task_id=task_id, n=n, c=c, samples=tuple(out), ref_level_times=tuple(ref_times),
        time_limit_s=limit, limit_capped=capped, pass_at_k=pk, eff_at_k=ek,
        noise_score=noise, ref_rel_mad=ref_rm, sample_rel_mad=sample_rm, flags=tuple(flags),
    )


def _with_index(s: SampleScore, index: int) -> SampleScore:
    from dataclasses import replace

    return replace(s, index=index)
