"""The README says true things: its built-in set table and its set-up commands."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from codeeff import estimators as E
from codeeff.problems import load_problem_set

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_builtin_table_matches_the_problem_set() -> None:
    rows = re.findall(r"^\| ([a-z-]+) \| (\d+) \| ([a-z0-9, -]+) \|$", README, re.MULTILINE)
    table = {cat: (int(n), sorted(ids.split(", "))) for cat, n, ids in rows}
    actual: dict[str, list[str]] = defaultdict(list)
    for problem in load_problem_set("builtin").problems.values():
        actual[problem.spec.category].append(problem.id)
    assert table == {cat: (len(ids), sorted(ids)) for cat, ids in actual.items()}
    total = sum(n for n, _ in table.values())
    assert f"{total} original problems" in README


def test_exactly_two_setup_commands_and_ci_runs_the_test_command() -> None:
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in setup.splitlines() if line.startswith("    ")]
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
    example = commands[0].split("&&", 1)[1].split()
    assert (ROOT / example[2]).is_file()  # codeeff score <samples> …


def test_estimator_examples_give_the_stated_numbers() -> None:
    assert abs(E.pass_at_k(10, 3, 2) - 8 / 15) < 1e-12
    assert abs(E.eff_at_k([0, 0.2, 0.5, 0.5, 1], 2) - 0.67) < 1e-12
    assert "E.pass_at_k(10, 3, 2)                          # 0.5333… = 8/15" in README
