"""Benchmark: score the 142 imported ENAMEL problems x 1 sample each (the references).

Prints the wall time end to end, the per-phase times, the execution count and the noise
figures, and where the time goes: the host process's own CPU time (all lanes are threads of
it, so this bounds what the GIL can cost), the lanes' time per execution, and the children's
CPU time (the part the protocol cannot avoid). Target on the 2-core test VM: <= 60 s with
cached test inputs (aim: 30 s).

Each timing lane uses two sandboxes on one core (the reference's and the samples'), so every
timed test runs R reference repetitions, R sample repetitions and one no-op per sandbox.

    python benchmarks/bench_score_enamel.py [--csv PATH] [--backend docker|process] [--jobs N]
        [--samples references|slow] [--runs N]

``--samples slow`` scores a deliberately slow variant of every reference instead: the same
program doing the work of its call three times (``codeeff.authoring.repeated_work``: twice on
deep copies of its arguments, since some references sort their input in place). ``--runs 2``
scores the same samples twice, each time into a new results folder (nothing reused but the
test inputs), and prints how far eff@1 moved.

The ENAMEL CSV is not part of the repository; the script imports it into a temporary problem
set with ``codeeff problems import enamel`` and caches the test inputs before timing (the
first generation of every input is a one-off cost, reported separately).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _machine import busy_cpu_s

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "enamel" / "enamel.csv"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--backend", choices=["docker", "process"], default="docker")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--image", default=None, help="sandbox image (default: the current recipe's)")
    ap.add_argument("--preset", default="enamel", help="scoring preset (default: enamel)")
    ap.add_argument("--reps", type=int, default=None, help="override R (ENAMEL: 6)")
    ap.add_argument("--work", type=Path, default=None, help="keep the set and runs here")
    ap.add_argument("--limit", type=int, default=None, help="only the first N problems")
    ap.add_argument("--split-reference-runs", action="store_true",
                    help="time each reference once and split its repetitions between the "
                    "reference and the identical sample (half the work)")
    ap.add_argument("--samples", choices=["references", "slow"], default="references",
                    help="score the references, or a variant of each that does its work 3 times")
    ap.add_argument("--runs", type=int, default=1,
                    help="score the same samples this many times (reproducibility)")
    args = ap.parse_args()
    if not args.csv.exists():
        print(f"skipped: {args.csv} not found (pass --csv)")
        return 0

    import codeeff
    from codeeff.config import preset
    from codeeff.problems.loader import load_problem_set
    from codeeff.runner import _level_tests, load_inputs

    work = args.work or Path(tempfile.mkdtemp(prefix="codeeff-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    pset_dir = work / "enamel"
    if not (pset_dir / "problems").is_dir():
        subprocess.run([sys.executable, "-m", "codeeff", "problems", "import", "enamel",
                        str(args.csv), "--to", str(pset_dir)], check=True,
                       stdout=subprocess.DEVNULL)
    pset = load_problem_set(pset_dir)
    ids = list(pset.problems)[: args.limit]
    samples = work / f"{args.samples}.jsonl"
    samples.write_text("".join(
        json.dumps({"task_id": pid, "solution": _solution(pset.problems[pid], args.samples)})
        + "\n" for pid in ids), encoding="utf-8")
    config = preset(args.preset, k=(1,), backend=args.backend, image=args.image,
                    allow_unsafe_process=args.backend == "process" or None, jobs=args.jobs,
                    min_reps=args.reps, max_reps=args.reps,
                    split_reference_runs=args.split_reference_runs or None)
    cache = work / "cache"
    t0 = time.perf_counter()
    for pid in ids:
        p = pset.problems[pid]
        load_inputs(p, _level_tests(p, config), config.input_seed, cache)
    inputs_s = time.perf_counter() - t0

    print(f"samples: {args.samples}, {len(ids)} problems; test inputs cached in "
          f"{inputs_s:.1f} s")
    effs = []
    for i in range(args.runs):
        out = work / f"run-{int(time.time())}-{args.samples}-{i + 1}"
        t0 = time.perf_counter()
        host0, busy0 = _host_cpu(), busy_cpu_s()
        summary = codeeff.score(samples, pset_dir, out, config, cache_dir=cache)
        wall = time.perf_counter() - t0
        host, busy = _host_cpu() - host0, busy_cpu_s() - busy0
        print(f"\n== run {i + 1} of {args.runs} ==")
        _report(summary, out, wall, host, busy)
        effs.append((summary.pass_at(1), summary.eff_at(1)))
    if len(effs) > 1:
        spread = max(e for _, e in effs) - min(e for _, e in effs)
        print(f"\nreproducibility over {len(effs)} runs: pass@1 "
              f"{', '.join(f'{p:.4f}' for p, _ in effs)}; eff@1 "
              f"{', '.join(f'{e:.4f}' for _, e in effs)}; largest difference {spread:.4f}")
    return 0


def _solution(problem, which: str) -> str:
    """The sample scored for a problem: its reference, or the reference made slow."""
    if which == "references":
        return problem.reference
    from codeeff.authoring import repeated_work

    return repeated_work(problem.reference, problem.spec.entry_point, times=3)


def _report(summary, out: Path, wall: float, host: float, busy: float) -> None:
    """Print one run's figures: wall, phases, where the CPU went, the scores and the noise."""
    print(f"problems: {summary.n_problems} scored, {summary.n_samples} samples "
          f"({len(summary.problem_errors)} not scored)")
    print(f"wall time end to end: {wall:.1f} s (test inputs cached)")
    print(f"executions: {summary.run['executions']}, recycles (fresh worker or container): "
          f"{summary.run['recycles']}, lanes: {summary.run['lanes']}")
    for name, secs in summary.phases.items():
        print(f"  phase {name:<16} {secs:8.2f} s")
    execs = max(1, summary.run["executions"])
    lane_s = summary.phases.get("samples_lane_s", 0.0) + summary.phases.get("probe_lane_s", 0.0)
    child = _child_cpu(out)
    print(f"host process CPU {host:.1f} s ({host / max(wall, 1e-9):.0%} of the wall time; "
          f"{host / execs * 1e3:.2f} ms per execution)")
    print(f"lanes: {lane_s / execs * 1e3:.2f} ms per execution, of which the children's "
          f"measured CPU {child / execs * 1e3:.2f} ms (sum {child:.1f} s); the rest is the "
          "sandbox round trip (fork, handshake, transport)")
    ncpu = len(os.sched_getaffinity(0))
    print(f"machine CPU: {busy:.1f} core-s busy of {wall * ncpu:.1f} ({busy / (wall * ncpu):.0%}"
          f" of {ncpu} cores): {busy / execs * 1e3:.2f} ms per execution, of which measured "
          f"{child / execs * 1e3:.2f}, this process {host / execs * 1e3:.2f}, the harness "
          f"(supervisors, the children's set-up and exit, dockerd, kernel) "
          f"{(busy - child - host) / execs * 1e3:.2f}")
    print(f"pass@1 = {summary.pass_at(1):.4f}, eff@1 = {summary.eff_at(1):.4f} "
          f"[{summary.metrics[1]['eff@k'].low:.4f}, {summary.metrics[1]['eff@k'].high:.4f}]")
    n = summary.noise
    print(f"noise: reference split eff@1 = {n['reference_split_eff1']:.4f} (mean |e-1| "
          f"{n['reference_split_mean_abs_dev']:.4f}, max {n['reference_split_max_abs_dev']:.4f})"
          f"; median relMAD reference {n['median_ref_rel_mad']:.4f}, samples "
          f"{n['median_sample_rel_mad']:.4f}; noisy tests {n['noisy_tests']}; flagged problems "
          f"{len(n['flagged_problems'])}")
    after_self, after_other = _order_effect(out)
    if after_self is not None:
        print(f"interleaving order: a run right after the other program takes "
              f"{(after_other / after_self - 1) * 100:+.1f} % against one right after the same "
              f"program (median over timed tests, reference and sample pooled; balanced "
              f"between the two by the rotation)")
    scores = sorted(s.score for p in summary.problems for s in p.samples)
    if scores:
        print(f"per-problem scores: min {scores[0]:.3f}, median "
              f"{scores[len(scores) // 2]:.3f}, max {scores[-1]:.3f}; |e-1| > 0.1 for "
              f"{sum(abs(x - 1) > 0.1 for x in scores)} problems")
    for pid, why in list(summary.problem_errors.items())[:10]:
        print(f"  not scored: {pid}: {why}")
    print(f"load average: {summary.environment.get('load', {}).get('loadavg')}")
    print(f"results: {out}")


