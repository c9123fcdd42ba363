"""Authoring: scaffold → check passes, a weak generator is flagged, export round trip, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from codeeff.authoring import CheckConfig, Severity, check_problems, suggest_sizes
from codeeff.cli import main
from codeeff.errors import ProblemError
from codeeff.problems.export import export_hf, export_jsonl
from codeeff.problems.loader import load_problem_set
from codeeff.problems.scaffold import new_problem
from codeeff.resources import builtin_root
from codeeff.sandbox import SandboxConfig
from tests.problems._factory import make_problem

PROCESS = SandboxConfig(backend="process", allow_unsafe_process=True)
needs_process = pytest.mark.skipif(
    not (Path(__file__).parents[2] / "codeeff" / "sandbox" / "process_backend.py").exists(),
    reason="the process backend is not built yet",
)

WEAK_TOML = '''\
id = "weak-inversions"
title = "Count inversions, with a generator too small to time"
entry_point = "count_inversions"

[[levels]]
size = 8
tests = 4
weight = 0

[[levels]]
size = 12
tests = 2
weight = 3

[[levels]]
size = 16
tests = 2
weight = 3

[[levels]]
size = 24
tests = 2
weight = 4
'''
WEAK_GENERATOR = '''\
def generate(size, level, case, rng):
    return ([rng.randrange(-100, 100) for _ in range(size)],)
'''


def _weak_problem(root: Path) -> Path:
    """count-inversions' O(n log n) reference and O(n^2) slow solution, at tiny sizes."""
    builtin = builtin_root()
    return make_problem(
        root, "weak-inversions",
        **{
            "problem.toml": WEAK_TOML,
            "prompt.py": (builtin / "problems/count-inversions/prompt.py").read_text(),
            "generator.py": WEAK_GENERATOR,
            "slow/quadratic.py": (builtin / "problems/count-inversions/slow/quadratic.py")
            .read_text(),
            "reference": (builtin / "reference_solutions/count-inversions.py").read_text(),
        },
    )


def test_suggest_sizes_extrapolates_the_measured_growth() -> None:
    # Quadratic growth: 4x the size, 16x the time; the top is 4 ms, the target ~141 ms.
    sizes = suggest_sizes((8, 1000, 4000), (None, 0.00025, 0.004), (0.02, 1.0))
    assert sizes is not None and sizes[0] == 8
    assert 4000 * 5.5 < sizes[2] < 4000 * 6.5  # sqrt(141/4) = 5.9
    assert suggest_sizes((8, 1000, 4000), (None, 0.01, 0.1), (0.02, 1.0)) is None
    linear = suggest_sizes((8, 100, 200), (None, 2.0, 4.0), (0.02, 1.0))
    assert linear is not None and linear[2] == round(200 * (0.02**0.5) / 4.0)


def test_check_config_validates() -> None:
    with pytest.raises(ValueError, match="band_s"):
        CheckConfig(band_s=(1.0, 0.5))


@needs_process
def test_new_problem_passes_check(tmp_path: Path) -> None:
    new_problem("pairs/1", tmp_path)
    ps = load_problem_set(tmp_path)
    report = check_problems(ps, PROCESS)
    [result] = report.problems
    assert result.ok, result.findings
    assert result.problem_id == "pairs/1"
    assert result.ref_level_times_s[0] is None and all(
        t is not None and t > 0 for t in result.ref_level_times_s[1:])
    [slow] = result.slow
    assert slow.name == "quadratic" and slow.separated and slow.score is not None
    assert slow.score <= 0.5
    with pytest.raises(ProblemError, match="already exists"):
        new_problem("pairs/1", tmp_path)


@needs_process
def test_weak_generator_is_flagged(tmp_path: Path) -> None:
    ps = load_problem_set(_weak_problem(tmp_path))
    report = check_problems(ps, PROCESS)
    [result] = report.problems
    assert not result.ok and not report.ok
    [slow] = result.slow
    assert not slow.separated and slow.score is not None and slow.score > 0.5
    errors = [f.message for f in result.findings if f.severity is Severity.ERROR]
    assert any("weak generator" in m and "quadratic" in m for m in errors), errors
    # The band check also says the sizes are far too small, and suggests bigger ones.
    assert result.suggested_sizes is not None and result.suggested_sizes[-1] > 24


@needs_process
def test_check_finds_a_wrong_reference_and_a_vacuous_checker(tmp_path: Path) -> None:
    make_problem(tmp_path, "wrong", reference="def total(values):\n    return values[10]\n")
    make_problem(tmp_path, "vacuous",
                 **{"checker.py": "def check(args, expected, actual):\n    return True\n"})
    report = check_problems(load_problem_set(tmp_path), PROCESS,
                            CheckConfig(cross_process=False))
    by_id = {r.problem_id: r for r in report.problems}
    assert any("fails level 0 case 0: runtime_error" in f.message
               for f in by_id["wrong"].findings)
    assert any("accepts perturbed answers" in f.message for f in by_id["vacuous"].findings)
    assert not by_id["wrong"].ok and not by_id["vacuous"].ok


@needs_process
def test_check_finds_a_nondeterministic_generator(tmp_path: Path) -> None:
    gen = ("import random\n\ndef generate(size, level, case, rng):\n"
           "    return ([random.random()],)\n")
    ps = load_problem_set(make_problem(tmp_path, **{"generator.py": gen}))
    [result] = check_problems(ps, PROCESS).problems
    assert [f.message for f in result.findings] == ["the generator is not deterministic"]


