"""What the harness does so that a program is charged its own work only.

* Common standard-library modules are imported by the supervisor before any fork, so a
  sample's ``import heapq`` is a dictionary lookup, not a module load charged to it.
* The pages holding the arguments' objects are pre-faulted before GO, so reading data shared
  with the supervisor costs no copy-on-write faults inside the measured window.

Both are checked structurally (module table, page-fault counters), not by timing.
"""

from __future__ import annotations

import pytest

from codeeff.sandbox import Limits, Payload, Program, Verdict, supervisor

BACKENDS = ["process", pytest.param("docker", marks=pytest.mark.docker)]

_PRELOAD_PROBE = '''
import sys
before = sorted(sys.modules)
def f(names):
    return [n for n in names if n in before]
'''

# Minor page faults taken while reading every element of the argument (each element's
# reference count is written), measured inside the charged window.
_FAULT_PROBE = '''
import resource
def f(xs):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    total = 0
    for x in xs:
        total += x
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
'''


@pytest.mark.parametrize("backend", BACKENDS)
def test_common_stdlib_modules_are_imported_before_the_child_runs(
        backend: str, request: pytest.FixtureRequest) -> None:
    sandbox = request.getfixturevalue(f"{backend}_sandbox")
    names = list(supervisor.PRELOAD)
    ex = sandbox.run(Program(_PRELOAD_PROBE, "f"), Payload.from_args([names]), Limits())
    assert ex.verdict is Verdict.OK, ex
    assert ex.value == names
    assert sandbox.info["preloaded"] == names


@pytest.mark.parametrize("backend", BACKENDS)
def test_reading_the_arguments_takes_no_copy_on_write_faults(
        backend: str, request: pytest.FixtureRequest) -> None:
    sandbox = request.getfixturevalue(f"{backend}_sandbox")
    assert sandbox.info["prefault"] is True  # Linux >= 5.14 on every machine we test on
    # 200,000 distinct ints: ~6 MB of objects on ~1,500 pages shared with the supervisor.
    ex = sandbox.run(Program(_FAULT_PROBE, "f"),
                     Payload.from_args([[i * 1_000_003 for i in range(200_000)]]), Limits())
    assert ex.verdict is Verdict.OK, ex
    assert ex.value < 50, f"{ex.value} page faults while reading pre-faulted arguments"


def test_pages_of_covers_every_object_header_in_few_ranges() -> None:
    inner = frozenset({("deep", 10**30)})
    key = "k" * 50
    args = ([[i * 7, str(i)] for i in range(5_000)], {key: (1.5, None, {inner})})
    page = 4096
    ranges = supervisor._pages_of(args, page)
    covered = set()
    for addr, length in ranges:
        assert addr % page == 0 and length % page == 0 and length > 0
        covered.update(range(addr // page, (addr + length) // page))
    objs = [args, args[0], args[1], key, args[1][key], args[1][key][2], inner, *inner,
            *next(iter(inner)), *args[0], *(x for pair in args[0] for x in pair)]
    assert all(id(o) // page in covered for o in objs)
    assert len(ranges) < len(covered)  # neighbouring pages are merged


@pytest.mark.docker
def test_the_image_runs_the_harness_from_bytecode(docker_sandbox) -> None:
    # Compiling the supervisor's source at start-up left ~4 MB of the compiler's freed memory
    # resident in the worker, copied by every fork (see sandbox/setup_image.py).
    assert docker_sandbox.run(Program.noop("f"), Payload.from_args([]), Limits()).verdict \
        is Verdict.OK
    assert docker_sandbox.info["bytecode"] is True


# Threads that allocate through malloc (objects above pymalloc's 512 bytes), then a count of
# the large PROT_NONE reservations glibc makes for extra malloc arenas (64 MB each).
_ARENA_PROBE = '''
import threading
def f():
    def work():
        for _ in range(200):
            bytes(4096)
    ts = [threading.Thread(target=work) for _ in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    reserved = 0
    for line in open("/proc/self/maps"):
        lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
        if line.split()[1] == "---p" and hi - lo >= 32 << 20:
            reserved += 1
    return reserved
'''


@pytest.mark.parametrize("backend", BACKENDS)
def test_threads_reserve_no_malloc_arenas_against_the_address_space_limit(
        backend: str, request: pytest.FixtureRequest) -> None:
    # Regression: RLIMIT_AS counts each extra arena's 64 MB (128 MB while being aligned), so a
    # program starting 8 threads under a 128 MB limit failed or not depending on whether one
    # of its threads happened to make an arena. The sandbox runs with MALLOC_ARENA_MAX=1.
    sandbox = request.getfixturevalue(f"{backend}_sandbox")
    for _ in range(3):
        ex = sandbox.run(Program(_ARENA_PROBE, "f"), Payload.from_args([]),
                         Limits(cpu_s=5.0, memory_mb=128))
        assert ex.verdict is Verdict.OK, ex
        assert ex.value == 0
