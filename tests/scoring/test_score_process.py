"""End to end with the real ``process`` backend: scoring, resuming, SIGKILL, rescore, refusals.

The process backend runs the same supervisor as the container (fork per run, CPU clock read
from outside), without isolation: fine for our own toy programs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import codeeff
from codeeff.config import ScoreConfig
from codeeff.errors import ResultsError

from .conftest import TOYSET, write_jsonl

CONFIG = ScoreConfig(backend="process", allow_unsafe_process=True, k=(1,), min_reps=4,
                     max_reps=4)


def _refs(problems, copies: int = 1) -> list[dict]:
    return [{"task_id": pid, "solution": p.reference}
            for pid, p in problems.problems.items() for _ in range(copies)]


def _slow(problems) -> list[dict]:
    return [{"task_id": pid, "solution": src}
            for pid, p in problems.problems.items() for src in p.slow.values()]


def test_references_score_one_and_rerun_does_no_work(tmp_path, toy_problems):
    samples = write_jsonl(tmp_path / "refs.jsonl", _refs(toy_problems))
    out = tmp_path / "run"
    first = codeeff.score(samples, TOYSET, out, CONFIG, cache_dir=tmp_path / "cache")
    assert first.pass_at(1) == 1.0
    assert abs(first.eff_at(1) - 1.0) < 0.1  # the docker test holds the 0.05 bound
    assert first.run["executions"] > 0
    again = codeeff.score(samples, TOYSET, out, CONFIG, cache_dir=tmp_path / "cache")
    assert again.run["executions"] == 0 and again.run["measured_programs"] == 0
    assert again.to_json()["metrics"] == first.to_json()["metrics"]
    # What the library returned is what summary.json holds.
    on_disk = json.loads((out / "summary.json").read_text())
    assert on_disk["metrics"] == again.to_json()["metrics"]
    lines = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    assert {x["task_id"] for x in lines} == set(toy_problems.problems)
    assert all(x["raw"] and x["ref_level_times_s"][1] > 0 for x in lines)
    assert (out / "report.md").read_text().startswith("# codeeff scoring report")
    assert (out / "plots" / "scores.svg").read_text().startswith("<svg")


def test_slow_variants_score_lower(tmp_path, toy_problems):
    out = codeeff.score(write_jsonl(tmp_path / "slow.jsonl", _slow(toy_problems)), TOYSET,
                        tmp_path / "run", CONFIG, cache_dir=tmp_path / "cache")
    assert out.pass_at(1) == 1.0
    assert out.eff_at(1) < 0.5


def test_subset_of_problems_and_example_verdicts(tmp_path, toy_problems):
    p = toy_problems.problems["toy-sum-squares"]
    rows = [
        {"task_id": p.id, "solution": p.reference},
        {"task_id": p.id, "solution": "def sum_squares(values):\n    return -1\n"},
        {"task_id": p.id, "solution": "def sum_squares(values:\n    return 0\n"},
        {"task_id": p.id, "completion": "    return sum([v * v for v in values])\n"},
    ]
    s = codeeff.score(write_jsonl(tmp_path / "s.jsonl", rows), TOYSET, tmp_path / "run",
                      CONFIG, cache_dir=tmp_path / "cache")
    assert s.n_problems == 1 and s.problems_without_samples == ("toy-count-distinct",)
    outcomes = [(x.outcome, x.error) for x in s.problems[0].samples]
    assert outcomes[0] == ("passed", None)
    assert outcomes[1][0] == "wrong_answer"
    assert outcomes[2] == ("runtime_error", "SyntaxError")  # decided inside the sandbox
    assert outcomes[3] == ("passed", None)
    assert s.pass_at(1) == pytest.approx(0.5)


def test_refuses_another_measurement_config(tmp_path, toy_problems):
    samples = write_jsonl(tmp_path / "refs.jsonl", _refs(toy_problems)[:1])
    codeeff.score(samples, TOYSET, tmp_path / "run", CONFIG, cache_dir=tmp_path / "cache")
    with pytest.raises(ResultsError, match="min_reps") as info:
        codeeff.score(samples, TOYSET, tmp_path / "run", CONFIG.replace(min_reps=5, max_reps=5),
                      cache_dir=tmp_path / "cache")
    assert "rescore" in (info.value.hint or "")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ResultsError, match="not a codeeff run directory"):
        codeeff.score(samples, TOYSET, tmp_path / "other", CONFIG)


def test_rescore_smaller_alpha_and_refuses_larger(tmp_path, toy_problems):
    samples = write_jsonl(tmp_path / "s.jsonl", _refs(toy_problems) + _slow(toy_problems))
    out = tmp_path / "run"
    first = codeeff.score(samples, TOYSET, out, CONFIG.replace(k=(1, 2)),
                          cache_dir=tmp_path / "cache")
    same = codeeff.rescore(out, write=False)
    assert same.to_json()["metrics"] == first.to_json()["metrics"]
    smaller = codeeff.rescore(out, alpha=1.5, k=[1])
    assert set(smaller.metrics) == {1}
    assert smaller.problems[0].time_limit_s < first.problems[0].time_limit_s
    with pytest.raises(ResultsError, match="alpha"):
        codeeff.rescore(out, alpha=3.0)


def _run_cli(args: list[str], env: dict[str, str], timeout: float | None = None,
             kill_when: Path | None = None, lines: int = 0) -> tuple[int, str, bytes]:
    """Run ``codeeff ARGS``; with ``kill_when``, SIGKILL it once that file has ``lines`` lines.

    Returns the exit code, stderr, and the file's bytes right after the kill (or b"").
    """
    with subprocess.Popen([sys.executable, "-m", "codeeff", *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, env=env) as proc:
        if kill_when is None:
            _, err = proc.communicate(timeout=timeout)
            return proc.returncode, err, b""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if kill_when.exists() and len(kill_when.read_bytes().splitlines()) >= lines:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        return proc.returncode, err, kill_when.read_bytes() if kill_when.exists() else b""


@pytest.mark.slow
def test_sigkill_mid_run_then_resume(tmp_path, toy_problems):
    rows = _refs(toy_problems) + _slow(toy_problems)
    rows += [{"task_id": r["task_id"], "solution": r["solution"] + f"\n# variant {i}\n"}
             for i in range(3) for r in _refs(toy_problems)]
    samples = write_jsonl(tmp_path / "s.jsonl", rows)
    out = tmp_path / "run"
    args = ["score", str(samples), "--problems", str(TOYSET), "--out", str(out), "-k", "1",
            "--backend", "process", "--unsafe-process", "--reps", "4"]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    measurements = out / "measurements.jsonl"
    code, _, before = _run_cli(args, env, kill_when=measurements, lines=3)
    assert code == -signal.SIGKILL
    done_before = [json.loads(x)["key"] for x in before.splitlines() if x.endswith(b"}")]
    assert 3 <= len(done_before) < len(rows)
    code, err, _ = _run_cli(args, env, timeout=300)
    assert code == 0, err
    after = measurements.read_bytes()
    assert after.startswith(before.rstrip(b"\n").rsplit(b"\n", 1)[0])  # nothing rewritten
    keys = [json.loads(x)["key"] for x in after.splitlines() if x.strip().endswith(b"}")]
    assert len(keys) == len(set(keys)) == len(rows)  # no program measured twice
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_samples"] == len(rows) and summary["not_measured"] == 0
    assert summary["run"]["measured_programs"] == len(rows) - len(done_before)
    assert _run_cli(args, env, timeout=120)[0] == 0
    again = json.loads((out / "summary.json").read_text())
    assert again["run"]["executions"] == 0 and again["metrics"] == summary["metrics"]


def test_format_1_directory_is_rescored_but_never_resumed(tmp_path, toy_problems):
    """Version 1 shared one sandbox (and baseline) between the reference and the sample."""
    samples = write_jsonl(tmp_path / "s.jsonl", _refs(toy_problems) + _slow(toy_problems))
    out = tmp_path / "run"
    codeeff.score(samples, TOYSET, out, CONFIG, cache_dir=tmp_path / "cache")
    manifest = json.loads((out / "run.json").read_text())
    manifest["format_version"] = 1
    (out / "run.json").write_text(json.dumps(manifest))
    lines = []
    for line in (out / "measurements.jsonl").read_text().splitlines():
        rec = json.loads(line)
        for t in rec["tests"]:
            t.pop("ref_baseline_s")
        lines.append(json.dumps(rec))
    (out / "measurements.jsonl").write_text("\n".join(lines) + "\n")
    old = codeeff.rescore(out, write=False)
    assert old.pass_at(1) == 1.0 and old.not_measured == 0
    with pytest.raises(ResultsError, match="older codeeff"):
        codeeff.score(samples, TOYSET, out, CONFIG, cache_dir=tmp_path / "cache")
