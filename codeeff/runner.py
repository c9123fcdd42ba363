"""The scoring pipeline: samples in, pass@k and eff@k out (``codeeff.score``, ``codeeff.rescore``).

Protocol, per problem, on one timing lane: two sandboxes pinned to the same core(s), a
*trusted* one that only ever runs references (and their no-op baseline) and an *untrusted* one
for samples, recycled before each sample. A sample never shares a sandbox with the reference
or another sample: a child inherits its supervisor's memory, which holds whatever that sandbox
staged and returned (the reference's source, its answer on the same input).

1. **Probe.** The reference runs once on every level-0 test (its answers are the expected
   outputs) and ``probe_reps`` times on every timed test, with the no-op baseline, in the
   trusted sandbox. Its slowest scored level gives a provisional T, and the kill limit
   ``kill_margin × T + tolerance``: above the final T, so that censoring is exact. Stored in
   ``references.jsonl``.
2. **Samples.** Each distinct program (identical programs share a measurement) runs in the
   untrusted sandbox, in a fresh container (``recycle()`` before it): level 0 once per test
   (correctness, untimed), then every timed test with :func:`~codeeff.measure.measure_case`
   interleaving reference (trusted sandbox), sample (untrusted sandbox) and each sandbox's
   no-op baseline. It stops at the first wrong answer, error or kill (ENAMEL: later levels are
   not run). Stored in ``measurements.jsonl`` as soon as it is done.
3. **Score.** :mod:`codeeff.scoring` pools the reference repetitions of the problem and turns
   the raw times into scores (also what ``rescore`` does, without running anything).

Lanes run in threads, one per core, taking whole problems from a queue, so the reference of a
problem is always timed on the same core as its samples. The expected answers never enter a
sandbox: the host checks every answer with the problem's checker.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import json
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codeeff.config import ScoreConfig
from codeeff.errors import ConfigError, ResultsError
from codeeff.measure import Measurement, RepeatPolicy, measure_case, noop_baseline
from codeeff.results import (
    CaseRun,
    Manifest,
    ReferenceRecord,
    RunDir,
    SampleRecord,
    reference_key,
    sample_key,
)
from codeeff.sandbox import Limits, Payload, Program, Sandbox, SandboxConfig, Verdict

__all__ = ["Progress", "ProgressCallback", "rescore", "score"]


@dataclass(frozen=True)
class Progress:
    """A progress event of a scoring run (the CLI draws a bar from these)."""

    phase: str
    """``prepare``, ``measure`` or ``done``."""
    done: int
    """Programs measured so far (references and samples)."""
    total: int
    """Programs to measure in this run (cached ones excluded)."""
    task_id: str | None = None
    message: str = ""


ProgressCallback = Callable[[Progress], None]


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    """The encoded test inputs of one problem, level 0 first."""

    payloads: tuple[tuple[Payload, ...], ...]


def load_problems_tolerant(name_or_path: str | os.PathLike[str]) -> tuple[Any, dict[str, str]]:
    """Load a problem set, keeping going past broken problems.

    A broken problem must not stop the scoring of the others: it is an error only when samples
    ask for it.

    Returns:
        The :class:`~codeeff.problems.loader.ProblemSet` of the problems that load, and the
        broken ones (folder name → message).
    """
    from types import MappingProxyType

    from codeeff.errors import ProblemError
    from codeeff.problems.loader import (
        ProblemSet,
        load_problem,
        load_problem_set,
        natural_key,
        resolve_root,
    )

    try:
        return load_problem_set(name_or_path), {}
    except ProblemError:
        pass
    root, _ = resolve_root(name_or_path)
    whole = None
    loaded: dict[str, Any] = {}
    broken: dict[str, str] = {}
    for folder in sorted((p for p in (root / "problems").iterdir() if p.is_dir()
                          and not p.name.startswith((".", "_"))),
                         key=lambda p: natural_key(p.name)):
        try:
            problem = load_problem(folder, root / "reference_solutions")
        except ProblemError as exc:
            broken[folder.name] = str(exc)
            continue
        loaded[problem.id] = problem
    try:
        whole = load_problem_set(name_or_path, ids=list(loaded))
    except ProblemError:
        whole = None
    if whole is not None:
        return whole, broken
    ordered = {pid: loaded[pid] for pid in sorted(loaded, key=natural_key)}
    return ProblemSet(name=str(name_or_path), root=root,
                      problems=MappingProxyType(ordered)), broken


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codeeff"


def _level_tests(problem: Any, config: ScoreConfig) -> tuple[int, ...]:
    levels = problem.spec.levels
    if config.level_tests is None:
        return tuple(lv.tests for lv in levels)
    if len(config.level_tests) != len(levels):
        raise ConfigError(
            f"the configuration has tests for {len(config.level_tests)} levels but problem "
            f"{problem.id} has {len(levels)}",
            hint="use a problem set with as many levels, or drop the level override",
        )
    return tuple(config.level_tests)


def _weights(problem: Any, config: ScoreConfig) -> tuple[float, ...]:
    levels = problem.spec.levels
    if config.weights is None:
        return tuple(float(lv.weight) for lv in levels)
    if len(config.weights) != len(levels):
        raise ConfigError(
            f"{len(config.weights)} weights given but problem {problem.id} has {len(levels)} "
            "levels", hint="give one weight per level, level 0 first",
        )
    if config.weights[0] > 0:
        raise ConfigError("level 0 is the untimed correctness level; its weight must be 0")
    return tuple(float(w) for w in config.weights)


def _alpha(problem: Any, config: ScoreConfig) -> float:
    return float(config.alpha if config.alpha is not None else problem.spec.time_factor)


def baseline_tests(tests: Sequence[int], runs: int) -> frozenset[tuple[int, int]]:
    """The timed tests on which the no-op baseline runs: ``runs`` of them, spread evenly.

    The baseline does not depend on the input, so it is pooled over a problem's tests (per
    sandbox side, see :mod:`codeeff.scoring`); spreading its runs over the levels keeps drift
    within the problem's measurement visible in it.
    """
    timed = [(level, case) for level in range(1, len(tests)) for case in range(tests[level])]
    if runs >= len(timed):
        return frozenset(timed)
    step = len(timed) / runs
    return frozenset(timed[int(i * step)] for i in range(runs))


def _policies(config: ScoreConfig, reps: int | None = None) -> tuple[RepeatPolicy, RepeatPolicy]:
    """The repeat policy of a timed test with one no-op per sandbox, and without."""
    with_base = RepeatPolicy(min_reps=reps or config.min_reps, max_reps=reps or config.max_reps,
                             target_rel_mad=config.target_rel_mad, baseline_reps=1)
    return with_base, dataclasses.replace(with_base, baseline_reps=0)


def load_inputs(problem: Any, tests: Sequence[int], seed: int, cache_dir: Path | None,
                ) -> _Inputs:
    """Generate (or read from the on-disk cache) the encoded inputs of a problem.

    The cache file is keyed by the problem's digest and version, the tests per level and the
    seed; it holds the wire-encoded arguments, so it is plain JSON.
    """
    from codeeff.sandbox import wire

    name = (f"{problem.digest[:24]}-v{problem.spec.version}-s{seed}-"
            f"{'.'.join(str(t) for t in tests)}.json")
    path = cache_dir / "inputs" / name if cache_dir is not None else None
    if path is not None and path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return _Inputs(tuple(tuple(Payload(s.encode()) for s in lv) for lv in data))
        except (OSError, ValueError):
            pass  # a broken cache file is regenerated
    encoded = [[wire.encode(problem.generate(level, case, seed)).decode()
                for case in range(n)] for level, n in enumerate(tests)]
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}")
            tmp.write_text(json.dumps(encoded), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # the cache is an optimisation
    return _Inputs(tuple(tuple(Payload(s.encode()) for s in lv) for lv in encoded))


# ---------------------------------------------------------------------------------------------
# One problem's work
# ---------------------------------------------------------------------------------------------


@dataclass
class _Job:
    problem: Any
    weights: tuple[float, ...]
    alpha: float
    tests: tuple[int, ...]
    ref_key: str
    ref_record: ReferenceRecord | None
    programs: list[tuple[str, str, str]]
    """(code digest, record key, source) of the distinct programs still to measure."""
    baseline_at: frozenset[tuple[int, int]] = frozenset()
    """The timed tests (level, case) on which each sandbox also runs the no-op baseline."""
    inputs: _Inputs | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class _Stats:
    executions: int = 0
    recycles: int = 0
    samples: int = 0
    references: int = 0
    probe_s: float = 0.0
    samples_s: float = 0.0
    recycle_s: float = 0.0
    inputs_s: float = 0.0
    sandbox_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **kw: float) -> None:
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, getattr(self, k) + v)


class _CountingSandbox(Sandbox):
    """Counts executions (the benchmark's figure of waste) and remembers what it holds."""

    def __init__(self, inner: Sandbox, stats: _Stats) -> None:
        self.inner = inner
        self.stats = stats
        self.dirty = False
        """Something ran here that the next program must not see: recycle before it."""
        self.holds: str | None = None
        """The problem whose programs and inputs were staged here since the last recycle."""
        self.backend = inner.backend

    def ready(self, problem_id: str, *, fresh: bool = False) -> None:
        """Make this sandbox hold nothing but ``problem_id``'s data (recycle when it does).

        Also bounds the supervisor's memory: a supervisor holding many problems' staged inputs
        forks several times slower and its children run measurably slower (measured: 25 ms
        instead of 7 ms per execution, +28 % net CPU), which would bias the side it is on.
        A recycled sandbox is a fresh worker forked from its container's untouched root, so
        it keeps that container's memory layout; one layout kept on one side for a whole run
        gives every problem of the lane the same small speed bias, which then does not average
        out over problems (measured on the ENAMEL benchmark: eff@1 1.004 then 0.983 on two
        runs when both sandboxes kept their supervisors and only dropped their staged data
        between problems). Hence :meth:`_Lane.for_problem` swaps the sides per problem.

        Args:
            problem_id: The problem about to run here.
            fresh: Recycle unless nothing ran since the last recycle (an untrusted sample).
        """
        if self.dirty or (self.holds is not None and (fresh or self.holds != problem_id)):
            self.recycle()
        self.holds = problem_id

    def run(self, program: Program, payload: Payload, limits: Limits) -> Any:
        self.stats.add(executions=1)
        return self.inner.run(program, payload, limits)

    def recycle(self) -> None:
        t0 = time.perf_counter()
        self.inner.recycle()
        self.dirty = False
        self.holds = None
        self.stats.add(recycles=1, recycle_s=time.perf_counter() - t0)

    def close(self) -> None:
        self.inner.close()


@dataclass(frozen=True)
class _Lane:
    """The two sandboxes of one timing lane, pinned to the same core(s)."""

    trusted: _CountingSandbox
    """Runs only references (and their no-op baseline); recycled when the problem changes."""
    untrusted: _CountingSandbox
    """Runs one sample at a time (and its own no-op baseline); recycled before each sample."""

    def for_problem(self, problem_id: str) -> _Lane:
        """This lane with the roles of its two sandboxes chosen for ``problem_id``.

        A recycled sandbox is a fresh worker forked from its container's untouched root, so
        each container keeps one memory layout for the whole run, and one layout may run a
        little faster than the other. Which container times the reference is therefore
        decided per problem (by a hash of its id: reproducible), so that such a difference
        enters half the problems with one sign and half with the other and averages out of
        eff@k instead of biasing every problem of the lane alike. Swapping is safe because a
        sandbox is always recycled before it serves another problem or after a sample ran.
        """
        if hashlib.blake2b(problem_id.encode(), digest_size=1).digest()[0] & 1:
            return _Lane(trusted=self.untrusted, untrusted=self.trusted)
        return self

    def mark_broken(self) -> None:
        """Recycle both before their next use (after a sandbox error)."""
        self.trusted.dirty = self.untrusted.dirty = True


def _encode(value: Any, raw: bytes | None = None) -> str:
    """The stored form of an answer: its wire encoding (the bytes received, when at hand)."""
    if raw is not None:
        return raw.decode()
    from codeeff.sandbox import wire

    return wire.encode(value).decode()


def _decode(text: str) -> Any:
    from codeeff.sandbox import wire

    return wire.decode(text.encode())


def _check(problem: Any, payload: Payload, expected: str, actual: Any,
           digest: str | None = None) -> bool:
    """Whether ``actual`` (the decoded result whose raw bytes hash to ``digest``) is right.

    A result whose raw bytes are the expected answer's encoding is the reference's own answer
    on this input, right by definition: it is accepted without decoding the input or running
    the checker (the digest is computed on the host from the bytes received, so a sample
    cannot forge it). Anything else goes to the problem's checker.
    """
    if digest is not None and digest == hashlib.sha256(expected.encode()).hexdigest():
        return True
    if problem.checker_source is None:
        return bool(problem.check((), _decode(expected), actual))
    # A sandbox may hand the same decoded object to every execution with an equal result
    # (digest cache): a checker that sorts or edits its argument must get its own copy.
    return bool(problem.check(payload.args(), _decode(expected), copy.deepcopy(actual)))


def _probe_failed(job: _Job, error: str) -> ReferenceRecord:
    p = job.problem
    return ReferenceRecord(job.ref_key, p.id, p.digest, p.spec.version, job.alpha, math.inf,
                           (), (), (), error=error)


def _probe(sb: _CountingSandbox, job: _Job, inputs: _Inputs,
           config: ScoreConfig) -> ReferenceRecord:
    """The reference alone, in the lane's trusted sandbox ``sb``: expected answers, kill limit."""
    problem = job.problem
    ref = Program(problem.reference, problem.spec.entry_point)
    lim = Limits(cpu_s=config.reference_limit_s, memory_mb=problem.spec.memory_mb)
    with_base, without = _policies(config, config.probe_reps)
    noops: list[float] = []
    level0: list[CaseRun] = []
    timed: list[CaseRun] = []
    expected: list[list[str]] = [[] for _ in inputs.payloads]

    def failed(what: str) -> ReferenceRecord:
        return ReferenceRecord(job.ref_key, problem.id, problem.digest, problem.spec.version,
                               job.alpha, math.inf, tuple(level0), tuple(timed), (), error=what)

    sb.ready(problem.id)
    for case, payload in enumerate(inputs.payloads[0]):
        ex = sb.run(ref, payload, lim)
        _trusted(ex.verdict, f"reference on level 0 test {case}")
        if ex.verdict is not Verdict.OK:
            return failed(f"reference: {ex.verdict.value} on level 0 test {case} "
                          f"({ex.error or ex.detail})")
        level0.append(CaseRun(0, case, "ok", (ex.cpu_s,), kill_cpu_s=lim.cpu_s,
                              peak_rss_bytes=ex.peak_rss_bytes))
        expected[0].append(_encode(ex.value, ex.value_bytes))
    worst = 0.0
    for level in range(1, len(inputs.payloads)):
        for case, payload in enumerate(inputs.payloads[level]):
            policy = with_base if (level, case) in job.baseline_at else without
            m = measure_case(sb, [ref], payload, [lim], policy,
                             baseline_prior=[noops]).programs[0]
            noops.extend(m.baseline_runs)
            _trusted(m.verdict, f"reference on level {level} test {case}")
            if m.verdict is not Verdict.OK:
                return failed(f"reference: {m.verdict.value} on level {level} test {case} "
                              f"({m.error or m.detail})")
            timed.append(CaseRun(level, case, "ok", m.cpu_s, (), m.baseline_runs,
                                 kill_cpu_s=lim.cpu_s, peak_rss_bytes=m.peak_rss_bytes,
                                 noisy=m.noisy))
            expected[level].append(_encode(m.value, m.value_bytes))
            if job.weights[level] > 0:
                worst = max(worst, max(m.net_s))
    if worst <= 0.0:
        return failed("reference: every scored level took no measurable time")
    kill_net = config.kill_margin * job.alpha * worst + config.tolerance_s
    return ReferenceRecord(job.ref_key, problem.id, problem.digest, problem.spec.version,
                           job.alpha, kill_net, tuple(level0), tuple(timed),
                           tuple(tuple(x) for x in expected))


class _SandboxBroke(Exception):
    """An execution came back SANDBOX_ERROR: never the sample's fault."""


# Verdicts that, for trusted code (a reference), say something about the sandbox or the
# machine rather than the program: the measurement is redone in fresh sandboxes. ``suspicious``
# is the cgroup cross-check seeing CPU outside the measured process; for a sample it stays a
# verdict, for a reference it was measured as a rare false alarm (1 in ~23,000 executions).
_NOT_THE_REFERENCES_FAULT = (Verdict.SANDBOX_ERROR, Verdict.SUSPICIOUS)


def _trusted(verdict: Verdict, what: str) -> None:
    """Raise :class:`_SandboxBroke` when a reference's ``verdict`` is not its own doing."""
    if verdict in _NOT_THE_REFERENCES_FAULT:
        raise _SandboxBroke(f"{what}: {verdict.value}")


class _Stopped(Exception):
    """The run is being interrupted: drop the program being measured (it is not recorded)."""


def _measure_program(lane: _Lane, job: _Job, ref_rec: ReferenceRecord,
                     inputs: _Inputs, source: str, config: ScoreConfig,
                     stop: threading.Event | None = None) -> tuple[CaseRun, ...]:
    """One sample: level 0 in the untrusted sandbox, then each timed test interleaved with the
    reference in the trusted one. Raises :class:`_SandboxBroke` or :class:`_Stopped`."""
    problem = job.problem
    entry = problem.spec.entry_point
    ref = Program(problem.reference, entry)
    prog = Program(source, entry)
    ref_sb, sb = lane.trusted, lane.untrusted
    ref_sb.ready(problem.id)
    # A fresh container for every sample; a copy of the reference (trusted code) may reuse a
    # clean one, and leaves it clean: the next sample recycles it anyway.
    sb.ready(problem.id, fresh=source != problem.reference)
    sb.dirty = source != problem.reference
    # The no-op runs so far, per side: the reference's trusted sandbox (the probe's included)
    # and this sample's own.
    ref_noops = [x for t in ref_rec.timed for x in t.baseline_s]
    noops: list[float] = []
    mem = problem.spec.memory_mb
    ref_lim = Limits(cpu_s=config.reference_limit_s, memory_mb=mem)
    with_base, without = _policies(config)
    tests: list[CaseRun] = []
    # The kill limit is in charged CPU time: the net limit plus the harness floor.
    kill = ref_rec.kill_net_s + noop_baseline(ref_noops)
    for case, payload in enumerate(inputs.payloads[0]):
        ex = sb.run(prog, payload, Limits(cpu_s=kill, memory_mb=mem))
        if ex.verdict is Verdict.SANDBOX_ERROR:
            raise _SandboxBroke(ex.detail or ex.error or "sandbox error")
        verdict = ex.verdict.value
        if ex.verdict is Verdict.OK and not _check(problem, payload, ref_rec.expected[0][case],
                                                   ex.value, ex.value_digest):
            verdict = Verdict.WRONG_ANSWER.value
        tests.append(CaseRun(0, case, verdict, (ex.cpu_s,), kill_cpu_s=kill, error=ex.error,
                             detail=ex.detail, peak_rss_bytes=ex.peak_rss_bytes))
        if verdict != "ok":
            return tuple(tests)
    for level in range(1, len(inputs.payloads)):
        for case, payload in enumerate(inputs.payloads[level]):
            if stop is not None and stop.is_set():
                raise _Stopped
            policy = with_base if (level, case) in job.baseline_at else without
            cm = measure_case([ref_sb, sb], [ref, prog], payload,
                              [ref_lim, Limits(cpu_s=kill, memory_mb=mem)], policy,
                              baseline_prior=[ref_noops, noops])
            r, s = cm.programs
            ref_noops.extend(r.baseline_runs)
            noops.extend(s.baseline_runs)
            if Verdict.SANDBOX_ERROR in (r.verdict, s.verdict):
                raise _SandboxBroke(s.detail or r.detail or "sandbox error")
            if r.verdict is not Verdict.OK:
                # The reference ran fine in the probe: failing now means the container broke.
                raise _SandboxBroke(f"reference {r.verdict.value} beside the sample")
            verdict = s.verdict.value
            detail = s.detail
            if s.verdict is Verdict.OK:
                expected = ref_rec.expected[level][case]
                if not _check(problem, payload, expected, s.value, s.value_digest):
                    verdict = Verdict.WRONG_ANSWER.value
                elif not s.values_agree and problem.checker_source is None:
                    verdict, detail = Verdict.WRONG_ANSWER.value, "answers differ between runs"
            tests.append(CaseRun(level, case, verdict, s.cpu_s, r.cpu_s, s.baseline_runs,
                                 kill_cpu_s=kill, error=s.error, detail=detail,
                                 peak_rss_bytes=s.peak_rss_bytes, noisy=s.noisy or r.noisy,
                                 ref_baseline_s=r.baseline_runs))
            if verdict != "ok":
                return tuple(tests)
    return tuple(tests)


def _split(m: Measurement) -> tuple[Measurement, Measurement]:
    """One program's repetitions dealt alternately to two sides (even → first, odd → second)."""
    def side(which: slice) -> Measurement:
        return dataclasses.replace(m, cpu_s=m.cpu_s[which], wall_s=m.wall_s[which],
                                   net_s=m.net_s[which])
    return side(slice(0, None, 2)), side(slice(1, None, 2))


def _fused(lane: _Lane, job: _Job, inputs: _Inputs, config: ScoreConfig,
           key: str, stop: threading.Event | None) -> tuple[ReferenceRecord, SampleRecord]:
    """Reference and a sample that is textually the reference, measured in one pass.

    The sample is the trusted reference, so it needs no kill limit and no probe: every timed
    test interleaves the two exactly as for any sample (reference in the trusted sandbox, the
    copy in the untrusted one, each with its own baseline), and the level-0 answers are the
    reference's own (the same program on the same input). This is the benchmark's case
    (references scored as samples) and it saves the probe's executions. With
    ``split_reference_runs`` only the reference is timed, in the trusted sandbox.
    """
    problem = job.problem
    ref = Program(problem.reference, problem.spec.entry_point)
    lim = Limits(cpu_s=config.reference_limit_s, memory_mb=problem.spec.memory_mb)
    with_base, without = _policies(config)
    ref_noops: list[float] = []
    noops: list[float] = []
    level0: list[CaseRun] = []
    tests: list[CaseRun] = []
    expected: list[list[str]] = [[] for _ in inputs.payloads]
    sb, copy_sb = lane.trusted, lane.untrusted
    sb.ready(problem.id)
    if not config.split_reference_runs:
        copy_sb.ready(problem.id)

    def failed(what: str) -> tuple[ReferenceRecord, SampleRecord]:
        rec = ReferenceRecord(job.ref_key, problem.id, problem.digest, problem.spec.version,
                              job.alpha, math.inf, tuple(level0), (), (), error=what)
        return rec, SampleRecord(key, problem.id, "", job.ref_key, ())

    for case, payload in enumerate(inputs.payloads[0]):
        ex = sb.run(ref, payload, lim)
        _trusted(ex.verdict, f"reference on level 0 test {case}")
        if ex.verdict is not Verdict.OK:
            return failed(f"reference: {ex.verdict.value} on level 0 test {case} "
                          f"({ex.error or ex.detail})")
        run = CaseRun(0, case, "ok", (ex.cpu_s,), kill_cpu_s=lim.cpu_s,
                      peak_rss_bytes=ex.peak_rss_bytes)
        level0.append(run)
        tests.append(run)
        expected[0].append(_encode(ex.value, ex.value_bytes))
    worst = 0.0
    for level in range(1, len(inputs.payloads)):
        for case, payload in enumerate(inputs.payloads[level]):
            if stop is not None and stop.is_set():
                raise _Stopped
            policy = with_base if (level, case) in job.baseline_at else without
            if config.split_reference_runs:
                cm = measure_case(sb, [ref], payload, [lim], policy, baseline_prior=[ref_noops])
                r, smp = _split(cm.programs[0])
            else:
                cm = measure_case([sb, copy_sb], [ref, ref], payload, [lim, lim], policy,
                                  baseline_prior=[ref_noops, noops])
                r, smp = cm.programs
                noops.extend(smp.baseline_runs)
            ref_noops.extend(r.baseline_runs)
            _trusted(r.verdict, f"reference on level {level} test {case}")
            _trusted(smp.verdict, f"the reference's copy on level {level} test {case}")
            if r.verdict is not Verdict.OK or smp.verdict is not Verdict.OK:
                bad = r if r.verdict is not Verdict.OK else smp
                return failed(f"reference: {bad.verdict.value} on level {level} test {case} "
                              f"({bad.error or bad.detail})")
            expected[level].append(_encode(r.value, r.value_bytes))
            verdict = "ok" if _check(problem, payload, expected[level][-1], smp.value,
                                       smp.value_digest) else (
                Verdict.WRONG_ANSWER.value)
            tests.append(CaseRun(level, case, verdict, smp.cpu_s, r.cpu_s, smp.baseline_runs,
                                 kill_cpu_s=lim.cpu_s, peak_rss_bytes=smp.peak_rss_bytes,
                                 ref_baseline_s=r.baseline_runs,
                                 noisy=r.noisy or smp.noisy,
                                 detail="" if verdict == "ok" else "the reference disagrees "
                                 "with itself (non-deterministic)"))
            if job.weights[level] > 0:
                worst = max(worst, max(r.net_s))
    if worst <= 0.0:
        return failed("reference: every scored level took no measurable time")
    kill_net = config.kill_margin * job.alpha * worst + config.tolerance_s
    ref_rec = ReferenceRecord(job.ref_key, problem.id, problem.digest, problem.spec.version,
                              job.alpha, kill_net, tuple(level0), (),
                              tuple(tuple(x) for x in expected))
    return ref_rec, SampleRecord(key, problem.id, "", job.ref_key, tuple(tests),
                                 same_as_reference=True)


# ---------------------------------------------------------------------------------------------
# Lanes
# ---------------------------------------------------------------------------------------------


def _sandbox_api() -> tuple[Callable[..., Sandbox], Callable[[], Any],
                            Callable[[str | None], str]]:
    from codeeff.sandbox import open_sandbox, reap_leftovers
    from codeeff.sandbox.image import resolve_image

    # resolve_image: the tag every sandbox of the run uses and the results are cached under
    # (the named image, else the one this harness finds: the default recipe's or a --base one).
    return open_sandbox, reap_leftovers, resolve_image


def _lane_cpus(jobs: int | None) -> list[tuple[int, ...]]:
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    n = len(cpus) if jobs is None else jobs
    if n > len(cpus):
        raise ConfigError(
            f"--jobs {n} needs {n} cores but only {len(cpus)} are available",
            hint="timed runs never share a core; use at most one job per core",
        )
    # The last cores first: the first is where the host's own work tends to land.
    chosen = cpus[-n:]
    return [(c,) for c in chosen]


class _Runner:
    def __init__(self, config: ScoreConfig, run_dir: RunDir, stats: _Stats,
                 cache_dir: Path | None, progress: ProgressCallback | None, total: int) -> None:
        self.config = config
        self.run_dir = run_dir
        self.stats = stats
        self.cache_dir = cache_dir
        self.progress = progress
        self.total = total
        self.done = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.cond = threading.Condition()
        self.problem_work: deque[_Job] = deque()
        self.sample_work: deque[tuple[_Job, ReferenceRecord, tuple[str, str, str]]] = deque()
        self.probing = 0

    def tick(self, task_id: str, message: str) -> None:
        with self.lock:
            self.done += 1
            if self.progress is not None:
                self.progress(Progress("measure", self.done, self.total, task_id, message))

    def _next(self) -> tuple[str, _Job, ReferenceRecord | None, tuple[str, str, str] | None] | None:
        """The next piece of work: a sample of a probed problem first, else a new problem."""
        with self.cond:
            while not self.stop.is_set():
                if self.sample_work:
                    job, ref_rec, program = self.sample_work.popleft()
                    return "sample", job, ref_rec, program
                if self.problem_work:
                    self.probing += 1
                    return "problem", self.problem_work.popleft(), None, None
                if self.probing == 0:
                    return None
                self.cond.wait(0.2)  # another lane is probing: its samples are coming
            return None

    def _inputs(self, job: _Job) -> _Inputs:
        with job.lock:
            if job.inputs is None:
                t0 = time.perf_counter()
                job.inputs = load_inputs(job.problem, job.tests, self.config.input_seed,
                                         self.cache_dir)
                self.stats.add(inputs_s=time.perf_counter() - t0)
            return job.inputs

    def run_problem(self, lane: _Lane, job: _Job) -> None:
        lane = lane.for_problem(job.problem.id)
        try:
            inputs = self._inputs(job)
            ref_rec = job.ref_record
            if (ref_rec is None and len(job.programs) == 1
                    and job.programs[0][2] == job.problem.reference):
                self._run_fused(lane, job, inputs)
                return
            if ref_rec is None:
                t0 = time.perf_counter()
                try:
                    ref_rec = _probe(lane.trusted, job, inputs, self.config)
                except _SandboxBroke:
                    lane.mark_broken()  # one retry in fresh containers
                    try:
                        ref_rec = _probe(lane.trusted, job, inputs, self.config)
                    except _SandboxBroke as exc:
                        ref_rec = _probe_failed(job, f"reference: {exc}")
                self.run_dir.append(ref_rec)
                self.stats.add(probe_s=time.perf_counter() - t0, references=1)
                self.tick(job.problem.id, "reference")
            if ref_rec.error is not None:
                for _ in job.programs:
                    self.tick(job.problem.id, "skipped")
                return
            with self.cond:
                self.sample_work.extend((job, ref_rec, prog) for prog in job.programs)
        finally:
            with self.cond:
                self.probing -= 1
                self.cond.notify_all()

    def _run_fused(self, lane: _Lane, job: _Job, inputs: _Inputs) -> None:
        digest, key, _ = job.programs[0]
        t0 = time.perf_counter()
        try:
            try:
                ref_rec, rec = _fused(lane, job, inputs, self.config, key, self.stop)
            except _SandboxBroke:
                lane.mark_broken()  # one retry in fresh containers
                ref_rec, rec = _fused(lane, job, inputs, self.config, key, self.stop)
        except _Stopped:
            return
        except _SandboxBroke as exc:
            with self.stats.lock:
                self.stats.sandbox_errors.append(f"{job.problem.id}: {exc}")
            return
        wall = time.perf_counter() - t0
        self.run_dir.append(ref_rec)
        self.stats.add(references=1)
        self.tick(job.problem.id, "reference")
        if ref_rec.error is None:
            self.run_dir.append(dataclasses.replace(rec, code_digest=digest, wall_s=wall))
            self.stats.add(samples=1)
        self.stats.add(samples_s=wall)
        self.tick(job.problem.id, "sample")

    def run_sample(self, lane: _Lane, job: _Job, ref_rec: ReferenceRecord,
                   program: tuple[str, str, str]) -> None:
        digest, key, source = program
        lane = lane.for_problem(job.problem.id)
        inputs = self._inputs(job)
        t0 = time.perf_counter()
        tests = None
        for attempt in (1, 2):
            try:
                tests = _measure_program(lane, job, ref_rec, inputs, source, self.config,
                                         self.stop)
                break
            except _Stopped:
                return
            except _SandboxBroke as exc:
                lane.mark_broken()  # both recycled before the retry
                if attempt == 2:
                    with self.stats.lock:
                        self.stats.sandbox_errors.append(f"{job.problem.id}: {exc}")
        wall = time.perf_counter() - t0
        self.stats.add(samples_s=wall)
        if tests is not None:
            self.run_dir.append(SampleRecord(
                key, job.problem.id, digest, ref_rec.key, tests,
                same_as_reference=source == job.problem.reference, wall_s=wall))
            self.stats.add(samples=1)
        self.tick(job.problem.id, "sample")

    def lane(self, lane: _Lane, cpus: tuple[int, ...] = ()) -> None:
        _pin_this_thread(cpus)
        try:
            while True:
                item = self._next()
                if item is None:
                    return
                kind, job, ref_rec, program = item
                if kind == "problem":
                    self.run_problem(lane, job)
                else:
                    assert ref_rec is not None and program is not None
                    self.run_sample(lane, job, ref_rec, program)
        except BaseException as exc:
            self.errors.append(exc)
            self.stop.set()
            with self.cond:
                self.cond.notify_all()


def _pin_this_thread(cpus: tuple[int, ...]) -> None:
    """Keep the calling thread on its lane's core(s), beside the lane's two sandboxes.

    The lane thread sleeps while its sandbox runs a program, so it never competes with the
    measured child; left free it wakes on the other lane's core, right beside that lane's
    measured child, and every request costs a cross-core wake-up. Measured on 60 ENAMEL
    problems, alternating runs: wall 37.8, 37.0 s pinned against 39.5, 38.9 s free (machine
    CPU per execution 7.46, 7.34 against 7.62, 7.56 ms). Best effort: a process not allowed
    on those cores (``taskset``, a cpuset) keeps running where it may.
    """
    if not cpus or not hasattr(os, "sched_setaffinity"):
        return
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, set(cpus))  # 0: the calling thread only (Linux)


