"""Repeated, interleaved timing of programs on one input, each with its sandbox's no-op baseline.

This is the engine's one measurement primitive: scoring and ``problems check`` both call
:func:`measure_case`. For one input (payload) it runs each program ``R`` times in a round-robin
order (reference, sample, no-op baselines, …, with the starting program rotated each round), so
that drift of the machine hits every program alike. Every execution is a fresh process forked by
the sandbox's supervisor; the times come from outside the child.

**One sandbox per program of another trust.** Each program names the sandbox it runs in. A child
is forked from its sandbox's supervisor and inherits its memory, which holds every program and
result that sandbox staged, so a sample must never share a sandbox with the reference or with
another sample: the engine gives the reference a trusted sandbox and each sample a fresh
untrusted one, pinned to the same core(s) so that they are timed alike.

The charged time of one repetition is its CPU time minus the baseline *of its own sandbox*: the
median of the no-op program's CPU times through the same path (fork, exec of a
trivial source, call, result encoding, exit), clamped at 0. Without the subtraction, ratios of
short functions would be biased towards 1; the baseline is per sandbox because the fork cost
grows with what the supervisor holds.

Repetitions adapt (:class:`RepeatPolicy`): every program gets at least ``min_reps``; a program
whose relative dispersion stays above the target gets more, up to ``max_reps``; what is still
noisy then is flagged (``noisy``). A program whose execution is not OK stops repeating: one
killed repetition censors the whole test case, as in ENAMEL.

Repetitions are compared by :attr:`~codeeff.sandbox.Execution.value_digest` (the digest of the
raw encoded result); only the first decoded value of each program is kept.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from codeeff.errors import SandboxError
from codeeff.estimators import hodges_lehmann, relative_mad
from codeeff.sandbox import Execution, Limits, Payload, Program, Sandbox, Verdict

__all__ = ["CaseMeasurement", "Measurement", "RepeatPolicy", "measure_case", "noop_baseline"]


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
    """Repetitions of the no-op baseline per input and per sandbox (it is cheap and stable)."""

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
    """``cpu_s`` minus ``baseline_s``, clamped at 0."""
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
    baseline_s: float = 0.0
    """The baseline subtracted: the median no-op CPU time in this program's sandbox (prior
    runs pooled; 0 when not measured; see :func:`noop_baseline`)."""
    baseline_runs: tuple[float, ...] = ()
    """CPU times of the no-op runs this call made in this program's sandbox (not the prior
    ones); programs sharing a sandbox share them."""
    value_digest: str | None = None
    """SHA-256 of the first repetition's raw result bytes (None unless OK, or if the sandbox
    gives no digests)."""
    value_bytes: bytes | None = None
    """The first repetition's raw result bytes (None unless OK, or if the sandbox gives none)."""

    @property
    def censored(self) -> bool:
        """The program was killed at the time limit (right-censored)."""
        return self.verdict is Verdict.TIMEOUT


@dataclass(frozen=True)
class CaseMeasurement:
    """The measurements of several programs on one input."""

    payload_digest: str
    programs: tuple[Measurement, ...]
    """One per program, in the order they were given (each with its sandbox's baseline)."""


def noop_baseline(cpu_s: Sequence[float]) -> float:
    """The harness's own CPU time inside every measured run: the median of a sandbox's no-op
    runs (0 when there are none).

    The median, not Hodges–Lehmann: no-op times are a tight floor with rare slow starts, and
    HL breaks down at two outliers in six (~29 %) where the median holds up to half. On the
    ENAMEL benchmark one reference sandbox's six no-ops read 0.057–0.066 ms but for two at
    0.16 and 0.21 ms; with HL, its problem's reference-as-sample scored 0.52.
    """
    return float(statistics.median(cpu_s)) if cpu_s else 0.0


