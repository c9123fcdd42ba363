"""Sandbox benchmark: round trip, recycle time, and timing dispersion idle and under load.

Prints, for a warm docker sandbox pinned to the last core (or ``--backend process``):

* the round-trip overhead of one execution of a no-op (host ``run()`` call, median);
* the time to recycle the container (kill + remove + create + start + first no-op run);
* median CPU time and relative MAD over 30 repetitions of a ~20 ms and a ~1 ms function,
  idle, then with a busy loop pinned to the same core, and the change of the median.

Targets (issue 3): round trip <= 3 ms; CPU-time change under load <= 5 %. The machine is
shared, so every figure is a median; run it twice before believing a single number.

Usage: python benchmarks/bench_sandbox.py [--backend docker|process] [--reps 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from codeeff.sandbox import Limits, Payload, Program, Sandbox, SandboxConfig, Verdict, open_sandbox

LOOP = Program("def work(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\n",
               "work")
LIMITS = Limits(cpu_s=10.0, memory_mb=256)


def rel_mad(xs: list[float]) -> float:
    med = statistics.median(xs)
    return statistics.median(abs(x - med) for x in xs) / med if med else float("nan")


def cpu_times(sb: Sandbox, n: int, reps: int) -> tuple[list[float], list[float]]:
    payload = Payload.from_args([n])
    cpu, wall = [], []
    for _ in range(reps):
        exe = sb.run(LOOP, payload, LIMITS)
        if exe.verdict is not Verdict.OK:
            raise SystemExit(f"unexpected verdict: {exe}")
        cpu.append(exe.cpu_s)
        wall.append(exe.wall_s)
    return cpu, wall


def calibrate(sb: Sandbox, target_s: float, baseline_s: float) -> int:
    n = 10_000
    while True:
        cpu, _ = cpu_times(sb, n, 3)
        t = statistics.median(cpu) - baseline_s
        if t > target_s / 4:
            return max(1, int(n * target_s / t))
        n *= 4


def busy_loop(cpu: int) -> subprocess.Popen[bytes]:
    code = f"import os\nos.sched_setaffinity(0, {{{cpu}}})\nwhile True:\n    pass\n"
    return subprocess.Popen([sys.executable, "-c", code])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="docker", choices=["docker", "process"])
    ap.add_argument("--reps", type=int, default=30)
    args = ap.parse_args()
    cfg = SandboxConfig(backend=args.backend, allow_unsafe_process=args.backend == "process")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()}")
    with open_sandbox(cfg) as sb:
        sb.start()  # type: ignore[attr-defined]
        info = sb.info  # type: ignore[attr-defined]
        cpu = info["cpus"][-1]
        print(f"backend {args.backend}: Python {info['python']}, pinned to CPU(s) {info['cpus']}, "
              f"cgroup {info['cgroup']}")
        noop, one = Program.noop("f"), Payload.from_args([1])
        for _ in range(5):
            sb.run(noop, one, LIMITS)
        rt, noop_cpu = [], []
        for _ in range(100):
            t = time.perf_counter()
            exe = sb.run(noop, one, LIMITS)
            rt.append(time.perf_counter() - t)
            noop_cpu.append(exe.cpu_s)
        print(f"round trip of a no-op execution: median {statistics.median(rt) * 1e3:.2f} ms "
              f"(p10 {sorted(rt)[10] * 1e3:.2f}, p90 {sorted(rt)[90] * 1e3:.2f}); "
              f"no-op child CPU {statistics.median(noop_cpu) * 1e3:.3f} ms  [target <= 3 ms]")
        rec = []
        for _ in range(5):
            t = time.perf_counter()
            sb.recycle()
            sb.run(noop, one, LIMITS)
            rec.append(time.perf_counter() - t)
        print(f"recycle (kill + remove + create + start + first run): median "
              f"{statistics.median(rec) * 1e3:.0f} ms (min {min(rec) * 1e3:.0f}, "
              f"max {max(rec) * 1e3:.0f})")
        base = statistics.median(noop_cpu)
        sizes = {"~20 ms": calibrate(sb, 0.020, base), "~1 ms": calibrate(sb, 0.001, base)}
        idle: dict[str, float] = {}
        for label, n in sizes.items():
            c, w = cpu_times(sb, n, args.reps)
            idle[label] = statistics.median(c)
            print(f"idle   {label:>6} (n={n}): CPU median {idle[label] * 1e3:7.3f} ms, relMAD "
                  f"{rel_mad(c) * 100:5.2f} %; wall median {statistics.median(w) * 1e3:7.3f} ms, "
                  f"relMAD {rel_mad(w) * 100:5.2f} %")
        spinner = busy_loop(cpu)
        try:
            time.sleep(0.5)
            for label, n in sizes.items():
                c, w = cpu_times(sb, n, args.reps)
                med = statistics.median(c)
                change = (med - idle[label]) / idle[label] * 100
                print(f"loaded {label:>6} (n={n}): CPU median {med * 1e3:7.3f} ms, relMAD "
                      f"{rel_mad(c) * 100:5.2f} %; wall median "
                      f"{statistics.median(w) * 1e3:7.3f} ms; CPU change {change:+.1f} %  "
                      f"[target |change| <= 5 %]")
        finally:
            spinner.kill()
            spinner.wait()


if __name__ == "__main__":
    main()