def _run_lanes(runner: _Runner, jobs: list[_Job], config: ScoreConfig,
               lanes: list[tuple[int, ...]]) -> None:
    open_sandbox, _, _ = _sandbox_api()
    runner.problem_work.extend(jobs)
    n_programs = sum(len(j.programs) for j in jobs)
    sandboxes: list[_CountingSandbox] = []
    opened: list[tuple[_Lane, tuple[int, ...]]] = []
    threads: list[threading.Thread] = []
    try:
        for cpus in lanes[: max(1, min(len(lanes), n_programs + len(jobs)))]:
            sb_config = SandboxConfig(backend=config.backend, cpus=cpus, image=config.image,
                                      allow_unsafe_process=config.allow_unsafe_process)
            # Two sandboxes on the same core(s): the reference's and the samples'.
            pair = []
            for _ in range(2):
                pair.append(_CountingSandbox(open_sandbox(sb_config), runner.stats))
                sandboxes.append(pair[-1])
            # One cache of decoded results for the lane: the reference and a sample that
            # returns the same bytes share one decode (values are read-only by contract).
            decoded = getattr(pair[0].inner, "decoded", None)
            if decoded is not None and hasattr(pair[1].inner, "decoded"):
                pair[1].inner.decoded = decoded
            opened.append((_Lane(trusted=pair[0], untrusted=pair[1]), cpus))
        for lane, cpus in opened:
            th = threading.Thread(target=runner.lane, args=(lane, cpus), daemon=True)
            th.start()
            threads.append(th)
        for th in threads:
            while th.is_alive():
                th.join(timeout=0.2)
    except BaseException:
        runner.stop.set()
        with runner.cond:
            runner.cond.notify_all()
        for th in threads:
            th.join(timeout=30)
        raise
    finally:
        for sb in sandboxes:
            with contextlib.suppress(Exception):  # closing must go on for the other lanes
                sb.close()
    if runner.errors:
        raise runner.errors[0]


