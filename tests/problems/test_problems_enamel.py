"""The ENAMEL import: our helpers, the fixture (unit) and the real CSV (when present)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from codeeff.errors import ProblemError
from codeeff.problems import enamel_helpers as h
from codeeff.problems.enamel import ENAMEL_EXCLUDED, import_enamel, read_enamel_rows
from codeeff.problems.loader import load_problem_set

FIXTURE = Path(__file__).parents[1] / "fixtures" / "enamel_mini.csv"
REAL_CSV = Path(os.environ.get("CODEEFF_ENAMEL_CSV")
                or Path(__file__).parents[2].parent / "shared/data/enamel/enamel.csv")
needs_csv = pytest.mark.skipif(not REAL_CSV.is_file(), reason=f"{REAL_CSV} is absent")


def _naive_prime(n: int) -> bool:
    return n >= 2 and all(n % d for d in range(2, int(n**0.5) + 1))


# -- helpers ------------------------------------------------------------------------------------


def test_miller_rabin_matches_trial_division_and_known_values() -> None:
    assert [n for n in range(-5, 5000) if h.miller_rabin(n)] == \
        [n for n in range(-5, 5000) if _naive_prime(n)]
    for carmichael in (561, 1105, 1729, 2465, 2821, 6601, 3215031751):
        assert not h.miller_rabin(carmichael)
    assert h.miller_rabin(2**61 - 1)
    assert h.miller_rabin(1_000_000_007)
    assert not h.miller_rabin((2**31 - 1) * (2**61 - 1))


def test_rand_probably_prime_stays_in_range() -> None:
    random.seed(1)
    for hi in (2, 3, 9, 100, 10**6, 10**12):
        p = h.rand_probably_prime(hi)
        assert 2 <= p <= hi and h.miller_rabin(p)
    for lo, hi in ((11, 23), (10**9, 10**9 + 10**5)):
        p = h.rand_probably_prime(lo, hi)
        assert lo <= p <= hi and h.miller_rabin(p)
    with pytest.raises(ValueError, match="no prime"):
        h.rand_probably_prime(24, 28)
    with pytest.raises(ValueError, match="no prime"):
        h.rand_probably_prime(1)


@pytest.mark.parametrize("size", [4, 20, 100, 10**4, 10**9])
def test_rand_primality_classes(size: int) -> None:
    random.seed(size)
    for cid in range(16):
        n = h.rand_primality(size, 0, cid)
        kind = cid % 8
        assert 1 <= n <= max(size, 4)
        if kind in (0, 1, 3, 4, 5):
            assert n > 1 and not h.miller_rabin(n), (cid, n)
        elif kind == 2:
            assert h.miller_rabin(n) and n > max(size, 4) // 2
        else:
            assert n == (1 if kind == 6 else 2)
    p = h.rand_primality(10**9, 1, 3)
    root = round(p**0.5)
    assert root * root == p and h.miller_rabin(root)


def _balanced(s: str, par: str = "()") -> bool:
    depth = 0
    for c in s:
        depth += 1 if c == par[0] else -1 if c == par[1] else 0
        if depth < 0:
            return False
    return depth == 0


def test_rand_parens() -> None:
    random.seed(3)
    for size in (1, 2, 7, 100, 1001):
        s = h.rand_parens(size)
        assert _balanced(s) and len(s) == 2 * max(1, (size + 1) // 2)
        assert not _balanced(h.rand_parens(size, valid=False))
    s = h.rand_parens(200, sep=" ")
    groups = s.split(" ")
    assert len(groups) >= 1 and all(g and _balanced(g) for g in groups)
    assert set(h.rand_parens(50, par="<>")) <= {"<", ">"}


def test_call_enamel_generator_is_seeded_by_rng_and_restores_global_state() -> None:
    def gen(size: int, lid: int, cid: int) -> list:
        return [random.random(), size, lid, cid]

    random.seed(42)
    before = random.getstate()
    a = h.call_enamel_generator(gen, 5, 1, 2, random.Random(7))
    assert random.getstate() == before
    assert a == h.call_enamel_generator(gen, 5, 1, 2, random.Random(7))
    assert a != h.call_enamel_generator(gen, 5, 1, 2, random.Random(8))
    assert type(a) is tuple and a[1:] == (5, 1, 2)


def test_ordered_set_keeps_insertion_order() -> None:
    s = h.OrderedSet("dcba") - h.OrderedSet(["b"])
    assert list(s) == ["d", "c", "a"] and "a" in s and len(s) == 3
    assert list(h.OrderedSet("ab") | h.OrderedSet("ca")) == ["a", "b", "c"]


# -- the fixture --------------------------------------------------------------------------------


def test_import_fixture_keeps_the_subset(tmp_path: Path) -> None:
    report = import_enamel(FIXTURE, tmp_path / "set")
    assert report.imported == ("HumanEval/1", "HumanEval/3", "HumanEval/4")
    assert report.skipped == ("HumanEval/2",)  # 2 is outside ENAMEL's subset
    ps = load_problem_set(tmp_path / "set")
    assert ps.name == "enamel" and ps.info.license == "Apache-2.0"
    assert list(ps.problems) == ["HumanEval/1", "HumanEval/3", "HumanEval/4"]
    p = ps.get("HumanEval/3")
    assert [(lv.size, lv.tests, lv.weight) for lv in p.spec.levels] == \
        [(100, 8, 0), (10000, 4, 3), (1000000, 4, 3), (100000000, 4, 4)]
    assert p.spec.time_factor == 2.0
    assert p.reference.rstrip().endswith("return True")
    assert p.prompt in p.reference
    # Every generator runs for every level and case, deterministically.
    for problem in ps.problems.values():
        assert problem.inputs() == problem.inputs()
    assert ps.get("HumanEval/1").generate(0, 0) == ("",)
    assert h.miller_rabin(ps.get("HumanEval/3").generate(1, 2)[0])  # class 2: a prime


def test_import_all_keeps_excluded_ids(tmp_path: Path) -> None:
    report = import_enamel(FIXTURE, tmp_path / "set", all_problems=True)
    assert "HumanEval/2" in report.imported and not report.skipped
    assert 2 in ENAMEL_EXCLUDED


def test_imported_checker_wraps_enamels(tmp_path: Path) -> None:
    ps = load_problem_set(import_enamel(FIXTURE, tmp_path / "set").root)
    exact, tolerant = ps.get("HumanEval/3"), ps.get("HumanEval/4")
    assert exact.check((7,), True, True) and not exact.check((7,), True, 1)
    assert tolerant.check(("ab",), 48.75, 48.7500001) and not tolerant.check(("ab",), 48.75, 49.0)
    assert not tolerant.check(("ab",), 48.75, "48.75")


def test_generator_using_prompt_helper_and_sets_is_hash_seed_independent(tmp_path: Path) -> None:
    root = import_enamel(FIXTURE, tmp_path / "set").root
    gen = (root / "problems" / "HumanEval_4" / "generator.py").read_text()
    assert "OrderedSet(" in gen and "def scale" in gen
    code = ("from codeeff.problems.loader import load_problem_set;"
            f"print(load_problem_set({str(root)!r}).get('HumanEval/4').input_digest())")
    digests = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env=dict(os.environ, PYTHONHASHSEED=seed)).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1


def test_import_is_idempotent_and_refuses_other_content(tmp_path: Path) -> None:
    dest = tmp_path / "set"
    import_enamel(FIXTURE, dest)
    files = {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    again = import_enamel(FIXTURE, dest)
    assert again.unchanged
    (dest / "notes.txt").write_text("mine")
    with pytest.raises(ProblemError, match="not empty"):
        import_enamel(FIXTURE, dest, all_problems=True)
    forced = import_enamel(FIXTURE, dest, all_problems=True, force=True)
    assert not forced.unchanged and (dest / "notes.txt").exists()
    import_enamel(FIXTURE, dest, force=True)
    assert {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()
            and p.name != "notes.txt" and "__pycache__" not in p.parts} == files


def test_bad_sources_are_problem_errors(tmp_path: Path) -> None:
    with pytest.raises(ProblemError, match="neither a file nor the hub id"):
        read_enamel_rows(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("task_id,prompt\nHumanEval/0,x\n")
    with pytest.raises(ProblemError, match="missing columns"):
        read_enamel_rows(bad)
    odd = tmp_path / "odd.csv"
    rows = FIXTURE.read_text().replace("HumanEval/3", "MBPP/3")
    odd.write_text(rows)
    with pytest.raises(ProblemError, match="unexpected task_id 'MBPP/3'"):
        import_enamel(odd, tmp_path / "out")


# -- the real CSV -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def enamel_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not REAL_CSV.is_file():
        pytest.skip(f"{REAL_CSV} is absent")
    return import_enamel(REAL_CSV, tmp_path_factory.mktemp("enamel") / "set").root


@needs_csv
@pytest.mark.enamel
@pytest.mark.slow
def test_real_csv_imports_142_problems_whose_generators_all_run(enamel_set: Path) -> None:
    ps = load_problem_set(enamel_set)
    assert len(ps) == 142
    assert not any(int(pid.split("/")[1]) in ENAMEL_EXCLUDED for pid in ps.problems)
    for problem in ps.problems.values():
        levels = problem.inputs()
        assert [len(lv) for lv in levels] == [8, 4, 4, 4], problem.id
        assert all(type(args) is tuple for lv in levels for args in lv)


@needs_csv
@pytest.mark.enamel
@pytest.mark.slow
def test_real_csv_references_pass_their_own_tests_in_the_sandbox(enamel_set: Path) -> None:
    """Every reference runs OK on every test, through the sandbox (process backend: trusted)."""
    pytest.importorskip("codeeff.sandbox.process_backend")
    from codeeff.authoring import _open_sandbox
    from codeeff.sandbox import Limits, Payload, Program, SandboxConfig, Verdict

    ps = load_problem_set(enamel_set)
    failures = []
    with _open_sandbox(SandboxConfig(backend="process", allow_unsafe_process=True)) as sandbox:
        for problem in ps.problems.values():
            program = Program(problem.reference, problem.spec.entry_point)
            for li, level in enumerate(problem.inputs()):
                for ci, args in enumerate(level):
                    ex = sandbox.run(program, Payload.from_args(args), Limits(cpu_s=20))
                    if ex.verdict is not Verdict.OK or not problem.check(args, ex.value,
                                                                         ex.value, strict=True):
                        failures.append((problem.id, li, ci, ex.verdict, ex.error))
            sandbox.recycle()
    assert failures == []
