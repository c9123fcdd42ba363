"""Repeated, interleaved timing of programs on one input, with a no-op baseline.

This is the engine's one measurement primitive: scoring and ``problems check`` both call
:func:`measure_case`. For one input (payload) it runs each program ``R`` times in a round-robin
order (reference, sample, no-op baseline, …, with the starting program rotated each round), so
that drift of the machine hits every program alike. Every execution is a fresh process forked by
the sandbox's supervisor; the times come from outside the child.

The charged time of one repetition is its CPU time minus the baseline, the Hodges–Lehmann
estimate of the no-op program's CPU time through the same path (fork, exec of a trivial source,
call, result encoding, exit), clamped at 0. Without the subtraction, ratios of short functions
would be biased towards 1.

Repetitions adapt (:class:`RepeatPolicy`): every program gets at least ``min_reps``; a program
whose relative dispersion stays above the target gets more, up to ``max_reps``; what is still
noisy then is flagged (``noisy``). A program whose execution is not OK stops repeating: one
killed repetition censors the whole test case, as in ENAMEL.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from codeeff.errors import SandboxError
from codeeff.estimators import hodges_lehmann, relative_mad
from codeeff.sandbox import Execution, Limits, Payload, Program, Sandbox, Verdict

__all__ = ["CaseMeasurement", "Measurement", "RepeatPolicy", "measure_case"]


@dataclass(frozen=True)
class RepeatPolicy:
    """How many repetitions to run per (program, input)."""

    min_reps: int = 6
    """Repetitions every program gets (ENAMEL uses 6)."""
    max_reps: int = 6
    """Upper bound; more than ``min_reps`` only for programs still noisy."""
    target_rel_mad: float = 0.05
    """Relative MAD above which a program gets more repetitions (and is flagged if it stays)."""
    baseline_reps: int = 3
    """Repetitions of the no-op baseline per input (it is cheap and stable)."""

    def __post_init__(self) -> None:
        if self.min_reps < 1 or self.max_reps < self.min_reps:
            raise ValueError(
                f"need 1 <= min_reps <= max_reps, got {self.min_reps} and {self.max_reps}"
            )
        if self.baseline_reps < 0:
            raise ValueError(f"baseline_reps must be >= 0, got {self.baseline_reps}")


@dataclass(frozen=True)
class Measurement:
    """All repetitions of one program on one input."""

    verdict: Verdict
    """OK when every repetition was OK; otherwise the first non-OK verdict."""
    value: Any
    """The return value of the first repetition (plain data; ``None`` unless OK)."""
    values_agree: bool
    """Whether every OK repetition returned the same value (False flags non-determinism)."""
    cpu_s: tuple[float, ...]
    """Raw CPU time of each repetition, as read from outside the child."""
    wall_s: tuple[float, ...]
    """Wall time of each repetition."""
    net_s: tuple[float, ...]
    """``cpu_s`` minus the baseline, clamped at 0."""
    time_s: float
    """Hodges–Lehmann estimate of ``net_s``; ``inf`` when the case is censored or failed."""
    rel_mad: float
    """Relative MAD of ``net_s`` (NaN with fewer than 2 repetitions)."""
    noisy: bool
    """Dispersion stayed above the policy's target after ``max_reps``."""
    peak_rss_bytes: int | None
    error: str | None
    detail: str
    suspicious: bool
    """Some repetition was flagged by the sandbox (work outside the measured process…)."""

    @property
    def censored(self) -> bool:
        """The program was killed at the time limit (right-censored)."""
        return self.verdict is Verdict.TIMEOUT


@dataclass(frozen=True)
class CaseMeasurement:
    """The measurements of several programs on one input."""

    payload_digest: str
    baseline_s: float
    """Hodges–Lehmann CPU time of the no-op program (0 when not measured), prior runs pooled."""
    baseline_runs: tuple[float, ...]
    """CPU times of the no-op runs made by this call (not the prior ones)."""
    programs: tuple[Measurement, ...]
    """One per program, in the order they were given."""