# ---------------------------------------------------------------------------------------------
# The public functions
# ---------------------------------------------------------------------------------------------


def score(
    samples_path: str | os.PathLike[str],
    problems: str | os.PathLike[str] = "builtin",
    out_dir: str | os.PathLike[str] = "codeeff-run",
    config: ScoreConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Any:
    """Score the samples in ``samples_path`` for pass@k and eff@k; write ``out_dir``.

    Resumable: programs already measured in ``out_dir`` under the same measurement
    configuration, machine and image are not run again.

    Args:
        samples_path: EvalPlus JSONL, ENAMEL JSON or a ``datasets`` folder.
        problems: ``"builtin"`` or a problem-set folder.
        out_dir: The run directory (created; resumed when it holds a compatible run).
        config: The configuration (default: :class:`ScoreConfig` defaults).
        progress: Called with :class:`Progress` events (from worker threads).
        cache_dir: Where test inputs are cached (default ``~/.cache/codeeff``).

    Returns:
        The :class:`~codeeff.scoring.Summary` (also written to ``summary.json``).

    Raises:
        CodeeffError: for bad samples, problems, configuration or run directory, or a sandbox
            that cannot start.
    """
    from codeeff.environment import collect_environment, machine_id
    from codeeff.samples import read_samples
    from codeeff.summary import build_summary, write_outputs

    config = config or ScoreConfig()
    t_start = time.perf_counter()
    phases: dict[str, float] = {}
    pset, broken = load_problems_tolerant(problems)
    sample_set = read_samples(samples_path, pset.problems, broken=broken)
    phases["load"] = time.perf_counter() - t_start

    t0 = time.perf_counter()
    _, reap, resolve_image = _sandbox_api()
    if config.backend == "docker":
        reap()  # containers left behind by a run that was killed
        image = resolve_image(config.image)
        config = config.replace(image=image)
    else:
        image = "process"
    lanes = _lane_cpus(config.jobs)
    phases["sandbox_setup"] = time.perf_counter() - t0

    run_dir = RunDir(out_dir)
    manifest = Manifest(
        measurement=config.measurement_key(), machine_id=machine_id(), image=image,
        problem_set=str(problems), config=config.to_dict(),
        samples=tuple((s.task_id, s.index, s.digest) for s in sample_set.samples),
        samples_path=str(samples_path),
    )
    old = run_dir.read_manifest()
    if old is not None:
        run_dir.check_compatible(old, manifest)
    run_dir.write_manifest(manifest)
    refs = run_dir.load_references()
    records = run_dir.load_samples()

    mdigest = config.measurement_digest()
    jobs: list[_Job] = []
    by_task = sample_set.by_task()
    total = 0
    for task_id, samples in by_task.items():
        problem = pset.problems[task_id]
        ref_key = reference_key(problem.digest, problem.spec.version, mdigest, image,
                                manifest.machine_id)
        ref_rec = refs.get(ref_key)
        programs = []
        for s in {s.digest: s for s in samples}.values():
            key = sample_key(s.digest, ref_key)
            if key not in records:
                programs.append((s.digest, key, s.source))
        if ref_rec is not None and (ref_rec.error is not None or not programs):
            continue
        tests = _level_tests(problem, config)
        job = _Job(problem, _weights(problem, config), _alpha(problem, config), tests,
                   ref_key, ref_rec, programs, baseline_tests(tests, config.baseline_reps))
        jobs.append(job)
        total += len(programs) + (ref_rec is None)
    for task_id in by_task:  # validate the configuration against every scored problem
        p = pset.problems[task_id]
        _weights(p, config), _level_tests(p, config)

    stats = _Stats()
    cache = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
    runner = _Runner(config, run_dir, stats, cache, progress, total)
    if progress is not None:
        progress(Progress("prepare", 0, total, None, f"{len(jobs)} problems to measure"))
    t0 = time.perf_counter()
    if jobs:
        _run_lanes(runner, jobs, config, lanes)
    phases["measure"] = time.perf_counter() - t0
    phases["probe_lane_s"] = stats.probe_s
    phases["samples_lane_s"] = stats.samples_s
    phases["recycle_lane_s"] = stats.recycle_s
    phases["inputs_lane_s"] = stats.inputs_s

    t0 = time.perf_counter()
    env = collect_environment(backend=config.backend, image=image, lanes=lanes)
    summary = build_summary(
        run_dir=run_dir, manifest=manifest, config=config, problem_set=pset,
        environment=env, warnings=sample_set.warnings,
        run_info={"executions": stats.executions, "recycles": stats.recycles,
                  "measured_programs": stats.samples, "measured_references": stats.references,
                  "lanes": [list(c) for c in lanes],
                  "sandbox_errors": list(stats.sandbox_errors)},
    )
    phases["score"] = time.perf_counter() - t0
    phases["total"] = time.perf_counter() - t_start
    summary = summary.with_phases(phases)
    write_outputs(run_dir, summary)
    if progress is not None:
        progress(Progress("done", runner.done, total, None, ""))
    return summary


def rescore(
    run_dir: str | os.PathLike[str],
    *,
    k: Sequence[int] | None = None,
    weights: Sequence[float] | None = None,
    alpha: float | None = None,
    interval: str | None = None,
    confidence: float | None = None,
    problems: str | os.PathLike[str] | None = None,
    write: bool = True,
) -> Any:
    """Recompute the metrics of a run directory from its stored raw times; nothing runs.

    Args:
        run_dir: A directory written by :func:`score`.
        k: Other ks.
        weights: Other level weights (level 0 first; level 0 must stay 0).
        alpha: A smaller α than the one measured (a larger one needs runs that were killed).
        interval: ``t`` or ``bootstrap``.
        confidence: Coverage of the intervals.
        problems: The problem set, if it moved since the run (default: as recorded).
        write: Rewrite ``summary.json`` and the report.

    Returns:
        The new :class:`~codeeff.scoring.Summary`.

    Raises:
        ResultsError: for a directory that is not a run, or an α above the measured one.
    """
    from codeeff.summary import build_summary, write_outputs

    rd = RunDir(run_dir)
    if not (rd.path / RunDir.MANIFEST).exists():
        raise ResultsError(f"{rd.path} is not a codeeff run directory (no {RunDir.MANIFEST})",
                           hint="pass the --out directory of a `codeeff score` run")
    manifest = rd.read_manifest()
    assert manifest is not None  # checked above: the file exists
    base = ScoreConfig.from_dict(manifest.config)
    changes: dict[str, Any] = {}
    if k is not None:
        changes["k"] = tuple(k)
    if weights is not None:
        changes["weights"] = tuple(weights)
    if interval is not None:
        changes["interval"] = interval
    if confidence is not None:
        changes["confidence"] = confidence
    if alpha is not None:
        changes["alpha"] = alpha
    config = base.replace(**changes)
    pset, _ = load_problems_tolerant(problems if problems is not None else manifest.problem_set)
    if alpha is not None:
        for ref in rd.load_references().values():
            if alpha > ref.alpha + 1e-12:
                raise ResultsError(
                    f"alpha {alpha} is above the measured {ref.alpha} ({ref.task_id}): runs "
                    "were killed at the old limit, so a larger alpha cannot be scored",
                    hint=f"use an alpha <= {ref.alpha}, or score again with --alpha {alpha}",
                )
    t0 = time.perf_counter()
    # The machine that measured is what the numbers describe: keep its metadata.
    env: dict[str, Any] = {}
    run_info: dict[str, Any] = {}
    old_summary = rd.path / "summary.json"
    if old_summary.exists():
        try:
            previous = json.loads(old_summary.read_text(encoding="utf-8"))
            env = dict(previous.get("environment", {}))
            run_info = dict(previous.get("run", {}))
        except (OSError, ValueError):
            pass
    if not env:
        from codeeff.environment import collect_environment

        env = collect_environment(backend=config.backend, image=manifest.image, lanes=[])
    run_info["rescored"] = True
    summary = build_summary(run_dir=rd, manifest=manifest, config=config, problem_set=pset,
                            environment=env, warnings=(), run_info=run_info)
    summary = summary.with_phases({"score": time.perf_counter() - t0})
    if write:
        write_outputs(rd, summary)
    return summary
