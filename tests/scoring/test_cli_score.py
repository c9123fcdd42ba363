"""``codeeff score`` / ``rescore`` on the command line: messages, exit codes, the summary."""

from __future__ import annotations

import json

from click.testing import CliRunner

from codeeff.cli import main

from .conftest import TOYSET, write_jsonl


def test_bad_samples_give_file_line_and_exit_1(tmp_path):
    p = tmp_path / "s.jsonl"
    p.write_text('{"task_id": "toy-sum-squares", "solution": "x"}\n{oops\n')
    r = CliRunner().invoke(main, ["score", str(p), "--problems", str(TOYSET), "--out",
                                  str(tmp_path / "o"), "--backend", "process",
                                  "--unsafe-process"])
    assert r.exit_code == 1
    assert "s.jsonl:2: malformed JSON" in r.output and "Traceback" not in r.output


def test_process_backend_needs_explicit_opt_in(tmp_path):
    p = write_jsonl(tmp_path / "s.jsonl", [{"task_id": "toy-sum-squares", "solution": "x"}])
    r = CliRunner().invoke(main, ["score", str(p), "--problems", str(TOYSET), "--out",
                                  str(tmp_path / "o"), "--backend", "process"])
    assert r.exit_code == 1 and "--unsafe-process" in r.output


def test_score_prints_summary_then_rescore(tmp_path, toy_problems, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    p = toy_problems.problems["toy-sum-squares"]
    samples = write_jsonl(tmp_path / "s.jsonl", [
        {"task_id": p.id, "solution": p.reference},
        {"task_id": p.id, "solution": "def sum_squares(values):\n    return 0\n"}])
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["score", str(samples), "--problems", str(TOYSET), "--out",
                                  str(out), "-k", "1,2,10", "--backend", "process",
                                  "--unsafe-process", "--reps", "3"])
    assert r.exit_code == 0, r.output
    assert "pass@k" in r.output and "eff@k" in r.output
    assert "k=10 skipped" in r.output
    assert "1 problems have no samples" in r.output and "toy-count-distinct" in r.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["metrics"]["1"]["pass@k"]["estimate"] == 0.5
    assert summary["config"]["min_reps"] == 3 and summary["environment"]["machine_id"]
    r = CliRunner().invoke(main, ["rescore", str(out), "-k", "1", "--alpha", "1.5"])
    assert r.exit_code == 0, r.output
    assert json.loads((out / "summary.json").read_text())["config"]["alpha"] == 1.5
    r = CliRunner().invoke(main, ["rescore", str(out), "--alpha", "4"])
    assert r.exit_code == 1 and "alpha 4.0 is above the measured 2.0" in r.output
