"""``codeeff problems new ID``: scaffold a problem that already passes ``problems check``.

The scaffold is a complete small problem (count the pairs of equal values: an O(n) reference
and an O(n²) known-slow solution) with comments saying what to replace, so an author starts
from something that works and changes one piece at a time.
"""

from __future__ import annotations

import re
from pathlib import Path

from codeeff.errors import ProblemError

__all__ = ["new_problem"]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")

_TOML = '''\
# The spec of problem {id}. See codeeff/problems/model.py for every field.
# TODO: replace the example (count pairs of equal values) with your problem; bump `version`
# and add a changelog line whenever generator, checker, levels or reference change.
id = "{id}"
title = "Count pairs of equal values"      # TODO: your title
entry_point = "{entry}"                   # the function the prompt asks for
version = 1
# category: sorting | data-structures | strings | graphs | dp | number-theory |
#           geometry-intervals | implementation
category = "data-structures"
difficulty = "easy"            # easy | medium | hard
tags = ["hashing"]
time_factor = 2.0              # alpha: limit = alpha x slowest reference time over timed levels
memory_mb = 1024
changelog = ["v1: first version"]

# Level 0: correctness (edge cases from generator.py, weight 0).
[[levels]]
size = 8
tests = 8
weight = 0

# Levels 1-3: timed stress inputs. Choose sizes so that the reference takes 20 ms - 1 s at
# the top level (`codeeff problems check` measures it and suggests sizes) and the known-slow
# solution is clearly slower (it must score <= 0.5).
[[levels]]
size = 20000
tests = 4
weight = 3

[[levels]]
size = 100000
tests = 4
weight = 3

[[levels]]
size = 300000
tests = 4
weight = 4
'''

_PROMPT = '''\
# What the model sees: imports, the signature and a docstring with examples.
# TODO: replace with your problem's statement. Keep the examples exact.


def {entry}(values: list[int]) -> int:
    """Return the number of pairs of positions i < j with values[i] == values[j].

    >>> {entry}([1, 2, 1, 1])
    3
    >>> {entry}([])
    0
    """
'''

_GENERATOR = '''\
"""Inputs for {id}: edge cases at level 0, then random stress inputs.

generate(size, level, case, rng) must be a deterministic function of its arguments: draw every
random number from `rng` (a random.Random seeded by codeeff), never from the `random` module,
and never iterate a set of strings (its order changes between processes). Return the
positional arguments of one call as a tuple of plain data.
"""

import random

# TODO: the edge cases of your problem (empty, single element, extremes, ties...).
# Level 0 runs case 0..tests-1 and takes them in order.
EDGE_CASES = [
    ([],),
    ([5],),
    ([1, 1],),
    ([1, 2, 3],),
    ([7, 7, 7, 7],),
    ([2, 2, 3, 3, 3],),
    ([-1, -1, 0, 10**12, 10**12],),
    ([1, 2, 1, 1],),
]


def generate(size: int, level: int, case: int, rng: random.Random) -> tuple:
    """Return the arguments of one call."""
    if level == 0:
        return EDGE_CASES[case % len(EDGE_CASES)]
    # TODO: stress inputs. Make at least one case adversarial for naive solutions.
    if case == 0:  # one value repeated: the most pairs
        return ([7] * size,)
    return (rng.choices(range(size // 4 + 1), k=size),)
'''

_REFERENCE = '''\
# The expert reference of {id}: a full program defining {entry}().
# TODO: your best solution. It runs in the sandbox like any sample and is timed.


def {entry}(values: list[int]) -> int:
    """Count each value once, then add k*(k-1)/2 per value: O(n)."""
    counts: dict[int, int] = {{}}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return sum(k * (k - 1) // 2 for k in counts.values())
'''

_SLOW = '''\
# A known-slow but correct solution of {id}: the double loop, O(n^2).
# `codeeff problems check` proves the generator separates it from the reference.
# TODO: the typical slow solution of your problem (add more files in slow/ as you like).


def {entry}(values: list[int]) -> int:
    """Compare every pair."""
    n = len(values)
    return sum(1 for i in range(n) for j in range(i + 1, n) if values[i] == values[j])
'''


def _entry_point(problem_id: str) -> str:
    last = problem_id.rsplit("/", 1)[-1]
    name = re.sub(r"[^0-9A-Za-z_]+", "_", last).strip("_").lower() or "solve"
    return f"solve_{name}" if name[0].isdigit() else name


def new_problem(problem_id: str, root: Path) -> list[Path]:
    """Write the scaffold of ``problem_id`` into the problem set at ``root``.

    Args:
        problem_id: The new id (letters, digits, ``_ . / -``).
        root: The problem set's root (``problems/`` and ``reference_solutions/`` are created).

    Returns:
        The files written.

    Raises:
        ProblemError: for an invalid id or a problem that already exists.
    """
    if not _ID.match(problem_id) or ".." in problem_id:
        raise ProblemError(f"invalid id {problem_id!r}", problem_id=problem_id,
                           hint="use letters, digits and _ . / - (e.g. two-sum or Set/12)")
    folder_name = problem_id.replace("/", "_")
    root = Path(root)
    folder = root / "problems" / folder_name
    reference = root / "reference_solutions" / f"{folder_name}.py"
    for path in (folder, reference):
        if path.exists():
            raise ProblemError("the problem already exists", problem_id=problem_id,
                               path=str(path), hint="choose another id or remove it first")
    entry = _entry_point(problem_id)
    files = {
        folder / "problem.toml": _TOML,
        folder / "prompt.py": _PROMPT,
        folder / "generator.py": _GENERATOR,
        folder / "slow" / "quadratic.py": _SLOW,
        reference: _REFERENCE,
    }
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(id=problem_id, entry=entry), encoding="utf-8")
    return list(files)