def _rel_mad(values: Sequence[float]) -> float:
    """Relative MAD, NaN when it is undefined (fewer than 2 values, or a zero median)."""
    if len(values) < 2 or sorted(values)[len(values) // 2] <= 0.0:
        return math.nan
    return float(relative_mad(values))


class _Acc:
    """Accumulates the repetitions of one program."""

    def __init__(self) -> None:
        self.runs: list[Execution] = []
        self.failed: Execution | None = None

    @property
    def active(self) -> bool:
        return self.failed is None

    def add(self, ex: Execution) -> None:
        if ex.verdict is Verdict.OK:
            self.runs.append(ex)
        else:
            self.failed = ex


def _finish(acc: _Acc, baseline: float, policy: RepeatPolicy) -> Measurement:
    runs = acc.runs
    cpu = tuple(r.cpu_s for r in runs)
    wall = tuple(r.wall_s for r in runs)
    net = tuple(max(0.0, c - baseline) for c in cpu)
    peaks = [r.peak_rss_bytes for r in runs if r.peak_rss_bytes is not None]
    if acc.failed is not None:
        peaks += [acc.failed.peak_rss_bytes] if acc.failed.peak_rss_bytes is not None else []
    first = runs[0].value if runs else None
    agree = all(r.value == first for r in runs[1:]) if runs else True
    rel = _rel_mad(net)
    failed = acc.failed
    return Measurement(
        verdict=failed.verdict if failed is not None else Verdict.OK,
        value=first if failed is None else None,
        values_agree=agree,
        cpu_s=cpu,
        wall_s=wall,
        net_s=net,
        time_s=float(hodges_lehmann(net)) if failed is None and net else math.inf,
        rel_mad=rel,
        noisy=failed is None and not math.isnan(rel) and rel > policy.target_rel_mad,
        peak_rss_bytes=max(peaks) if peaks else None,
        error=failed.error if failed is not None else None,
        detail=failed.detail if failed is not None else "",
        suspicious=any(r.verdict is Verdict.SUSPICIOUS for r in runs)
        or (failed is not None and failed.verdict is Verdict.SUSPICIOUS),
    )


def measure_case(
    sandbox: Sandbox,
    programs: Sequence[Program],
    payload: Payload,
    limits: Sequence[Limits],
    policy: RepeatPolicy,
    *,
    baseline: bool = True,
    baseline_prior: Sequence[float] = (),
) -> CaseMeasurement:
    """Time each program on ``payload``, interleaved, with a no-op baseline.

    Args:
        sandbox: An open sandbox; all programs run in it, on the same pinned core.
        programs: The programs to compare (e.g. the reference and one sample).
        payload: The encoded arguments of the call.
        limits: One :class:`Limits` per program (the reference may get a wider limit).
        policy: How many repetitions.
        baseline: Measure and subtract the no-op baseline (False: untimed correctness runs).
        baseline_prior: No-op CPU times of earlier calls on the same payload and sandbox core,
            pooled with this call's (so a call may make as few as one baseline run).

    Returns:
        One :class:`Measurement` per program, in order, and the baseline used.

    Raises:
        ValueError: if ``programs`` is empty or ``limits`` does not match it.
    """
    if not programs:
        raise ValueError("measure_case needs at least one program")
    if len(limits) != len(programs):
        raise ValueError(f"{len(programs)} programs but {len(limits)} limits")
    accs = [_Acc() for _ in programs]
    base_runs: list[float] = []
    noop = Program.noop(programs[0].entry_point)
    noop_limits = Limits(cpu_s=max(1.0, min(lim.cpu_s for lim in limits)))

    def one_round(rnd: int, which: list[int]) -> None:
        order = which[rnd % len(which):] + which[: rnd % len(which)] if which else []
        for i in order:
            if accs[i].active:
                accs[i].add(sandbox.run(programs[i], payload, limits[i]))
        if baseline and rnd < policy.baseline_reps:
            ex = sandbox.run(noop, payload, noop_limits)
            if ex.verdict is Verdict.OK:
                base_runs.append(ex.cpu_s)

    everyone = list(range(len(programs)))
    for rnd in range(policy.min_reps):
        one_round(rnd, everyone)
        if not any(a.active for a in accs):
            break
    if baseline and policy.baseline_reps and not base_runs:
        # A no-op that cannot run means the sandbox is broken; a silent 0 would bias every ratio.
        raise SandboxError("the no-op baseline did not run; the sandbox is not working")
    pooled = [*baseline_prior, *base_runs] if baseline else []
    base = float(hodges_lehmann(pooled)) if pooled else 0.0

    rnd = policy.min_reps
    while rnd < policy.max_reps:
        noisy = [
            i for i, a in enumerate(accs)
            if a.active and len(a.runs) >= 2
            and _rel_mad([max(0.0, r.cpu_s - base) for r in a.runs]) > policy.target_rel_mad
        ]
        if not noisy:
            break
        one_round(rnd, noisy)
        rnd += 1

    return CaseMeasurement(
        payload_digest=payload.digest,
        baseline_s=base,
        baseline_runs=tuple(base_runs),
        programs=tuple(_finish(a, base, policy) for a in accs),
    )