def _rel_mad(values: Sequence[float]) -> float:
    """Relative MAD, NaN when it is undefined (fewer than 2 values, or a zero median)."""
    if len(values) < 2 or sorted(values)[len(values) // 2] <= 0.0:
        return math.nan
    return float(relative_mad(values))


class _Acc:
    """Accumulates the repetitions of one program, keeping only the first decoded value."""

    def __init__(self) -> None:
        self.cpu: list[float] = []
        self.wall: list[float] = []
        self.peaks: list[int] = []
        self.value: Any = None
        self.digest: str | None = None
        self.raw: bytes | None = None
        self.agree = True
        self.failed: Execution | None = None

    @property
    def active(self) -> bool:
        return self.failed is None

    def add(self, ex: Execution) -> None:
        if ex.peak_rss_bytes is not None:
            self.peaks.append(ex.peak_rss_bytes)
        if ex.verdict is not Verdict.OK:
            self.failed = ex
            return
        if not self.cpu:
            self.value, self.digest, self.raw = ex.value, ex.value_digest, ex.value_bytes
        elif self.agree:
            # Equal raw encodings are equal values, NaN included (NaN != NaN once decoded);
            # without digests (an older backend) the decoded values are compared.
            if self.digest is not None and ex.value_digest is not None:
                self.agree = ex.value_digest == self.digest
            else:
                self.agree = ex.value == self.value
        self.cpu.append(ex.cpu_s)
        self.wall.append(ex.wall_s)


def _finish(acc: _Acc, baseline: float, runs: Sequence[float],
            policy: RepeatPolicy) -> Measurement:
    cpu = tuple(acc.cpu)
    net = tuple(max(0.0, c - baseline) for c in cpu)
    rel = _rel_mad(net)
    failed = acc.failed
    return Measurement(
        verdict=failed.verdict if failed is not None else Verdict.OK,
        value=acc.value if failed is None else None,
        values_agree=acc.agree,
        cpu_s=cpu,
        wall_s=tuple(acc.wall),
        net_s=net,
        time_s=float(hodges_lehmann(net)) if failed is None and net else math.inf,
        rel_mad=rel,
        noisy=failed is None and not math.isnan(rel) and rel > policy.target_rel_mad,
        peak_rss_bytes=max(acc.peaks) if acc.peaks else None,
        error=failed.error if failed is not None else None,
        detail=failed.detail if failed is not None else "",
        suspicious=failed is not None and failed.verdict is Verdict.SUSPICIOUS,
        baseline_s=baseline,
        baseline_runs=tuple(runs),
        value_digest=acc.digest if failed is None else None,
        value_bytes=acc.raw if failed is None else None,
    )


def measure_case(
    sandboxes: Sandbox | Sequence[Sandbox],
    programs: Sequence[Program],
    payload: Payload,
    limits: Sequence[Limits],
    policy: RepeatPolicy,
    *,
    baseline: bool = True,
    baseline_prior: Sequence[Sequence[float]] = (),
) -> CaseMeasurement:
    """Time each program on ``payload`` in its own sandbox, interleaved, with no-op baselines.

    Programs given the same sandbox object share it (and its baseline); give the reference and
    each sample their own sandbox, pinned to the same core(s): a child inherits its supervisor's
    memory, so a program can read whatever else was staged in its sandbox (see the module
    docstring). Each round runs every program once, in an order rotated each round, then one
    no-op per distinct sandbox (for the first ``policy.baseline_reps`` rounds).

    Args:
        sandboxes: One open sandbox per program, or a single sandbox shared by all (only for
            programs of the same trust, e.g. a problem's own trusted solutions).
        programs: The programs to compare (e.g. the reference and one sample).
        payload: The encoded arguments of the call.
        limits: One :class:`Limits` per program (the reference may get a wider limit).
        policy: How many repetitions.
        baseline: Measure and subtract the no-op baselines (False: untimed correctness runs).
        baseline_prior: Per program, no-op CPU times of earlier calls on the same payload in
            an equivalent sandbox on the same core, pooled with this call's (so a call may make
            as few as one baseline run); empty for none. Programs sharing a sandbox use the
            prior of the first of them.

    Returns:
        One :class:`Measurement` per program, in order, each with the baseline it was charged.

    Raises:
        ValueError: if ``programs`` is empty, or ``sandboxes``, ``limits`` or
            ``baseline_prior`` do not match it.
        SandboxError: if a sandbox cannot run the no-op baseline.
    """
    if not programs:
        raise ValueError("measure_case needs at least one program")
    n = len(programs)
    boxes = list(sandboxes) if isinstance(sandboxes, Sequence) else [sandboxes] * n
    if len(boxes) != n:
        raise ValueError(f"{n} programs but {len(boxes)} sandboxes")
    if len(limits) != n:
        raise ValueError(f"{n} programs but {len(limits)} limits")
    if baseline_prior and len(baseline_prior) != n:
        raise ValueError(f"{n} programs but {len(baseline_prior)} baseline priors")
    # The distinct sandboxes, by identity, in order of first use; group[i] is program i's.
    distinct: list[Sandbox] = []
    group: list[int] = []
    for box in boxes:
        at = next((g for g, b in enumerate(distinct) if b is box), None)
        if at is None:
            distinct.append(box)
            at = len(distinct) - 1
        group.append(at)
    members = [[i for i in range(n) if group[i] == g] for g in range(len(distinct))]
    accs = [_Acc() for _ in programs]
    base_runs: list[list[float]] = [[] for _ in distinct]
    noop = Program.noop(programs[0].entry_point)
    noop_limits = [Limits(cpu_s=max(1.0, min(limits[i].cpu_s for i in m))) for m in members]

    # Every call starts with the first program: with an even R, one test's first run then
    # follows the same program's last run of the previous test, and each program has as many
    # runs right after the other program (a slower, cache-cold start) as right after itself.
    # Measured on the ENAMEL benchmark: letting the sample start every other test made it
    # 1.0 % slower than the reference itself (five runs), against -0.1 % this way.
    def one_round(rnd: int, which: list[int]) -> None:
        order = which[rnd % len(which):] + which[: rnd % len(which)] if which else []
        for i in order:
            if accs[i].active:
                accs[i].add(boxes[i].run(programs[i], payload, limits[i]))
        if baseline and rnd < policy.baseline_reps:
            for g, box in enumerate(distinct):
                ex = box.run(noop, payload, noop_limits[g])
                if ex.verdict is Verdict.OK:
                    base_runs[g].append(ex.cpu_s)

    everyone = list(range(n))
    for rnd in range(policy.min_reps):
        one_round(rnd, everyone)
        if not any(a.active for a in accs):
            break
    if baseline and policy.baseline_reps and not all(base_runs):
        # A no-op that cannot run means the sandbox is broken; a silent 0 would bias every ratio.
        raise SandboxError("the no-op baseline did not run; the sandbox is not working")
    base = [0.0] * len(distinct)
    if baseline:
        for g, m in enumerate(members):
            pooled = [*(baseline_prior[m[0]] if baseline_prior else ()), *base_runs[g]]
            base[g] = noop_baseline(pooled)

    rnd = policy.min_reps
    while rnd < policy.max_reps:
        noisy = [
            i for i, a in enumerate(accs)
            if a.active and len(a.cpu) >= 2
            and _rel_mad([max(0.0, c - base[group[i]]) for c in a.cpu]) > policy.target_rel_mad
        ]
        if not noisy:
            break
        one_round(rnd, noisy)
        rnd += 1

    return CaseMeasurement(
        payload_digest=payload.digest,
        programs=tuple(_finish(a, base[group[i]], base_runs[group[i]], policy)
                       for i, a in enumerate(accs)),
    )
