"""Benchmark: score the built-in set's references and its known-slow solutions as samples.

Two sample files are made from the built-in problem set: every problem's expert reference
(expected: pass@1 = 1.0 and eff@1 close to 1, the noise floor) and every problem's first
known-slow solution (expected: pass@1 = 1.0, since they are correct, and eff@1 far below 1).
Both are scored with the docker backend; the script prints pass@1, eff@1 with its interval,
the noise figures and the wall time, then the per-problem scores of the slow set.

    python benchmarks/bench_score_builtin.py [--backend docker|process] [--work DIR] [--ids a,b]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def _write_samples(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["docker", "process"], default="docker")
    ap.add_argument("--work", type=Path, default=None, help="keep samples and runs here")
    ap.add_argument("--ids", default=None, help="only these problem ids (comma-separated)")
    args = ap.parse_args()

    import codeeff
    from codeeff.config import preset
    from codeeff.problems import load_problem_set

    pset = load_problem_set("builtin")
    ids = args.ids.split(",") if args.ids else list(pset.problems)
    work = args.work or Path(tempfile.mkdtemp(prefix="codeeff-builtin-"))
    work.mkdir(parents=True, exist_ok=True)
    refs = [{"task_id": i, "solution": pset.get(i).reference} for i in ids]
    slow = [{"task_id": i, "solution": next(iter(pset.get(i).slow.values()))} for i in ids]
    config = preset(
        "default",
        k=(1,),
        backend=args.backend,
        allow_unsafe_process=args.backend == "process",
    )
    print(f"{len(ids)} problems, backend {args.backend}, work dir {work}")
    for name, rows in (("references", refs), ("slow", slow)):
        samples = work / f"{name}.jsonl"
        _write_samples(samples, rows)
        t0 = time.perf_counter()
        summary = codeeff.score(samples, problems="builtin", out_dir=work / name, config=config)
        wall = time.perf_counter() - t0
        eff = summary.metrics[1]["eff@k"]
        noise = summary.noise
        print(f"\n{name}: pass@1 = {summary.pass_at(1):.3f}, eff@1 = {eff.estimate:.3f} "
              f"[{eff.low:.3f}, {eff.high:.3f}], {wall:.0f} s wall")
        print(f"  noise: reference split eff@1 = {noise.get('reference_split_eff1')}, "
              f"median relMAD ref {noise.get('median_ref_rel_mad')}, "
              f"samples {noise.get('median_sample_rel_mad')}, "
              f"noisy tests {noise.get('noisy_tests')}")
        lines = [json.loads(x) for x in (work / name / "results.jsonl").read_text().splitlines()]
        worst = sorted(lines, key=lambda r: -r["score"] if name == "slow" else r["score"])[:8]
        label = "highest" if name == "slow" else "lowest"
        print(f"  {label} scores: " + ", ".join(f"{r['task_id']} {r['score']:.2f}" for r in worst))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