def test_export_round_trip(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    new_problem("alpha", tmp_path / "set")
    make_problem(tmp_path / "set", "beta/2")
    ps = load_problem_set(tmp_path / "set")
    out = export_jsonl(ps, tmp_path / "prompts.jsonl")
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["task_id"] for x in lines] == ["alpha", "beta/2"]
    assert set(lines[0]) == {"task_id", "prompt", "entry_point"}
    with pytest.raises(ProblemError, match="already exists"):
        export_jsonl(ps, out)
    path = export_hf(ps, tmp_path / "hf", with_reference=True)
    loaded = datasets.load_from_disk(str(path))
    assert loaded["task_id"] == list(ps.problems)
    assert loaded["prompt"] == [p.prompt for p in ps.problems.values()]
    assert loaded["entry_point"] == [p.spec.entry_point for p in ps.problems.values()]
    assert loaded["canonical_solution"] == [p.reference for p in ps.problems.values()]


def test_cli_new_list_show_export_import(tmp_path: Path) -> None:
    runner = CliRunner()
    root = tmp_path / "set"
    result = runner.invoke(main, ["problems", "new", "two-sum", "--to", str(root)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["problems", "list", "--problems", str(root)])
    assert result.exit_code == 0 and "two-sum" in result.output
    result = runner.invoke(main, ["problems", "show", "two-sum", "--problems", str(root)])
    assert result.exit_code == 0 and "def two_sum" in result.output and "300000" in result.output
    result = runner.invoke(main, ["problems", "show", "two-sun", "--problems", str(root)])
    assert result.exit_code == 1 and "did you mean 'two-sum'" in result.output
    out = tmp_path / "p.jsonl"
    result = runner.invoke(main, ["problems", "export", "--problems", str(root), "--out",
                                  str(out)])
    assert result.exit_code == 0 and json.loads(out.read_text())["task_id"] == "two-sum"
    fixture = Path(__file__).parents[1] / "fixtures" / "enamel_mini.csv"
    dest = tmp_path / "enamel"
    result = runner.invoke(main, ["problems", "import", "enamel", str(fixture), "--to",
                                  str(dest)])
    assert result.exit_code == 0 and "imported 3 problems" in result.output
    result = runner.invoke(main, ["problems", "import", "enamel", str(fixture), "--to",
                                  str(dest), "--all"])
    assert result.exit_code == 1 and "--force" in result.output


@needs_process
def test_cli_check_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good, weak = tmp_path / "good", _weak_problem(tmp_path / "weak")
    new_problem("easy", good)
    result = runner.invoke(main, ["problems", "check", "--problems", str(good), "--backend",
                                  "process"])
    assert result.exit_code == 0, result.output
    assert "1/1 passed" in result.output
    result = runner.invoke(main, ["problems", "check", "--problems", str(weak), "--backend",
                                  "process"])
    assert result.exit_code == 1
    assert "weak generator" in result.output


@needs_process
def test_check_finds_a_generator_that_depends_on_the_hash_seed(tmp_path: Path) -> None:
    # Iterating a set of str follows the per-process hash seed: same in-process, not across.
    gen = ("def generate(size, level, case, rng):\n"
           "    return (''.join({chr(97 + i) for i in range(26)}),)\n")
    ps = load_problem_set(make_problem(tmp_path, **{"generator.py": gen}))
    [result] = check_problems(ps, PROCESS).problems
    assert not result.ok
    assert any("hash seed" in f.message for f in result.findings), result.findings


def test_repeated_work_repeats_the_call_not_the_module() -> None:
    from codeeff.authoring import repeated_work

    source = ("LOADS = [0]\nLOADS[0] += 1\nCALLS = []\n"
              "def fib(n, log):\n    if n == 0:\n        CALLS.append(list(log))\n"
              "        log.sort()\n    return n if n < 2 else fib(n - 1, log) + fib(n - 2, log)\n")
    ns: dict = {}
    exec(repeated_work(source, "fib", times=3), ns)
    log = [3, 1, 2]
    assert ns["fib"](10, log) == 55  # recursion reaches the original, not the wrapper
    original = ns["_original"]
    assert original["LOADS"] == [1]  # module-level code ran once
    # Three calls' worth of work (fib(10) reaches n == 0 34 times per call); the first two
    # on copies, so the third still gets the caller's unsorted list, and sorts it.
    calls = original["CALLS"]
    assert len(calls) == 3 * 34
    assert calls[0] == calls[34] == calls[68] == [3, 1, 2] and log == [1, 2, 3]
    with pytest.raises(ValueError):
        repeated_work(source, "fib", times=0)


WORKING_REFERENCE = ("def total(values):\n    for _ in range(3000):\n"
                     "        s = sum(values)\n    return s\n")
IMPORT_HEAVY_REFERENCE = ("TABLE = [sum(range(i % 64)) for i in range(150_000)]\n\n"
                          "def total(values):\n    return sum(values)\n")


@needs_process
def test_check_warns_when_the_time_does_not_grow_with_the_work(tmp_path: Path) -> None:
    make_problem(tmp_path, "working", reference=WORKING_REFERENCE)
    make_problem(tmp_path, "import-heavy", reference=IMPORT_HEAVY_REFERENCE)
    report = check_problems(load_problem_set(tmp_path), PROCESS,
                            CheckConfig(cross_process=False))
    by_id = {r.problem_id: r for r in report.problems}
    working, heavy = by_id["working"], by_id["import-heavy"]
    assert working.work_share is not None and working.work_share > 0.8, working
    assert heavy.work_share is not None and heavy.work_share < 0.2, heavy
    warned = [f.message for f in heavy.findings if "grows with the work" in f.message]
    assert len(warned) == 1 and heavy.ok  # a warning, not an error
    assert not any("grows with the work" in f.message for f in working.findings)
