"""``measure_case`` with scripted fake sandboxes: per-sandbox baselines, digest comparison.

The fakes only replace ``Sandbox.run``; every other part is the real code. Real backends run
it in ``test_score_process.py``, ``test_score_docker.py`` and ``test_isolation_docker.py``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from typing import Any

import pytest

from codeeff.measure import RepeatPolicy, measure_case
from codeeff.sandbox import Execution, Limits, Payload, Program, Sandbox, Verdict, wire

POLICY = RepeatPolicy(min_reps=4, max_reps=4, baseline_reps=2)
LIM = Limits(cpu_s=1.0)


class FakeSandbox(Sandbox):
    """Answers ``script(program) -> Execution``; the no-op gets ``noop_s`` of CPU."""

    backend = "fake"

    def __init__(self, script: Callable[[Program], Execution], noop_s: float) -> None:
        self.script = script
        self.noop_s = noop_s
        self.runs: list[Program] = []

    def run(self, program: Program, payload: Payload, limits: Limits) -> Execution:
        self.runs.append(program)
        if program == Program.noop(program.entry_point):
            return Execution(Verdict.OK, self.noop_s, self.noop_s)
        return self.script(program)

    def recycle(self) -> None:
        pass

    def close(self) -> None:
        pass


def _ok(value: Any, cpu: float, digest: bool = True) -> Execution:
    raw = wire.encode(value)
    return Execution(Verdict.OK, cpu, cpu, value=wire.decode(raw),
                     value_digest=hashlib.sha256(raw).hexdigest() if digest else None)


REF = Program("def f(x):\n    return x\n", "f")
SMP = Program("def f(x):\n    return x  # sample\n", "f")
PAYLOAD = Payload.from_args([1])


def test_each_program_is_charged_its_own_sandboxs_baseline():
    ref_sb = FakeSandbox(lambda p: _ok(1, 0.010), noop_s=0.002)
    smp_sb = FakeSandbox(lambda p: _ok(1, 0.010), noop_s=0.004)
    cm = measure_case([ref_sb, smp_sb], [REF, SMP], PAYLOAD, [LIM, LIM], POLICY)
    r, s = cm.programs
    assert r.baseline_s == pytest.approx(0.002) and s.baseline_s == pytest.approx(0.004)
    assert r.net_s == pytest.approx((0.008,) * 4) and s.net_s == pytest.approx((0.006,) * 4)
    assert r.baseline_runs == (0.002, 0.002) and s.baseline_runs == (0.004, 0.004)
    # Each sandbox ran only its own program and its own no-op.
    assert {p.source for p in ref_sb.runs} == {REF.source, Program.noop("f").source}
    assert {p.source for p in smp_sb.runs} == {SMP.source, Program.noop("f").source}


def test_the_baseline_is_the_median_of_the_pooled_noops():
    # Two slow starts among six no-ops (a prior of four, this call's two): the median holds
    # at 0.050 where Hodges-Lehmann reads 0.105.
    sb = FakeSandbox(lambda p: _ok(1, 0.010), noop_s=0.050)
    cm = measure_case(sb, [REF], PAYLOAD, [LIM], POLICY,
                      baseline_prior=[(0.200, 0.050, 0.160, 0.050)])
    assert cm.programs[0].baseline_s == pytest.approx(0.050)


def test_priors_are_per_program_and_a_shared_sandbox_shares_its_baseline():
    sb = FakeSandbox(lambda p: _ok(1, 0.010), noop_s=0.002)
    other = FakeSandbox(lambda p: _ok(1, 0.010), noop_s=0.002)
    cm = measure_case([sb, other], [REF, SMP], PAYLOAD, [LIM, LIM], POLICY,
                      baseline_prior=[(0.003,) * 9, ()])
    assert cm.programs[0].baseline_s == pytest.approx(0.003)  # the prior dominates the pool
    assert cm.programs[1].baseline_s == pytest.approx(0.002)
    shared = measure_case(sb, [REF, SMP], PAYLOAD, [LIM, LIM], POLICY)
    assert shared.programs[0].baseline_runs == shared.programs[1].baseline_runs
    assert len(shared.programs[0].baseline_runs) == 2  # one no-op per round, not per program
    with pytest.raises(ValueError, match="sandboxes"):
        measure_case([sb], [REF, SMP], PAYLOAD, [LIM, LIM], POLICY)


def test_repetitions_holding_nan_agree_by_digest():
    """Regression: a result holding NaN was reported as "answers differ between runs"."""
    sb = FakeSandbox(lambda p: _ok([math.nan, 1.5], 0.01), noop_s=0.001)
    m = measure_case([sb], [REF], PAYLOAD, [LIM], POLICY).programs[0]
    assert m.verdict is Verdict.OK and m.values_agree
    assert math.isnan(m.value[0]) and m.value[1] == 1.5


def test_repetitions_with_another_digest_disagree():
    answers = iter([1, 1, 2, 1])
    sb = FakeSandbox(lambda p: _ok(next(answers), 0.01), noop_s=0.001)
    m = measure_case([sb], [REF], PAYLOAD, [LIM], POLICY).programs[0]
    assert not m.values_agree and m.value == 1


def test_without_digests_the_decoded_values_are_compared():
    answers = iter([[1], [1], [1], [3]])
    sb = FakeSandbox(lambda p: _ok(next(answers), 0.01, digest=False), noop_s=0.001)
    assert not measure_case([sb], [REF], PAYLOAD, [LIM], POLICY).programs[0].values_agree
    same = FakeSandbox(lambda p: _ok([1], 0.01, digest=False), noop_s=0.001)
    assert measure_case([same], [REF], PAYLOAD, [LIM], POLICY).programs[0].values_agree


def test_a_sandbox_that_cannot_run_its_noop_is_an_error():
    from codeeff.errors import SandboxError

    good = FakeSandbox(lambda p: _ok(1, 0.01), noop_s=0.001)
    broken = FakeSandbox(lambda p: _ok(1, 0.01), noop_s=0.001)
    broken.run = lambda program, payload, limits: (  # type: ignore[method-assign]
        Execution(Verdict.CRASHED, 0.0, 0.0) if program == Program.noop("f")
        else _ok(1, 0.01))
    with pytest.raises(SandboxError, match="baseline"):
        measure_case([good, broken], [REF, SMP], PAYLOAD, [LIM, LIM], POLICY)
