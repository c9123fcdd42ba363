"""Builds small problem sets in a temporary folder for the problem tests."""

from __future__ import annotations

from pathlib import Path

TOML = '''\
id = "{id}"
title = "Sum"
entry_point = "total"
version = 1

[[levels]]
size = 4
tests = 3
weight = 0

[[levels]]
size = 50
tests = 2
weight = 3

[[levels]]
size = 100
tests = 2
weight = 4
'''

PROMPT = 'def total(values: list[int]) -> int:\n    """Return the sum."""\n'
GENERATOR = '''\
import random


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    return ([rng.randrange(100) for _ in range(size + case)],)
'''
REFERENCE = "def total(values):\n    return sum(values)\n"


def make_problem(root: Path, pid: str = "sum-list", **files: str | None) -> Path:
    """Write a valid problem (overridable file by file; None deletes a file). Returns ROOT."""
    folder_name = pid.replace("/", "_")
    folder = root / "problems" / folder_name
    folder.mkdir(parents=True, exist_ok=True)
    (root / "reference_solutions").mkdir(parents=True, exist_ok=True)
    contents: dict[str, str | None] = {
        "problem.toml": TOML.format(id=pid),
        "prompt.py": PROMPT,
        "generator.py": GENERATOR,
        "reference": REFERENCE,
    }
    contents.update(files)
    for name, text in contents.items():
        path = (root / "reference_solutions" / f"{folder_name}.py" if name == "reference"
                else folder / name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(text, encoding="utf-8")
    return root
