"""Figures for the problems layer: ENAMEL import, loading, and input generation times.

Usage: python benchmarks/bench_problems.py [ENAMEL_CSV]
(default: ../shared/data/enamel/enamel.csv next to the repository, or $CODEEFF_ENAMEL_CSV).
Prints wall times (medians of 3 where cheap); the machine is shared, so expect noise.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from codeeff.problems.enamel import import_enamel
from codeeff.problems.loader import load_problem_set


def _median_time(fn: object, reps: int = 3) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    default = Path(__file__).resolve().parents[1].parent / "shared/data/enamel/enamel.csv"
    csv_path = Path(sys.argv[1] if len(sys.argv) > 1
                    else os.environ.get("CODEEFF_ENAMEL_CSV", default))
    if not csv_path.is_file():
        print(f"no ENAMEL CSV at {csv_path}; pass its path")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "enamel"
        t_import = _median_time(lambda: import_enamel(csv_path, dest, force=True))
        t_load = _median_time(lambda: load_problem_set(dest))
        ps = load_problem_set(dest)
        per_problem = []
        for problem in ps.problems.values():
            start = time.perf_counter()
            problem.inputs()
            per_problem.append((time.perf_counter() - start, problem.id))
        per_problem.sort(reverse=True)
        total = sum(t for t, _ in per_problem)
        print(f"import (142 problems): {t_import * 1e3:.0f} ms (median of 3)")
        print(f"load + validate:        {t_load * 1e3:.0f} ms (median of 3)")
        print(f"generate all inputs:    {total:.1f} s for {len(per_problem)} problems "
              f"(median {statistics.median(t for t, _ in per_problem) * 1e3:.0f} ms/problem)")
        print("slowest generators:", ", ".join(f"{pid} {t:.2f} s" for t, pid in per_problem[:5]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
