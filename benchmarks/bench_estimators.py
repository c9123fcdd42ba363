"""Time eff@k and pass@k for 10,000 problems x n = 200 samples x k in {1, 10, 100}.

Run: ``python3 benchmarks/bench_estimators.py [--problems P] [--samples N] [--repeats R]``.

Prints the median (and min/max) wall time over R runs of each case. The process pins itself to
one CPU when the OS allows it, so that the figures are single-core; BLAS thread variables are
reported, not changed (the matmul here is a matrix-vector product, which is memory-bound).
The machine is shared, so read the median, not the minimum.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import numpy as np

from codeeff.estimators import eff_at_k, eff_at_k_batch, pass_at_k

KS = (1, 10, 100)


def _time(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm caches (weights per (n, k)) and page in the data
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _row(label: str, times: list[float]) -> str:
    med = statistics.median(times)
    return f"{label:<58} median {med * 1e3:8.1f} ms   (min {min(times) * 1e3:7.1f}, " \
           f"max {max(times) * 1e3:7.1f})"


def main() -> None:
    """Build synthetic ENAMEL-like scores and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    pinned = "no"
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        pinned = f"CPU {cpu}"
    blas = {k: v for k, v in os.environ.items() if "BLAS" in k or k == "OMP_NUM_THREADS"}
    print(f"numpy {np.__version__}; pinned to {pinned}; BLAS/OMP env: {blas or 'none'}")

    p, n, r = args.problems, args.samples, args.repeats
    rng = np.random.default_rng(args.seed)
    # About 40 % of samples fail (score 0); the rest score in (0, 2) like ENAMEL's unclipped e.
    passed = rng.random((p, n)) < 0.6
    block = np.where(passed, rng.uniform(0.0, 2.0, size=(p, n)), 0.0)
    as_lists = block.tolist()
    ragged = [row[: n - int(i % 50)] for i, row in enumerate(as_lists)]
    correct = passed.sum(axis=1)
    n_vec = np.full(p, n)
    print(f"{p} problems x n={n}, {r} timed runs each (after one warm-up run)\n")

    for k in KS:
        print(_row(f"eff_at_k_batch, 2-D float array, k={k}",
                   _time(lambda k=k: eff_at_k_batch(block, k), r)))
    print(_row("eff_at_k_batch, 2-D float array, k=(1, 10, 100) at once",
               _time(lambda: eff_at_k_batch(block, KS), r)))
    for k in KS:
        print(_row(f"eff_at_k_batch, list of Python lists, k={k}",
                   _time(lambda k=k: eff_at_k_batch(as_lists, k), r)))
    print(_row(f"eff_at_k_batch, ragged lists (n={n - 49}..{n}), k=(1, 10, 100)",
               _time(lambda: eff_at_k_batch(ragged, KS), r)))
    for k in KS:
        print(_row(f"pass_at_k, arrays of n and c, k={k}",
                   _time(lambda k=k: pass_at_k(n_vec, correct, k), r)))
    print(_row("pass_at_k, k=(1, 10, 100) broadcast against c[:, None]",
               _time(lambda: pass_at_k(n, correct[:, None], np.array(KS)), r)))
    print(_row("eff_at_k (scalar) in a Python loop, k=10, for comparison",
               _time(lambda: [eff_at_k(row, 10) for row in block], max(1, r // 2))))

    # Consistency of the forms timed above (cheap, and a benchmark of wrong answers is useless).
    batch = eff_at_k_batch(block, KS)
    loop = np.array([[eff_at_k(row, k) for k in KS] for row in block[:200]])
    on_flags = eff_at_k_batch(passed.astype(float), 10)
    print(
        f"\nmax |batch - scalar| over 200 problems: {np.abs(batch[:200] - loop).max():.2e}; "
        f"max |eff on 0/1 - pass_at_k| (k=10): "
        f"{np.abs(on_flags - pass_at_k(n_vec, correct, 10)).max():.2e}"
    )


if __name__ == "__main__":
    main()
