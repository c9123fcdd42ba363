"""Reading samples: the three formats, and every error a user can make (with file and line)."""

from __future__ import annotations

import json

import pytest

from codeeff.errors import SamplesError
from codeeff.samples import read_samples

from .conftest import write_jsonl


def test_jsonl_solution_and_completion(tmp_path, toy_problems):
    path = write_jsonl(tmp_path / "s.jsonl", [
        {"task_id": "toy-sum-squares", "solution": "def sum_squares(v):\n    return 0\n"},
        {"task_id": "toy-sum-squares", "completion": "    return sum(x * x for x in values)\n"},
        {"task_id": "toy-count-distinct", "solution": "def count_distinct(v):\n  return 1\n"},
    ])
    s = read_samples(path, toy_problems.problems)
    assert [x.task_id for x in s.samples] == ["toy-sum-squares", "toy-sum-squares",
                                              "toy-count-distinct"]
    assert [x.index for x in s.samples] == [0, 1, 0]
    prompt = toy_problems.problems["toy-sum-squares"].prompt
    assert s.samples[1].source == prompt + "    return sum(x * x for x in values)\n"
    assert s.samples[0].origin.endswith("s.jsonl:1")
    assert s.warnings == ()


def test_syntax_error_is_read_not_compiled(tmp_path, toy_problems):
    path = write_jsonl(tmp_path / "s.jsonl", [
        {"task_id": "toy-sum-squares", "solution": "def sum_squares(:\n"}])
    assert read_samples(path, toy_problems.problems).samples[0].source == "def sum_squares(:\n"


def test_enamel_list_and_dict(tmp_path, toy_problems):
    # ENAMEL indexes by HumanEval number; map the toy ids onto that shape with a fake set.
    problems = {"HumanEval/0": toy_problems.problems["toy-sum-squares"],
                "HumanEval/2": toy_problems.problems["toy-count-distinct"]}
    p = tmp_path / "e.json"
    p.write_text(json.dumps([["def sum_squares(v):\n    return 1\n", "    return 2\n"], [],
                             ["def count_distinct(v):\n    return 3\n"]]))
    s = read_samples(p, problems)
    assert [(x.task_id, x.index) for x in s.samples] == [
        ("HumanEval/0", 0), ("HumanEval/0", 1), ("HumanEval/2", 0)]
    assert s.samples[1].source.startswith(problems["HumanEval/0"].prompt)  # a completion
    assert s.samples[0].source == "def sum_squares(v):\n    return 1\n"  # a full program
    d = tmp_path / "d.json"
    d.write_text(json.dumps({"2": ["def count_distinct(v):\n    return 3\n"]}))
    assert [x.task_id for x in read_samples(d, problems).samples] == ["HumanEval/2"]


def test_dataset_folder(tmp_path, toy_problems):
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({
        "task_id": ["toy-sum-squares", "toy-count-distinct"],
        "solution": ["def sum_squares(v):\n    return 0\n", "def count_distinct(v):\n  return 0\n"],
    })
    ds.save_to_disk(str(tmp_path / "ds"))
    s = read_samples(tmp_path / "ds", toy_problems.problems)
    assert [x.task_id for x in s.samples] == ["toy-sum-squares", "toy-count-distinct"]


def test_malformed_line_names_file_and_line(tmp_path, toy_problems):
    p = tmp_path / "s.jsonl"
    p.write_text('{"task_id": "toy-sum-squares", "solution": "x"}\n{"task_id": oops}\n')
    with pytest.raises(SamplesError, match=r"s\.jsonl:2: malformed JSON"):
        read_samples(p, toy_problems.problems)


def test_unknown_task_suggests(tmp_path, toy_problems):
    p = write_jsonl(tmp_path / "s.jsonl", [{"task_id": "toy-sum-square", "solution": "x"}])
    with pytest.raises(SamplesError) as info:
        read_samples(p, toy_problems.problems)
    assert "s.jsonl:1" in str(info.value) and "toy-sum-squares" in (info.value.hint or "")


def test_empty_and_missing_and_non_utf8(tmp_path, toy_problems):
    (tmp_path / "e.jsonl").write_text("\n  \n")
    with pytest.raises(SamplesError, match="empty"):
        read_samples(tmp_path / "e.jsonl", toy_problems.problems)
    with pytest.raises(SamplesError, match="no such file"):
        read_samples(tmp_path / "missing.jsonl", toy_problems.problems)
    (tmp_path / "b.jsonl").write_bytes(b'{"task_id": "toy-sum-squares", "solution": "a"}\n'
                                       b'{"task_id": "toy-sum-squares", "solution": "\xff"}\n')
    with pytest.raises(SamplesError, match=r"b\.jsonl:2: not UTF-8"):
        read_samples(tmp_path / "b.jsonl", toy_problems.problems)


def test_missing_program_field(tmp_path, toy_problems):
    p = write_jsonl(tmp_path / "s.jsonl", [{"task_id": "toy-sum-squares", "code": "x"}])
    with pytest.raises(SamplesError, match="no `solution` or `completion`"):
        read_samples(p, toy_problems.problems)


def test_duplicates_warn_and_are_kept(tmp_path, toy_problems):
    row = {"task_id": "toy-sum-squares", "solution": "def sum_squares(v):\n    return 0\n"}
    p = write_jsonl(tmp_path / "s.jsonl", [row, row])
    s = read_samples(p, toy_problems.problems)
    assert len(s.samples) == 2 and s.samples[0].digest == s.samples[1].digest
    assert len(s.warnings) == 1 and "s.jsonl:2 repeats" in s.warnings[0]


def test_broken_problem_is_named(tmp_path, toy_problems):
    p = write_jsonl(tmp_path / "s.jsonl", [{"task_id": "toy-broken", "solution": "x"}])
    with pytest.raises(SamplesError, match=r"toy-broken.*broken"):
        read_samples(p, toy_problems.problems, broken={"toy-broken": "prompt missing"})