def _host_cpu() -> float:
    """User + system CPU seconds of this process (every lane thread included)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _order_effect(run: Path) -> tuple[float | None, float | None]:
    """Median time (relative to its test's median) of the runs that follow the same program
    and of those that follow the other one: measure_case's rotation makes the reference's
    even repetitions and the sample's odd ones follow themselves."""
    import statistics

    same: list[float] = []
    other: list[float] = []
    path = run / "measurements.jsonl"
    if not path.exists():
        return None, None
    for line in path.read_text(encoding="utf-8").splitlines():
        for t in json.loads(line).get("tests", ()):
            # The parity of the places at which each side follows itself.
            for times, own in ((t.get("ref_cpu_s", ()), 0), (t["cpu_s"], 1)):
                if t["level"] == 0 or len(times) != 6:
                    continue
                m = statistics.median(times)
                if m <= 0:
                    continue
                for i, x in enumerate(times):
                    (same if i % 2 == own else other).append(x / m)
    if not same or not other:
        return None, None
    return statistics.median(same), statistics.median(other)


def _child_cpu(run: Path) -> float:
    """Sum of every repetition's CPU time recorded in the run (what the children used)."""
    total = 0.0
    for name in ("measurements.jsonl", "references.jsonl"):
        path = run / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            for t in [*rec.get("tests", ()), *rec.get("level0", ()), *rec.get("timed", ())]:
                total += sum(t["cpu_s"]) + sum(t.get("ref_cpu_s", ())) + sum(
                    t.get("baseline_s", ())) + sum(t.get("ref_baseline_s", ()))
    return total


if __name__ == "__main__":
    sys.exit(main())
