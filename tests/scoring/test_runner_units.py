"""The runner's verdict and censoring logic, isolated with scripted fake sandboxes.

The fakes only replace the sandboxes (``run``/``recycle``): every other part is the real code.
Each lane has two: ``ref`` (trusted, the reference) and ``smp`` (untrusted, one sample at a time).
End-to-end behaviour with real backends is in ``test_score_process.py`` and
``test_score_docker.py``.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from typing import Any

import pytest

from codeeff.config import ScoreConfig
from codeeff.runner import (
    _CountingSandbox,
    _Job,
    _Lane,
    _measure_program,
    _pin_this_thread,
    _probe,
    _SandboxBroke,
    _Stats,
    baseline_tests,
    load_inputs,
)
from codeeff.sandbox import Execution, Limits, Payload, Program, Sandbox, Verdict

CONFIG = ScoreConfig(backend="process", allow_unsafe_process=True, min_reps=3, max_reps=3,
                     probe_reps=2)


class ScriptedSandbox(Sandbox):
    """Answers each run from a script: ``script(source, args, limits) -> Execution``."""

    backend = "fake"

    def __init__(self, script: Callable[[str, tuple, Limits], Execution],
                 log: list[tuple[str, tuple, Limits]] | None = None) -> None:
        self.script = script
        self.calls: list[tuple[str, tuple, Limits]] = []
        self.log = log if log is not None else []
        """Calls of every sandbox of the lane, in the order they were made."""
        self.recycles = 0
        self.sources: set[str] = set()
        """Sources run since the last recycle (what a child could find in the supervisor)."""
        self.held: list[set[str]] = []
        """The sources each environment held, one set per environment (closed at recycle)."""

    def run(self, program: Program, payload: Payload, limits: Limits) -> Execution:
        args = payload.args()
        self.calls.append((program.source, args, limits))
        self.log.append((program.source, args, limits))
        self.sources.add(program.source)
        return self.script(program.source, args, limits)

    def environments(self) -> list[set[str]]:
        return [*self.held, self.sources]

    def recycle(self) -> None:
        self.recycles += 1
        self.held.append(self.sources)
        self.sources = set()

    def close(self) -> None:
        pass


def _ok(value: Any, cpu: float) -> Execution:
    return Execution(Verdict.OK, cpu, cpu, value=value)


def _job(problem, config: ScoreConfig = CONFIG) -> _Job:
    tests = tuple(lv.tests for lv in problem.spec.levels)
    return _Job(problem, tuple(lv.weight for lv in problem.spec.levels),
                problem.spec.time_factor, tests, "rk", None, [],
                baseline_tests(tests, config.baseline_reps))


def _truth(args: tuple) -> int:
    return sum(v * v for v in args[0])


def _script(sample: Callable[[tuple, Limits], Execution] | None = None):
    def run(source: str, args: tuple, limits: Limits) -> Execution:
        if source.startswith("def sum_squares(*args"):  # the no-op baseline
            return _ok(None, 0.0005)
        if "SAMPLE" in source and sample is not None:
            return sample(args, limits)
        return _ok(_truth(args), 0.001 + len(args[0]) * 1e-7)
    return run


@pytest.fixture()
def problem(toy_problems):
    return toy_problems.problems["toy-sum-squares"]


class Fakes:
    """The two fake sandboxes of a lane and their shared call log."""

    def __init__(self, sample=None) -> None:
        self.log: list[tuple[str, tuple, Limits]] = []
        self.ref = ScriptedSandbox(_script(sample), self.log)
        self.smp = ScriptedSandbox(_script(sample), self.log)
        stats = _Stats()
        self.lane = _Lane(_CountingSandbox(self.ref, stats), _CountingSandbox(self.smp, stats))
        self.stats = stats


def _setup(problem, sample=None):
    fakes = Fakes(sample)
    job = _job(problem)
    inputs = load_inputs(problem, job.tests, 0, None)
    ref_rec = _probe(fakes.lane.trusted, job, inputs, CONFIG)
    return fakes, fakes.lane, job, inputs, ref_rec


def test_probe_sets_expected_answers_and_kill_limit(problem):
    _, _, _, inputs, ref = _setup(problem)
    assert ref.error is None
    assert len(ref.level0) == 3 and len(ref.timed) == 6
    assert all(len(t.cpu_s) == 2 and len(t.baseline_s) == 1 for t in ref.timed)
    worst = max(max(t.cpu_s) for t in ref.timed) - 0.0005
    assert ref.kill_net_s == pytest.approx(1.5 * 2.0 * worst + 0.01)
    assert ref.expected[1][0] == str(_truth(inputs.payloads[1][0].args()))


def test_the_references_answers_are_stored_as_the_bytes_it_sent(problem):
    # A set's iteration order depends on how it was built, so the bytes the child sent and a
    # re-encoding of the decoded value on the host may differ: the bytes are what is stored.
    raw = b'{"$set":[3,1,2]}'

    def run(source: str, args: tuple, limits: Limits) -> Execution:
        if source.startswith("def sum_squares(*args"):
            return _ok(None, 0.0005)
        return Execution(Verdict.OK, 0.001, 0.001, value={1, 2, 3},
                         value_digest=hashlib.sha256(raw).hexdigest(), value_bytes=raw)

    stats = _Stats()
    lane = _Lane(_CountingSandbox(ScriptedSandbox(run, []), stats),
                 _CountingSandbox(ScriptedSandbox(run, []), stats))
    job = _job(problem)
    ref = _probe(lane.trusted, job, load_inputs(problem, job.tests, 0, None), CONFIG)
    assert ref.error is None
    assert {text for level in ref.expected for text in level} == {raw.decode()}


def test_baseline_tests_are_spread_over_the_levels():
    assert baseline_tests((8, 4, 4, 4), 6) == {(1, 0), (1, 2), (2, 0), (2, 2), (3, 0), (3, 2)}
    assert baseline_tests((3, 2, 2), 6) == {(1, 0), (1, 1), (2, 0), (2, 1)}
    assert baseline_tests((8, 4, 4, 4), 1) == {(1, 0)}


def test_fewer_baseline_runs_are_pooled_over_the_problem(problem):
    """With two no-op runs per problem and side, only two tests run one, and every test of
    the sample is still scored against the pooled baseline of its own side."""
    from codeeff.scoring import ScoringParams, score_problem

    config = CONFIG.replace(baseline_reps=2)
    fakes = Fakes(lambda a, lim: _ok(_truth(a), 0.001 + len(a[0]) * 1e-7))
    job = _job(problem, config)
    inputs = load_inputs(problem, job.tests, 0, None)
    ref = _probe(fakes.lane.trusted, job, inputs, config)
    assert sum(len(t.baseline_s) for t in ref.timed) == 2
    tests = _measure_program(fakes.lane, job, ref, inputs, "# SAMPLE\n", config)
    timed = [t for t in tests if t.level > 0]
    assert [bool(t.baseline_s) for t in timed] == [bool(t.ref_baseline_s) for t in timed]
    assert sum(len(t.baseline_s) for t in timed) == 2
    from codeeff.results import SampleRecord

    rec = SampleRecord("k", problem.id, "d", ref.key, tests)
    params = ScoringParams(weights=job.weights, alpha=job.alpha, tolerance_s=0.01, ks=(1,))
    score = score_problem(problem.id, ref, {"d": rec}, [(0, "d")], params)
    # The same program on both sides, the same fake times: exactly the reference's speed.
    assert score.samples[0].score == pytest.approx(1.0)


def test_correct_sample_runs_every_test_interleaved(problem):
    fakes, lane, job, inputs, ref = _setup(problem, lambda a, lim: _ok(_truth(a), 0.002))
    before = len(fakes.log)
    tests = _measure_program(lane, job, ref, inputs, "# SAMPLE\n", CONFIG)
    assert [t.verdict for t in tests] == ["ok"] * 9
    timed_runs = [t for t in tests if t.level > 0]
    assert all(len(t.cpu_s) == 3 and len(t.ref_cpu_s) == 3 for t in timed_runs)
    # Each side's own baseline: one no-op per sandbox and test.
    assert all(len(t.baseline_s) == 1 and len(t.ref_baseline_s) == 1 for t in timed_runs)
    assert fakes.smp.recycles == 0 and fakes.ref.recycles == 0  # nothing ran there before
    sources = [s for s, _, _ in fakes.log[before:]]
    # Round-robin order on a timed test: reference and sample alternate (rotated each round)
    # across the two sandboxes, then each sandbox's no-op.
    first = sources[3:11]
    assert [("SAMPLE" in s, s == problem.reference) for s in first[:2]] == [
        (False, True), (True, False)]
    assert first[2].startswith("def sum_squares(*args") and first[3].startswith(
        "def sum_squares(*args")
    assert first[4:6] == ["# SAMPLE\n", problem.reference]  # rotated in round 2
    _measure_program(lane, job, ref, inputs, "# SAMPLE 2\n", CONFIG)
    assert fakes.smp.recycles == 1 and fakes.ref.recycles == 0  # a fresh one per sample


def test_sandbox_roles_are_chosen_per_problem_and_never_mix_programs(problem):
    fakes, lane, job, inputs, ref = _setup(problem, lambda a, lim: _ok(_truth(a), 0.002))
    ids = [f"HumanEval/{i}" for i in range(200)]
    swapped = [lane.for_problem(i).trusted is lane.untrusted for i in ids]
    # Reproducible, and about half of the problems time their reference in each container.
    assert swapped == [lane.for_problem(i).trusted is lane.untrusted for i in ids]
    assert 70 <= sum(swapped) <= 130
    other = lane.for_problem(ids[swapped.index(True)])
    assert (other.trusted, other.untrusted) == (lane.untrusted, lane.trusted)
    # A sample in one container, then that container serves as the trusted one: it is
    # recycled first, so no environment ever holds the reference beside a sample.
    _measure_program(lane, job, ref, inputs, "# SAMPLE\n", CONFIG)
    _probe(other.trusted, job, inputs, CONFIG)
    _measure_program(other, job, ref, inputs, "# SAMPLE 2\n", CONFIG)
    # Each container recycled once: before the reference (after sample 1) and before sample 2.
    assert fakes.smp.recycles == 1 and fakes.ref.recycles == 1
    for box in (fakes.ref, fakes.smp):
        for env in box.environments():
            samples = {s for s in env if "SAMPLE" in s}
            assert len(samples) <= 1 and not (samples and problem.reference in env)


def test_wrong_answer_at_level_zero_stops(problem):
    def sample(args, lim):
        return _ok(_truth(args) + (1 if args[0] == [5] else 0), 0.001)
    _, lane, job, inputs, ref = _setup(problem, sample)
    tests = _measure_program(lane, job, ref, inputs, "# SAMPLE\n", CONFIG)
    assert [(t.level, t.case, t.verdict) for t in tests] == [(0, 0, "ok"), (0, 1, "wrong_answer")]


def test_timeout_at_a_timed_level_stops_the_levels_above(problem):
    def sample(args, lim):
        if len(args[0]) >= 40000:  # level 2: killed at its limit
            return Execution(Verdict.TIMEOUT, lim.cpu_s, lim.cpu_s, error="cpu")
        return _ok(_truth(args), 0.002)
    fakes, lane, job, inputs, ref = _setup(problem, sample)
    tests = _measure_program(lane, job, ref, inputs, "# SAMPLE\n", CONFIG)
    assert tests[-1].level == 2 and tests[-1].verdict == "timeout"
    assert tests[-1].cpu_s == () and len(tests[-1].ref_cpu_s) == 3  # reference still pooled
    assert not any(t.level == 3 for t in tests)
    kills = [lim.cpu_s for s, _, lim in fakes.smp.calls if "SAMPLE" in s]
    base = 0.0005
    assert min(kills[3:]) >= ref.kill_net_s + base - 1e-12  # kill limit >= T + tolerance


def test_sandbox_error_is_not_the_samples_fault(problem):
    def sample(args, lim):
        return Execution(Verdict.SANDBOX_ERROR, 0.0, 0.0, detail="supervisor died")
    _, lane, job, inputs, ref = _setup(problem, sample)
    with pytest.raises(_SandboxBroke):
        _measure_program(lane, job, ref, inputs, "# SAMPLE\n", CONFIG)


def test_reference_identical_sample_needs_no_recycle(problem):
    fakes, lane, job, inputs, ref = _setup(problem)
    _measure_program(lane, job, ref, inputs, problem.reference, CONFIG)
    assert fakes.smp.recycles == 0
    _measure_program(lane, job, ref, inputs, "# SAMPLE\n" + problem.reference, CONFIG)
    _measure_program(lane, job, ref, inputs, problem.reference, CONFIG)
    assert fakes.smp.recycles == 2  # before the untrusted one, and after it (dirty) for the next
    assert fakes.ref.recycles == 0  # the trusted sandbox lives on


def test_broken_reference_is_recorded(problem):
    def run(source, args, limits):
        if source.startswith("def sum_squares(*args"):
            return _ok(None, 0.0005)
        return Execution(Verdict.RUNTIME_ERROR, 0.001, 0.001, error="ZeroDivisionError")
    sb = _CountingSandbox(ScriptedSandbox(run), _Stats())
    job = _job(problem)
    ref = _probe(sb, job, load_inputs(problem, job.tests, 0, None), CONFIG)
    assert ref.error is not None and "ZeroDivisionError" in ref.error


def test_reference_as_sample_is_measured_in_one_pass(problem):
    from codeeff.runner import _fused

    fakes = Fakes()
    job = _job(problem)
    inputs = load_inputs(problem, job.tests, 0, None)
    ref, rec = _fused(fakes.lane, job, inputs, CONFIG, "key", None)
    assert ref.error is None and ref.timed == () and ref.kill_net_s > 0
    assert rec.same_as_reference and [t.verdict for t in rec.tests] == ["ok"] * 9
    timed = [t for t in rec.tests if t.level > 0]
    assert all(len(t.cpu_s) == 3 and len(t.ref_cpu_s) == 3 and t.baseline_s
               and t.ref_baseline_s for t in timed)
    # 3 level-0 runs + 6 timed tests x (3 + 3 + 2 baselines): no probe, no level-0 rerun.
    assert fakes.stats.executions == 3 + 6 * 8
    # The copy is timed in the untrusted sandbox, as any sample.
    assert len([c for c in fakes.smp.calls if c[0] == problem.reference]) == 6 * 3


def test_split_reference_runs_halves_the_work(problem):
    from codeeff.runner import _fused

    fakes = Fakes()
    job = _job(problem)
    inputs = load_inputs(problem, job.tests, 0, None)
    config = CONFIG.replace(min_reps=4, max_reps=4, split_reference_runs=True)
    _, rec = _fused(fakes.lane, job, inputs, config, "key", None)
    timed = [t for t in rec.tests if t.level > 0]
    assert all(len(t.cpu_s) == 2 and len(t.ref_cpu_s) == 2 for t in timed)
    assert fakes.stats.executions == 3 + 6 * (4 + 1)
    assert fakes.smp.calls == []


def test_a_suspicious_reference_run_is_redone_not_recorded(problem):
    """The cgroup cross-check's rare false alarm on trusted code must not fail a problem:
    the probe and the fused pass raise _SandboxBroke, and the runner retries in fresh sandboxes."""
    from codeeff.runner import _fused

    calls = {"n": 0}

    def flaky(source: str, args: tuple, limits: Limits) -> Execution:
        if not source.startswith("def sum_squares(*args"):  # not the no-op
            calls["n"] += 1
            if calls["n"] == 5:  # a timed reference run (after the 3 level-0 runs)
                return Execution(Verdict.SUSPICIOUS, 0.001, 0.001, error="cpu_outside")
        return _script()(source, args, limits)

    stats = _Stats()
    lane = _Lane(_CountingSandbox(ScriptedSandbox(flaky), stats),
                 _CountingSandbox(ScriptedSandbox(flaky), stats))
    job = _job(problem)
    inputs = load_inputs(problem, job.tests, 0, None)
    with pytest.raises(_SandboxBroke, match="suspicious"):
        _probe(lane.trusted, job, inputs, CONFIG)
    calls["n"] = 0
    with pytest.raises(_SandboxBroke, match="suspicious"):
        _fused(lane, job, inputs, CONFIG, "key", None)
    calls["n"] = 10**6  # no more alarms: the retry measures normally
    ref = _probe(lane.trusted, job, inputs, CONFIG)
    assert ref.error is None


def test_an_answer_byte_identical_to_the_expected_one_skips_the_checker():
    import hashlib
    from types import SimpleNamespace

    from codeeff.runner import _check
    from codeeff.sandbox import wire

    calls = []

    def check(args, expected, actual):
        calls.append(actual)
        return sorted(actual) == sorted(expected)  # order does not matter

    problem = SimpleNamespace(checker_source="def check(...)", check=check)
    payload = Payload.from_args([[3, 1, 2]])
    expected = wire.encode([1, 2, 3]).decode()
    same = hashlib.sha256(wire.encode([1, 2, 3])).hexdigest()
    assert _check(problem, payload, expected, [1, 2, 3], same) and calls == []
    # Another encoding (another order) is judged by the checker; so is a result without digest.
    other = hashlib.sha256(wire.encode([3, 2, 1])).hexdigest()
    assert _check(problem, payload, expected, [3, 2, 1], other) and len(calls) == 1
    assert not _check(problem, payload, expected, [1, 2], None) and len(calls) == 2


def test_a_lane_thread_is_kept_on_its_lane_cores_and_the_process_is_not() -> None:
    before = os.sched_getaffinity(0)
    lane = (max(before),)
    seen: list[set[int]] = []
    th = threading.Thread(target=lambda: (_pin_this_thread(lane),
                                          seen.append(os.sched_getaffinity(0))))
    th.start()
    th.join()
    assert seen == [set(lane)]
    assert os.sched_getaffinity(0) == before
    _pin_this_thread((10_000,))  # a core the process may not use: left as it is
    assert os.sched_getaffinity(0) == before
