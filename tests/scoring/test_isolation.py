"""No sandbox ever holds the reference and a sample, or two samples (unit, through ``score``).

Nor two problems' references: a supervisor holding many problems' staged inputs forks slower
and its children run slower, which would bias the side it times.

A child is forked from its sandbox's supervisor and inherits its memory: whatever the sandbox
ran before (since its last recycle) can be found by the next program. So the whole pipeline is
run here with in-process fake sandboxes that remember every source each environment (one
container, between two recycles) received, and the property is checked on all of them. The
real docker backend is in ``test_isolation_docker.py``.
"""

from __future__ import annotations

import hashlib
import time

import pytest

import codeeff
from codeeff import runner
from codeeff.config import ScoreConfig
from codeeff.sandbox import (
    Execution,
    Limits,
    Payload,
    Program,
    Sandbox,
    SandboxConfig,
    Verdict,
    wire,
)

from .conftest import TOYSET, write_jsonl


class InProcessSandbox(Sandbox):
    """Runs our own toy programs in this process (trusted test code) and remembers them."""

    backend = "fake"

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.environments: list[set[str]] = [set()]

    def run(self, program: Program, payload: Payload, limits: Limits) -> Execution:
        self.environments[-1].add(program.source)
        scope: dict = {}
        exec(program.source, scope)  # the toy set's own programs
        value = scope[program.entry_point](*payload.args())
        raw = wire.encode(value)
        cpu = 0.0001 if program == Program.noop(program.entry_point) else 0.001
        return Execution(Verdict.OK, cpu, cpu, value=wire.decode(raw),
                         value_digest=hashlib.sha256(raw).hexdigest())

    def recycle(self) -> None:
        if self.environments[-1]:
            self.environments.append(set())

    def close(self) -> None:
        pass


@pytest.fixture()
def fakes(monkeypatch):
    opened: list[InProcessSandbox] = []

    def open_fake(config: SandboxConfig) -> Sandbox:
        opened.append(InProcessSandbox(config))
        return opened[-1]

    monkeypatch.setattr(runner, "_sandbox_api",
                        lambda: (open_fake, lambda: [], lambda image: image or "fake-image"))
    return opened


def _check_isolation(opened: list[InProcessSandbox], references: set[str]) -> int:
    """Assert the property on every environment; returns how many held a sample."""
    with_sample = 0
    for sb in opened:
        for env in sb.environments:
            programs = {s for s in env if not s.startswith(
                ("def sum_squares(*args", "def count_distinct(*args"))}
            samples = programs - references
            assert not (samples and programs & references), (
                f"a sample shared a sandbox with a reference: {sorted(programs)}")
            assert len(samples) <= 1, f"samples shared a sandbox: {sorted(samples)}"
            # Not even two references: a supervisor holding several problems' inputs is slower.
            assert len(programs) <= 1, f"programs shared a sandbox: {sorted(programs)}"
            with_sample += bool(samples)
    return with_sample


def test_no_sandbox_holds_the_reference_and_a_sample(tmp_path, toy_problems, fakes):
    problems = toy_problems.problems
    refs = {p.reference for p in problems.values()}
    rows = []
    for pid, p in problems.items():
        rows.append({"task_id": pid, "solution": p.reference})
        rows += [{"task_id": pid, "solution": s} for s in p.slow.values()]
        rows += [{"task_id": pid, "solution": p.reference + f"\n# variant {i}\n"}
                 for i in range(3)]
    config = ScoreConfig(backend="process", allow_unsafe_process=True, k=(1,), min_reps=3,
                         max_reps=3, jobs=min(2, len(runner._lane_cpus(None))))
    start = time.perf_counter()
    summary = codeeff.score(write_jsonl(tmp_path / "s.jsonl", rows), TOYSET, tmp_path / "run",
                            config, cache_dir=tmp_path / "cache")
    assert summary.pass_at(1) == 1.0 and summary.not_measured == 0, time.perf_counter() - start
    # Two sandboxes per lane; every distinct non-reference program had an environment alone.
    assert len(fakes) == 2 * len(summary.run["lanes"])
    distinct_samples = len({r["solution"] for r in rows} - refs)
    assert _check_isolation(fakes, refs) == distinct_samples


def test_reference_scored_alone_is_timed_in_the_samples_sandbox(tmp_path, toy_problems, fakes):
    """The fused path (the benchmark's case): the copy runs in the untrusted sandbox."""
    rows = [{"task_id": pid, "solution": p.reference} for pid, p in toy_problems.problems.items()]
    config = ScoreConfig(backend="process", allow_unsafe_process=True, k=(1,), min_reps=3,
                         max_reps=3, jobs=1)
    summary = codeeff.score(write_jsonl(tmp_path / "r.jsonl", rows), TOYSET, tmp_path / "run",
                            config, cache_dir=tmp_path / "cache")
    assert summary.pass_at(1) == 1.0
    trusted, untrusted = fakes
    refs = {p.reference for p in toy_problems.problems.values()}
    noops = {Program.noop(e).source for e in ("sum_squares", "count_distinct")}
    assert set().union(*trusted.environments) - noops == refs
    assert refs <= set().union(*untrusted.environments)
    _check_isolation(fakes, refs)
    # A sample arriving later in the same run directory gets a fresh environment of its own.
    extra = [{"task_id": "toy-sum-squares",
              "solution": toy_problems.problems["toy-sum-squares"].reference + "\n# mine\n"}]
    fakes.clear()
    codeeff.score(write_jsonl(tmp_path / "r.jsonl", rows + extra), TOYSET, tmp_path / "run",
                  config, cache_dir=tmp_path / "cache")
    assert _check_isolation(fakes, refs) == 1
