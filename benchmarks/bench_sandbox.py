"""Sandbox benchmark: round trip, no-op cost, recycle time, and timing dispersion under load.

Prints, for a warm docker sandbox pinned to the last core (and the process backend):

* the round trip of one no-op execution (host ``run()`` call): p10, median, p90;
* the no-op child's charged CPU time (the harness floor every measurement carries);
* the round trip of a call returning a ~1 MB result, repeated: the supervisor passes the result
  through a private mapping it unmaps after each run (no later child may find it), the host
  hashes it (``value_digest``) and decodes equal results only once; the decode time of that
  result alone shows what the digest cache saves per repetition;
* what staging a new ~1 MB input (100,000 objects) adds to its first run: the supervisor
  decodes it and maps the pages of its objects for the children's pre-faulting;
* the recycle time of the docker backend and its CPU cost (all processes, from /proc/stat):
  a fresh supervisor worker forked in place (the default), and a new container, synchronous and with
  the spare container prepared in the background;
* the docker backend's two control channels side by side: the unix socket the supervisor
  connects to (the default) and the attach socket through dockerd;
* the supervisor's objects and the staged inputs immortal (the default on Python 3.12/3.13)
  against ordinary objects that each child pre-faults, side by side;
* with ``--against IMAGE`` only: the current image against another one (e.g. the tag an earlier
  commit built) in alternating blocks, to see what a change of the harness did;
* median CPU time and relative MAD over 30 repetitions of a ~20 ms and a ~1 ms function,
  idle and with a busy loop pinned to the same core, and the change of the median. Idle and
  loaded repetitions are taken in alternating blocks, so drift of a shared machine hits both.

Targets (issue 3): round trip <= 3 ms; CPU-time change under load <= 5 %. The machine is
shared, so every figure is a median of many runs; the load average is printed before and
after. Run it twice before believing a single number.

Usage: python benchmarks/bench_sandbox.py [--backend docker|process|both] [--reps 30]
       python benchmarks/bench_sandbox.py --against codeeff-sandbox:OLDTAG [--blocks 12]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from _machine import busy_cpu_s

from codeeff.sandbox import (
    Limits,
    Payload,
    Program,
    Sandbox,
    SandboxConfig,
    Verdict,
    open_sandbox,
    wire,
)

LOOP = Program("def work(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\n",
               "work")
NOOP = Program.noop("f")
ONE = Payload.from_args([1])
BIG = Program("def big(n):\n    return list(range(n))\n", "big")
BIG_ARGS = Payload.from_args([150_000])  # about 1 MB encoded
LIMITS = Limits(cpu_s=10.0, memory_mb=256)


def rel_mad(xs: list[float]) -> float:
    """Median absolute deviation over the median."""
    med = statistics.median(xs)
    return statistics.median(abs(x - med) for x in xs) / med if med else float("nan")


def quantiles(xs: list[float], scale: float = 1e3) -> str:
    """``p10 / median / p90`` of ``xs`` times ``scale``."""
    s = sorted(xs)
    n = len(s)
    return (f"p10 {s[n // 10] * scale:6.3f} | median {statistics.median(s) * scale:6.3f} | "
            f"p90 {s[(9 * n) // 10] * scale:6.3f}")


def load() -> str:
    """The load averages, as ``uptime`` prints them."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def run_ok(sb: Sandbox, program: Program, payload: Payload) -> tuple[float, float]:
    """(CPU s, wall s) of one execution that must be OK."""
    exe = sb.run(program, payload, LIMITS)
    if exe.verdict is not Verdict.OK:
        raise SystemExit(f"unexpected verdict: {exe}")
    return exe.cpu_s, exe.wall_s


def round_trips(sb: Sandbox, n: int) -> tuple[list[float], list[float]]:
    """Host round trips and charged CPU of ``n`` no-op executions."""
    rt, cpu = [], []
    for _ in range(n):
        t = time.perf_counter()
        c, _ = run_ok(sb, NOOP, ONE)
        rt.append(time.perf_counter() - t)
        cpu.append(c)
    return rt, cpu


