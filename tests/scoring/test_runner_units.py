"""The runner's verdict and censoring logic, isolated with a scripted fake sandbox.

The fake only replaces the sandbox (``run``/``recycle``): every other part is the real code.
End-to-end behaviour with real backends is in ``test_score_process.py`` and
``test_score_docker.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from codeeff.config import ScoreConfig
from codeeff.runner import (
    _CountingSandbox,
    _Job,
    _measure_program,
    _probe,
    _SandboxBroke,
    _Stats,
    load_inputs,
)
from codeeff.sandbox import Execution, Limits, Payload, Program, Sandbox, Verdict

CONFIG = ScoreConfig(backend="process", allow_unsafe_process=True, min_reps=3, max_reps=3,
                     probe_reps=2)


class ScriptedSandbox(Sandbox):
    """Answers each run from a script: ``script(source, args, limits) -> Execution``."""

    backend = "fake"

    def __init__(self, script: Callable[[str, tuple, Limits], Execution]) -> None:
        self.script = script
        self.calls: list[tuple[str, tuple, Limits]] = []
        self.recycles = 0

    def run(self, program: Program, payload: Payload, limits: Limits) -> Execution:
        args = payload.args()
        self.calls.append((program.source, args, limits))
        return self.script(program.source, args, limits)

    def recycle(self) -> None:
        self.recycles += 1

    def close(self) -> None:
        pass


def _ok(value: Any, cpu: float) -> Execution:
    return Execution(Verdict.OK, cpu, cpu, value=value)


def _job(problem) -> _Job:
    tests = tuple(lv.tests for lv in problem.spec.levels)
    return _Job(problem, tuple(lv.weight for lv in problem.spec.levels),
                problem.spec.time_factor, tests, "rk", None, [])


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


def _setup(problem, sample=None):
    fake = ScriptedSandbox(_script(sample))
    sb = _CountingSandbox(fake, _Stats())
    job = _job(problem)
    inputs = load_inputs(problem, job.tests, 0, None)
    ref_rec = _probe(sb, job, inputs, CONFIG)
    return fake, sb, job, inputs, ref_rec


def test_probe_sets_expected_answers_and_kill_limit(problem):
    _, _, _, inputs, ref = _setup(problem)
    assert ref.error is None
    assert len(ref.level0) == 3 and len(ref.timed) == 6
    assert all(len(t.cpu_s) == 2 and len(t.baseline_s) == 1 for t in ref.timed)
    worst = max(max(t.cpu_s) for t in ref.timed) - 0.0005
    assert ref.kill_net_s == pytest.approx(1.5 * 2.0 * worst + 0.01)
    assert ref.expected[1][0] == str(_truth(inputs.payloads[1][0].args()))


def test_correct_sample_runs_every_test_interleaved(problem):
    fake, sb, job, inputs, ref = _setup(problem, lambda a, lim: _ok(_truth(a), 0.002))
    before = len(fake.calls)
    tests = _measure_program(sb, job, ref, inputs, "# SAMPLE\n", CONFIG)
    assert [t.verdict for t in tests] == ["ok"] * 9
    assert all(len(t.cpu_s) == 3 and len(t.ref_cpu_s) == 3 for t in tests if t.level > 0)
    assert fake.recycles == 1  # a fresh container before an untrusted sample
    sources = [s for s, _, _ in fake.calls[before:]]
    # Round-robin order on a timed test: reference and sample alternate (rotated each round).
    timed = [s for s in sources if "SAMPLE" in s or s == problem.reference][3:9]
    assert timed.count(problem.reference) == 3


def test_wrong_answer_at_level_zero_stops(problem):
    def sample(args, lim):
        return _ok(_truth(args) + (1 if args[0] == [5] else 0), 0.001)
    _, sb, job, inputs, ref = _setup(problem, sample)
    tests = _measure_program(sb, job, ref, inputs, "# SAMPLE\n", CONFIG)
    assert [(t.level, t.case, t.verdict) for t in tests] == [(0, 0, "ok"), (0, 1, "wrong_answer")]


def test_timeout_at_a_timed_level_stops_the_levels_above(problem):
    def sample(args, lim):
        if len(args[0]) >= 40000:  # level 2: killed at its limit
            return Execution(Verdict.TIMEOUT, lim.cpu_s, lim.cpu_s, error="cpu")
        return _ok(_truth(args), 0.002)
    fake, sb, job, inputs, ref = _setup(problem, sample)
    tests = _measure_program(sb, job, ref, inputs, "# SAMPLE\n", CONFIG)
    assert tests[-1].level == 2 and tests[-1].verdict == "timeout"
    assert tests[-1].cpu_s == () and len(tests[-1].ref_cpu_s) == 3  # reference still pooled
    assert not any(t.level == 3 for t in tests)
    kills = [lim.cpu_s for s, _, lim in fake.calls if "SAMPLE" in s]
    base = 0.0005
    assert min(kills[3:]) >= ref.kill_net_s + base - 1e-12  # kill limit >= T + tolerance


def test_sandbox_error_is_not_the_samples_fault(problem):
    def sample(args, lim):
        return Execution(Verdict.SANDBOX_ERROR, 0.0, 0.0, detail="supervisor died")
    _, sb, job, inputs, ref = _setup(problem, sample)
    with pytest.raises(_SandboxBroke):
        _measure_program(sb, job, ref, inputs, "# SAMPLE\n", CONFIG)


def test_reference_identical_sample_needs_no_recycle(problem):
    fake, sb, job, inputs, ref = _setup(problem)
    _measure_program(sb, job, ref, inputs, problem.reference, CONFIG)
    assert fake.recycles == 0
    _measure_program(sb, job, ref, inputs, "# SAMPLE\n" + problem.reference, CONFIG)
    _measure_program(sb, job, ref, inputs, problem.reference, CONFIG)
    assert fake.recycles == 2  # before the untrusted one, and after it (dirty) for the next


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

    fake = ScriptedSandbox(_script())
    sb = _CountingSandbox(fake, _Stats())
    job = _job(problem)
    inputs = load_inputs(problem, job.tests, 0, None)
    ref, rec = _fused(sb, job, inputs, CONFIG, "key", None)
    assert ref.error is None and ref.timed == () and ref.kill_net_s > 0
    assert rec.same_as_reference and [t.verdict for t in rec.tests] == ["ok"] * 9
    timed = [t for t in rec.tests if t.level > 0]
    assert all(len(t.cpu_s) == 3 and len(t.ref_cpu_s) == 3 and t.baseline_s for t in timed)
    # 3 level-0 runs + 6 timed tests x (3 + 3 + 1 baseline): no probe, no level-0 rerun.
    assert sb.stats.executions == 3 + 6 * 7


def test_split_reference_runs_halves_the_work(problem):
    from codeeff.runner import _fused

    fake = ScriptedSandbox(_script())
    sb = _CountingSandbox(fake, _Stats())
    job = _job(problem)
    inputs = load_inputs(problem, job.tests, 0, None)
    config = CONFIG.replace(min_reps=4, max_reps=4, split_reference_runs=True)
    _, rec = _fused(sb, job, inputs, config, "key", None)
    timed = [t for t in rec.tests if t.level > 0]
    assert all(len(t.cpu_s) == 2 and len(t.ref_cpu_s) == 2 for t in timed)
    assert sb.stats.executions == 3 + 6 * (4 + 1)
