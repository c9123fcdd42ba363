"""The loader: the built-in set, determinism, and a clear error for every broken problem."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from codeeff.errors import ProblemError
from codeeff.problems.loader import derive_seed, load_problem, load_problem_set
from tests.problems._factory import TOML, make_problem


def test_builtin_set_loads_with_levels_and_references() -> None:
    ps = load_problem_set("builtin", ids=["count-inversions"])
    assert list(ps.problems) == ["count-inversions"]
    p = ps.get("count-inversions")
    assert p.spec.entry_point == "count_inversions"
    assert [lv.index for lv in p.timed_levels] == [1, 2, 3]
    assert "def count_inversions" in p.reference
    assert "quadratic" in p.slow
    assert p.checker_source is None


def test_generation_is_deterministic_and_seeded(tmp_path: Path) -> None:
    p = load_problem_set(make_problem(tmp_path)).get("sum-list")
    assert p.inputs() == p.inputs()
    assert p.generate(1, 0) == p.generate(1, 0)
    assert p.generate(1, 0) != p.generate(1, 1)
    assert p.generate(1, 0, seed=0) != p.generate(1, 0, seed=1)
    assert [len(level) for level in p.inputs()] == [3, 2, 2]
    assert len(p.generate(2, 1)[0]) == 101  # size 100 + case 1


def test_derived_seed_is_stable_across_processes() -> None:
    # A fixed value: if it changes, every cached input changes too.
    assert derive_seed("x", 1, 2, 3) == derive_seed("x", 1, 2, 3)
    assert derive_seed("x", 1, 2, 3) != derive_seed("x", 1, 2, 4)
    assert random.Random(derive_seed("a", 0, 0, 0)).random() == \
        random.Random(derive_seed("a", 0, 0, 0)).random()


def test_digest_changes_with_any_source(tmp_path: Path) -> None:
    root = make_problem(tmp_path)
    before = load_problem_set(root).get("sum-list").digest
    make_problem(root, reference="def total(values):\n    return sum(values) + 0\n")
    assert load_problem_set(root).get("sum-list").digest != before


def test_unknown_id_suggests_the_closest(tmp_path: Path) -> None:
    root = make_problem(tmp_path)
    ps = load_problem_set(root)
    with pytest.raises(ProblemError, match="did you mean 'sum-list'"):
        ps.get("sum-lists")
    with pytest.raises(ProblemError, match="did you mean 'sum-list'"):
        load_problem_set(root, ids=["sum-lst"])


def test_ids_are_in_natural_order(tmp_path: Path) -> None:
    for pid in ("Set/10", "Set/2", "Set/1"):
        make_problem(tmp_path, pid)
    assert list(load_problem_set(tmp_path).problems) == ["Set/1", "Set/2", "Set/10"]
    assert list(load_problem_set(tmp_path, ids=["Set/10"]).problems) == ["Set/10"]


def test_not_a_problem_set(tmp_path: Path) -> None:
    with pytest.raises(ProblemError, match="no problems/ folder"):
        load_problem_set(tmp_path)


_BROKEN = {
    "toml syntax": ({"problem.toml": "id = \n"}, "problem.toml", "invalid TOML"),
    "unknown key": ({"problem.toml": "entrypoint = 'x'\n" + TOML.format(id="sum-list")},
                    "problem.toml", "did you mean 'entry_point'"),
    "wrong type": ({"problem.toml": TOML.format(id="sum-list").replace("version = 1",
                                                                       "version = 'one'")},
                   "problem.toml", "'version' must be"),
    "bool for int": ({"problem.toml": TOML.format(id="sum-list").replace("version = 1",
                                                                         "version = true")},
                     "problem.toml", "'version' must be"),
    "no levels": ({"problem.toml": TOML.format(id="sum-list").split("[[levels]]")[0]},
                  "problem.toml", "no \\[\\[levels\\]\\]"),
    "level 0 weighted": ({"problem.toml": TOML.format(id="sum-list").replace(
        "weight = 0", "weight = 1")}, "problem.toml", "level 0 has weight 1"),
    "no timed level": ({"problem.toml": TOML.format(id="sum-list").replace(
        "weight = 3", "weight = 0").replace("weight = 4", "weight = 0")},
        "problem.toml", "no timed level"),
    "negative size": ({"problem.toml": TOML.format(id="sum-list").replace(
        "size = 50", "size = -5")}, "problem.toml", "size must be >= 0"),
    "missing spec": ({"problem.toml": None}, "problem.toml", "the file is missing"),
    "id mismatch": ({"problem.toml": TOML.format(id="other")}, "problem.toml",
                    "does not match its folder"),
    "entry point not in prompt": ({"prompt.py": "def sum_all(v):\n    pass\n"}, "prompt.py",
                                  "does not define the entry point total"),
    "prompt syntax": ({"prompt.py": "def total(:\n"}, "prompt.py", "not valid Python"),
    "entry point not in reference": ({"reference": "def other(v):\n    return 0\n"},
                                     "sum-list.py", "does not define the entry point"),
    "missing reference": ({"reference": None}, "sum-list.py", "reference solution is missing"),
    "missing generator": ({"generator.py": None}, "generator.py", "generator is missing"),
    "no generate": ({"generator.py": "def make(size, level, case, rng):\n    return ()\n"},
                    "generator.py", "defines no function generate"),
    "generate signature": ({"generator.py": "def generate(size):\n    return ()\n"},
                           "generator.py", "wrong signature"),
    "checker signature": ({"checker.py": "def check(expected, actual):\n    return True\n"},
                          "checker.py", "wrong signature"),
}


@pytest.mark.parametrize("case", sorted(_BROKEN))
def test_broken_problem_is_a_problem_error_naming_the_file(tmp_path: Path, case: str) -> None:
    files, filename, message = _BROKEN[case]
    root = make_problem(tmp_path, **files)
    with pytest.raises(ProblemError, match=message) as info:
        load_problem_set(root)
    assert info.value.path is not None and info.value.path.endswith(filename)
    assert "sum-list" in str(info.value)


def test_generator_that_raises_names_file_line_and_call(tmp_path: Path) -> None:
    gen = "def generate(size, level, case, rng):\n    if level == 2:\n        1 / 0\n" \
          "    return ([1],)\n"
    p = load_problem_set(make_problem(tmp_path, **{"generator.py": gen})).get("sum-list")
    p.generate(1, 0)
    with pytest.raises(ProblemError, match=r"level=2, case=0\) raised ZeroDivisionError.*line 3"):
        p.generate(2, 0)


@pytest.mark.parametrize(("source", "message"), [
    ("def generate(size, level, case, rng):\n    return [1]\n", "returned a list, not a tuple"),
    ("raise ImportError('nope')\ndef generate(size, level, case, rng):\n    return ()\n",
     "importing the generator raised ImportError"),
    ("generate = 3\ndef generate2(a, b, c, d):\n    pass\ndef generate(a, b, c, d):\n    pass\n"
     "generate = 3\n", "defines no function generate"),
])
def test_generator_failures_at_run_time(tmp_path: Path, source: str, message: str) -> None:
    p = load_problem_set(make_problem(tmp_path, **{"generator.py": source})).get("sum-list")
    with pytest.raises(ProblemError, match=message) as info:
        p.generate(0, 0)
    assert info.value.path is not None and info.value.path.endswith("generator.py")


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    make_problem(tmp_path, "a")
    make_problem(tmp_path, "b")
    # Two folders cannot both match one id, so load each folder separately to show the check.
    folder = tmp_path / "problems" / "a"
    problem = load_problem(folder, tmp_path / "reference_solutions")
    assert problem.id == "a"


def test_problem_checker_is_used_and_errors_are_reported(tmp_path: Path) -> None:
    checker = "def check(args, expected, actual):\n    return abs(expected - actual) <= 1\n"
    p = load_problem_set(make_problem(tmp_path, **{"checker.py": checker})).get("sum-list")
    assert p.check(([1],), 5, 6)
    assert not p.check(([1],), 5, 7)
    assert not p.check(([1],), 5, "x")  # the checker raised: the answer is wrong
    with pytest.raises(ProblemError, match="check\\(\\) raised TypeError"):
        p.check(([1],), 5, "x", strict=True)
