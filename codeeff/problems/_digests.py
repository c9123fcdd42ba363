"""``python -m codeeff.problems._digests ROOT SEED ID...``: print input digests as JSON.

``codeeff problems check`` runs this in a child process with another ``PYTHONHASHSEED`` to catch
generators whose output depends on Python's per-process hash seed (iterating a set of str).
"""

from __future__ import annotations

import json
import sys

from codeeff.errors import ProblemError
from codeeff.problems.loader import load_problem_set


def main(argv: list[str]) -> int:
    """Print ``{id: digest or null}``; a generator that fails gives null."""
    root, seed, ids = argv[0], int(argv[1]), argv[2:]
    problem_set = load_problem_set(root, ids=ids or None)
    out: dict[str, str | None] = {}
    for pid, problem in problem_set.problems.items():
        try:
            out[pid] = problem.input_digest(seed)
        except (ProblemError, ValueError):
            out[pid] = None
    sys.stdout.write(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
