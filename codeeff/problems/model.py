"""Records of the native problem format.

A *problem set* is a folder ``ROOT`` with::

    ROOT/problemset.toml                  optional: name, description, source, license
    ROOT/problems/<folder>/problem.toml   the spec (see ProblemSpec)
    ROOT/problems/<folder>/prompt.py      what the model sees: imports, signature, docstring
    ROOT/problems/<folder>/generator.py   def generate(size, level, case, rng) -> tuple of args
    ROOT/problems/<folder>/checker.py     optional: def check(args, expected, actual) -> bool
    ROOT/problems/<folder>/slow/*.py      optional known-slow correct solutions (full programs)
    ROOT/reference_solutions/<folder>.py  the expert reference (a full program)

``<folder>`` is the problem id with ``/`` replaced by ``_`` (``HumanEval/0`` → ``HumanEval_0``).
The built-in set's ROOT is the top of the repository (or ``codeeff/_data`` in a wheel).

Generators are trusted benchmark code that runs on the host, never beside a sample. They must be
deterministic functions of ``(size, level, case, rng)``, where ``rng`` is a ``random.Random``
seeded by the loader from the problem id, level, case and the set's seed, and must return the
positional arguments of one call as a tuple of plain data (the types of
:mod:`codeeff.sandbox.wire`). Level 0 is the correctness level (edge cases, weight 0); the
timed levels follow. Checkers run on the host on decoded plain data; the default check is
:func:`codeeff.problems.checking.default_check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ENAMEL_LEVELS", "Level", "ProblemSpec"]


@dataclass(frozen=True)
class Level:
    """One level of a problem's tests."""

    index: int
    """0 is the correctness level; 1.. are timed."""
    size: int
    """The size parameter handed to the generator."""
    tests: int
    """Number of test cases (generator calls with case = 0 .. tests-1)."""
    weight: float
    """Weight h_l of the level in the efficiency score (0 for the correctness level)."""


ENAMEL_LEVELS: tuple[tuple[int, float], ...] = ((8, 0.0), (4, 3.0), (4, 3.0), (4, 4.0))
"""ENAMEL's default (tests, weight) per level (Qiu et al., ICLR 2025, App. C.1)."""


@dataclass(frozen=True)
class ProblemSpec:
    """The declarative part of a problem (``problem.toml``)."""

    id: str
    """Stable task id; samples name it in ``task_id``."""
    title: str
    entry_point: str
    """Name of the function the prompt asks for."""
    levels: tuple[Level, ...]
    version: int = 1
    """Bumped on every change to generator, checker, levels or reference (see changelog)."""
    time_factor: float = 2.0
    """α: the time limit is α × the slowest reference time over the timed levels."""
    memory_mb: int = 1024
    """Memory limit of one execution."""
    category: str = ""
    difficulty: str = ""
    tags: tuple[str, ...] = ()
    changelog: tuple[str, ...] = ()
    """Dated lines, one per version: ``"2026-11-28 v1: first version"``."""
    path: Path = field(default=Path("."), compare=False)
    """The problem's folder."""

    @property
    def folder_name(self) -> str:
        """The folder name the id maps to."""
        return self.id.replace("/", "_")