def staging_times(sb: Sandbox, n: int) -> list[float]:
    """What staging a fresh ~1 MB input adds to its first run: the supervisor decodes it and
    maps the pages of its objects (every recycled sandbox stages each input again)."""
    out = []
    for seed in range(n):
        payload = Payload.from_args([[(i * 7919 + seed) % 100_003 for i in range(50_000)],
                                     [f"w{i + seed}" for i in range(50_000)]])
        t = time.perf_counter()
        run_ok(sb, NOOP, payload)
        first = time.perf_counter() - t
        t = time.perf_counter()
        run_ok(sb, NOOP, payload)
        out.append(first - (time.perf_counter() - t))
    return out


def calibrate(sb: Sandbox, target_s: float, baseline_s: float) -> int:
    """A loop length whose median CPU time is about ``target_s``."""
    n = 10_000
    while True:
        t = statistics.median(run_ok(sb, LOOP, Payload.from_args([n]))[0] for _ in range(3))
        t -= baseline_s
        if t > target_s / 4:
            return max(1, int(n * target_s / t))
        n *= 4


def busy_loop(cpu: int) -> subprocess.Popen[bytes]:
    """A spinning process pinned to ``cpu``."""
    code = f"import os\nos.sched_setaffinity(0, {{{cpu}}})\nwhile True:\n    pass\n"
    return subprocess.Popen([sys.executable, "-c", code])


