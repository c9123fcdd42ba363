"""Regression (security audit): a sample could read the reference's answer and source.

Every child is forked from its sandbox's supervisor and inherits its memory. When the engine
staged the reference and the sample in the same sandbox, a sample could walk
``sys._getframe()`` up into the supervisor's frames, or scan its own memory, and find the
reference's source and its previous result (the answer on the same input): a sample four
times slower than the reference was measured about six times faster, with the right answer.

The engine now gives the reference and each sample their own sandbox (same core). These tests
go through the engine (``measure_case`` with the runner's layout, and ``codeeff.score``) with
the real docker backend. They skip when no engine or image is available.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from hostile_programs import MEMORY_SCAN, answer_stealer

import codeeff
from codeeff.config import ScoreConfig
from codeeff.measure import RepeatPolicy, measure_case
from codeeff.sandbox import Limits, Payload, Program, Sandbox, SandboxConfig

from .conftest import TOYSET, docker_ready, write_jsonl

pytestmark = [pytest.mark.docker]

# Its own algorithm does four times the reference's work; when it finds another program staged
# beside it, it returns an int result it finds on the supervisor's frames (the previous run's
# answer), or else runs that program's source. Adapted from the audit's cheat.
_CHEAT = answer_stealer("sum_squares", "values", """    total = 0
    for _ in range(4):
        total = sum(v * v for v in values)
    return total""")
_REFERENCE = "def sum_squares(values):\n    return sum(v * v for v in values)\n"

# Counts copies of a marker (derived from ``key``, never sent as such) reachable from the
# supervisor's frames and present in the child's writable memory (its own marker excluded).
# ``plant`` puts the marker in the child's own arguments: the control that the scan works.
_PROBE = MEMORY_SCAN + '''
import sys
def _holds(obj, needle, depth=0, seen=None):
    seen = set() if seen is None else seen
    if depth > 6 or id(obj) in seen:
        return False
    seen.add(id(obj))
    if isinstance(obj, (bytes, bytearray)):
        return needle in obj
    if isinstance(obj, str):
        return needle in obj.encode("utf-8", "surrogatepass")
    if isinstance(obj, dict):
        return any(_holds(v, needle, depth + 1, seen) for v in list(obj.values())[:256])
    if isinstance(obj, (list, tuple, set, frozenset)):
        return any(_holds(v, needle, depth + 1, seen) for v in list(obj)[:256])
    attrs = list(getattr(obj, "__dict__", {}).values()) if not isinstance(obj, type(sys)) else []
    attrs += [getattr(obj, s, None) for s in getattr(type(obj), "__slots__", ())
              if isinstance(s, str)]
    return any(_holds(v, needle, depth + 1, seen) for v in attrs)
def f(key, plant=None):
    needle = bytes(k ^ 1 for k in key)
    hits = _memory_hits(needle)
    frames = 0
    fr = sys._getframe(1)
    while fr is not None:
        for name, value in list(fr.f_locals.items()):
            if name not in ("needle", "key") and _holds(value, needle):
                frames += 1
        fr = fr.f_back
    return [hits, frames]
'''


@pytest.fixture(scope="module")
def lane() -> Iterator[tuple[Sandbox, Sandbox]]:
    """A timing lane as the runner opens it: two docker sandboxes pinned to the same core."""
    reason = docker_ready()
    if reason:
        pytest.skip(reason)
    import os

    from codeeff.sandbox import open_sandbox

    core = sorted(os.sched_getaffinity(0))[-1]
    config = SandboxConfig(backend="docker", cpus=(core,))
    with open_sandbox(config) as trusted, open_sandbox(config) as untrusted:
        yield trusted, untrusted


def test_answer_stealing_sample_is_not_measured_faster(lane):
    trusted, untrusted = lane
    untrusted.recycle()  # the runner's rule: a fresh container for every sample
    values = list(range(-150_000, 150_000))
    limits = Limits(cpu_s=5.0, memory_mb=256)
    policy = RepeatPolicy(min_reps=6, max_reps=6, baseline_reps=1)  # the engine's defaults
    cm = measure_case([trusted, untrusted],
                      [Program(_REFERENCE, "sum_squares"), Program(_CHEAT, "sum_squares")],
                      Payload.from_args([values]), [limits, limits], policy)
    ref, cheat = cm.programs
    expected = sum(v * v for v in values)
    assert ref.value == expected and cheat.value == expected, cm
    ratio = cheat.time_s / ref.time_s
    print(f"cheat / reference = {ratio:.2f} (its own work is 4x)")
    # Only its own algorithm ran: four times the reference's work (measured ~2.8x; a stolen
    # answer measured ~0.17x). 1.5x leaves room for noise on a shared machine.
    assert ratio > 1.5, (
        f"cheat {cheat.time_s * 1e3:.2f} ms vs reference {ref.time_s * 1e3:.2f} ms; "
        f"cheat runs (ms): {[round(t * 1e3, 2) for t in cheat.net_s]}")


def test_reference_source_and_answer_are_out_of_a_samples_reach(lane):
    trusted, untrusted = lane
    untrusted.recycle()
    needle = secrets.token_hex(16).encode()
    key = bytes(b ^ 1 for b in needle)
    # The marker is in the reference's source and in its answer, which stay in its sandbox.
    ref = Program(f"# {needle.decode()}\ndef f(key, plant=None):\n"
                  "    return bytes(k ^ 1 for k in key).decode()\n", "f")
    probe = Program(_PROBE, "f")
    policy = RepeatPolicy(min_reps=3, max_reps=3, baseline_reps=1)
    lim = Limits(cpu_s=5.0, memory_mb=256)
    cm = measure_case([trusted, untrusted], [ref, probe], Payload.from_args([key]),
                      [lim, lim], policy)
    answer, found = cm.programs
    assert answer.value == needle.decode(), cm
    assert found.value == [0, 0], f"the sample found the reference's marker: {found.value}"
    # Control: the same probe does find the marker when it is in its own arguments.
    control = untrusted.run(probe, Payload.from_args([key, needle]), lim)
    assert control.value is not None and control.value[0] > 0 and control.value[1] > 0, control


@pytest.mark.slow
def test_answer_stealing_sample_scores_as_its_own_work(tmp_path):
    """Through ``codeeff.score``: the cheat passes (its answers are right) but scores low."""
    reason = docker_ready()
    if reason:
        pytest.skip(reason)
    rows = [{"task_id": "toy-sum-squares", "solution": src} for src in (_REFERENCE, _CHEAT)]
    config = ScoreConfig(k=(1,), jobs=1)
    summary = codeeff.score(write_jsonl(tmp_path / "s.jsonl", rows), TOYSET, tmp_path / "run",
                            config, cache_dir=tmp_path / "cache")
    [problem] = [p for p in summary.problems if p.task_id == "toy-sum-squares"]
    honest, cheat = sorted(problem.samples, key=lambda s: s.index)
    print(f"honest {honest.score:.3f} (slowdown {honest.slowdown}), cheat {cheat.score:.3f} "
          f"(slowdown {cheat.slowdown}, censored from level {cheat.censored_level})")
    assert honest.passed and cheat.passed
    assert cheat.slowdown is not None and cheat.slowdown > 2.0, cheat
    assert cheat.score < 0.5 < honest.score, (honest, cheat)