def dispersion(sb: Sandbox, cpu: int, sizes: dict[str, int], reps: int, blocks: int = 3
               ) -> dict[tuple[str, str], tuple[list[float], list[float]]]:
    """CPU and wall times per (size, idle|loaded), in alternating idle/loaded blocks."""
    out: dict[tuple[str, str], tuple[list[float], list[float]]] = {
        (label, cond): ([], []) for label in sizes for cond in ("idle", "loaded")}
    per_block = [reps // blocks + (1 if i < reps % blocks else 0) for i in range(blocks)]
    for k in per_block:
        for cond in ("idle", "loaded"):
            spinner = busy_loop(cpu) if cond == "loaded" else None
            try:
                if spinner is not None:
                    time.sleep(0.3)  # let it start and settle on the core
                for label, n in sizes.items():
                    payload = Payload.from_args([n])
                    cpus, walls = out[(label, cond)]
                    for _ in range(k):
                        c, w = run_ok(sb, LOOP, payload)
                        cpus.append(c)
                        walls.append(w)
            finally:
                if spinner is not None:
                    spinner.kill()
                    spinner.wait()
    return out


def recycle_times(make: Callable[[], Sandbox], n: int, gap_s: float) -> tuple[list[float], float]:
    """``recycle()`` plus the first run after it, ``n`` times, ``gap_s`` apart.

    Returns the wall times and the machine's busy CPU per recycle over the whole loop (a
    spare container made in the background during the gaps is counted; so is any other load).
    """
    times = []
    with make() as sb:
        run_ok(sb, NOOP, ONE)
        time.sleep(gap_s)
        busy0 = busy_cpu_s()
        for _ in range(n):
            time.sleep(gap_s)  # the runs of one sample, during which a spare gets ready
            t = time.perf_counter()
            sb.recycle()
            run_ok(sb, NOOP, ONE)
            times.append(time.perf_counter() - t)
        time.sleep(gap_s)  # let the last spare finish: it is part of the cost
        busy = (busy_cpu_s() - busy0) / n
    return times, busy


def bench_backend(backend: str, reps: int, rt_runs: int) -> None:
    """Print every figure for one backend."""
    cfg = SandboxConfig(backend=backend, allow_unsafe_process=backend == "process")
    with open_sandbox(cfg) as sb:
        sb.start()  # type: ignore[attr-defined]
        info = sb.info  # type: ignore[attr-defined]
        cpu = info["cpus"][-1]
        print(f"\n== {backend}: Python {info['python']}, pinned to CPU(s) {info['cpus']}, "
              f"cgroup {info['cgroup']}, child filter {info['child_filter']}")
        round_trips(sb, 20)  # warm-up
        rt, noop_cpu = round_trips(sb, rt_runs)
        print(f"round trip, no-op execution (n={rt_runs}), ms: {quantiles(rt)}   "
              f"[target median <= 3 ms]")
        print(f"no-op child CPU (charged floor), ms:        {quantiles(noop_cpu)}   "
              f"relMAD {rel_mad(noop_cpu) * 100:.1f} %")
        big_rt = []
        for _ in range(max(10, rt_runs // 10)):
            t = time.perf_counter()
            exe = sb.run(BIG, BIG_ARGS, LIMITS)
            big_rt.append(time.perf_counter() - t)
            if exe.verdict is not Verdict.OK:
                raise SystemExit(f"unexpected verdict: {exe}")
        body = wire.encode(exe.value)
        dec = []
        for _ in range(20):
            t = time.perf_counter()
            wire.decode(body)
            dec.append(time.perf_counter() - t)
        print(f"round trip, {len(body) / 1e6:.1f} MB result, repeated (n={len(big_rt)}), ms: "
              f"{quantiles(big_rt)}")
        print(f"  host decode of that result alone (saved on repeats), ms: {quantiles(dec)}")
        stage = staging_times(sb, max(5, rt_runs // 30))
        print(f"staging a new 100,000-element input (decode + page map in the supervisor, "
              f"n={len(stage)}), ms: {quantiles(stage)}")
        base = statistics.median(noop_cpu)
        sizes = {"~20 ms": calibrate(sb, 0.020, base), "~1 ms": calibrate(sb, 0.001, base)}
        table = dispersion(sb, cpu, sizes, reps)
    print(f"dispersion over {reps} repetitions, busy loop pinned to CPU {cpu} when loaded "
          f"(CPU minus the no-op floor in brackets):")
    print(f"  {'size':>7} {'n':>8} | {'idle CPU ms':>19} {'relMAD':>7} | "
          f"{'loaded CPU ms':>19} {'relMAD':>7} | {'CPU change':>10} | "
          f"{'wall idle':>9} {'wall loaded':>11}")
    for label, n in sizes.items():
        ci, wi = table[(label, "idle")]
        cl, wl = table[(label, "loaded")]
        mi, ml = statistics.median(ci), statistics.median(cl)
        change = (ml - mi) / mi * 100
        print(f"  {label:>7} {n:>8} | {mi * 1e3:8.3f} ({(mi - base) * 1e3:8.3f}) "
              f"{rel_mad(ci) * 100:6.2f}% | {ml * 1e3:8.3f} ({(ml - base) * 1e3:8.3f}) "
              f"{rel_mad(cl) * 100:6.2f}% | {change:+9.1f}% | "
              f"{statistics.median(wi) * 1e3:9.3f} {statistics.median(wl) * 1e3:11.3f}")
    print("  [target |CPU change| <= 5 %]")
    if backend == "docker":
        import dataclasses

        from codeeff.sandbox.docker_backend import DockerSandbox

        new = dataclasses.replace(cfg, reuse_container=False)
        for what, make in (
            ("fresh supervisor worker in place (default)", lambda: DockerSandbox(cfg)),
            ("new container, synchronous (no spare)    ", lambda: DockerSandbox(new, spare=False)),
            ("new container, spare made in background  ", lambda: DockerSandbox(new)),
        ):
            rec, busy = recycle_times(make, 8, 1.0)
            print(f"recycle + first run, {what}: ms {quantiles(rec, 1e3)}; "
                  f"machine CPU per recycle {busy * 1e3:.0f} ms")
        compare_channels(cfg, max(100, rt_runs // 2))
        compare_immortal(cfg, max(100, rt_runs // 2))


def alternate(boxes: dict[str, Sandbox], cases: dict[str, tuple[Program, Payload]], n: int,
              blocks: int, title: str) -> None:
    """Run every case in every sandbox in alternating blocks of ``n`` executions and print the
    medians over blocks of wall time and machine CPU per execution (drift hits all alike)."""
    got: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for block in range(blocks):
        # Which sandbox goes first alternates too, so that neither always follows the other.
        for name, sb in list(boxes.items())[:: -1 if block % 2 else 1]:
            for what, (prog, payload) in cases.items():
                for _ in range(10):
                    run_ok(sb, prog, payload)
                busy0, t0 = busy_cpu_s(), time.perf_counter()
                for _ in range(n):
                    run_ok(sb, prog, payload)
                got.setdefault((name, what), []).append(
                    ((time.perf_counter() - t0) / n, (busy_cpu_s() - busy0) / n))
    print(f"{title}, medians of {blocks} alternating blocks of {n} executions:")
    first = next(iter(boxes))
    for (name, what), xs in got.items():
        line = (f"  {name:>9} {what:<22} wall {statistics.median(x[0] for x in xs) * 1e3:6.3f} ms,"
                f" machine CPU {statistics.median(x[1] for x in xs) * 1e3:6.3f} ms per execution")
        if name != first:
            # Block by block against the first sandbox: the pairs ran back to back.
            ratios = [x[1] / y[1] for x, y in zip(xs, got[(first, what)], strict=True)]
            line += (f"; x{statistics.median(ratios):.3f} of {first}'s (median of block "
                     f"ratios, lower in {sum(r < 1 for r in ratios)} of {len(ratios)})")
        print(line)


def compare_channels(cfg: SandboxConfig, n: int, blocks: int = 6) -> None:
    """No-op and ~130 kB-result executions over the unix-socket channel and over the attach
    socket (through dockerd), in alternating blocks: wall and machine CPU per execution."""
    from codeeff.sandbox.docker_backend import DockerSandbox

    mid = (Program("def f(n):\n    return list(range(n))\n", "f"), Payload.from_args([20_000]))
    boxes = {ch: DockerSandbox(cfg, spare=False, channel=ch) for ch in ("unix", "attach")}
    try:
        alternate(boxes, {"no-op": (NOOP, ONE), "130 kB result": mid}, n, blocks,
                  "control channel")
    finally:
        for sb in boxes.values():
            sb.close()


def harness_cases() -> dict[str, tuple[Program, Payload]]:
    """Executions whose cost is mostly the harness's: a no-op, a ~1 ms loop, a staged input."""
    return {
        "no-op": (NOOP, ONE),
        "~1 ms loop": (LOOP, Payload.from_args([20_000])),
        "sum of 100,000 ints": (Program("def f(xs):\n    return sum(xs)\n", "f"),
                                Payload.from_args([list(range(10**6, 10**6 + 100_000))])),
    }


def compare_immortal(cfg: SandboxConfig, n: int, blocks: int = 6) -> None:
    """The supervisor's objects and the inputs immortal (the default where the image's Python
    allows it) against ordinary objects pre-faulted by each child, in alternating blocks."""
    from codeeff.sandbox.docker_backend import DockerSandbox

    boxes = {f"immortal {'on' if on else 'off'}": DockerSandbox(cfg, spare=False, immortal=on)
             for on in (True, False)}
    cases = harness_cases()
    try:
        boxes["immortal on"].start()  # type: ignore[attr-defined]
        if not boxes["immortal on"].info["immortal"]:  # type: ignore[attr-defined]
            print("immortal objects: not supported by this image's Python; nothing to compare")
            return
        alternate(boxes, cases, n, blocks, "immortal objects")
    finally:
        for sb in boxes.values():
            sb.close()


def compare_images(other: str, n: int, blocks: int) -> None:
    """The current recipe's image against ``other`` (e.g. the tag an earlier commit built), in
    alternating blocks on the same core: what a change of the image did to the harness."""
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})  # the driving thread beside its sandboxes, as the runner
    boxes = {name: open_sandbox(SandboxConfig(backend="docker", cpus=(cpu,), image=tag))
             for name, tag in (("current", None), (other.split(":")[-1], other))}
    try:
        alternate(boxes, harness_cases(), n, blocks, f"images (core {cpu})")
    finally:
        for sb in boxes.values():
            sb.close()


def main() -> None:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--backend", default="both", choices=["docker", "process", "both"])
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--round-trips", type=int, default=300)
    ap.add_argument("--against", metavar="IMAGE",
                    help="only compare the current image with IMAGE, in alternating blocks")
    ap.add_argument("--blocks", type=int, default=12, help="blocks per image for --against")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; load average at start {load()}")
    if args.against:
        compare_images(args.against, 300, args.blocks)
        print(f"load average at end {load()}")
        return
    backends = ["docker", "process"] if args.backend == "both" else [args.backend]
    for backend in backends:
        bench_backend(backend, args.reps, args.round_trips)
    print(f"\nload average at end {load()}")


if __name__ == "__main__":
    main()
