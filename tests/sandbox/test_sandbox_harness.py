"""What the harness does so that a program is charged its own work only.

* Common standard-library modules are imported by the supervisor before any fork, so a
  sample's ``import heapq`` is a dictionary lookup, not a module load charged to it.
* The pages holding the arguments' objects are pre-faulted before GO, so reading data shared
  with the supervisor costs no copy-on-write faults inside the measured window; where the
  image's Python can (3.12, 3.13), the supervisor's objects and the arguments are immortal
  instead, so a child copies none of their pages at all.

Both are checked structurally (module table, page-fault counters), not by timing.
"""

from __future__ import annotations

import sys
import types

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


# Reference counts as the child sees them: the argument, a nested object, a module the
# supervisor imported, and an object the child makes itself.
_REFCOUNT_PROBE = '''
import sys, heapq
def f(xs):
    mine = [1.5]
    return [sys.getrefcount(xs), sys.getrefcount(xs[0]), sys.getrefcount(xs[0][1]),
            sys.getrefcount(heapq), sys.getrefcount(heapq.heappush), sys.getrefcount(mine)]
'''

# A sample that mutates its input every way it can, including through ctypes (freeing an
# immortal object's memory in its own copy of the address space).
_MUTATOR = '''
import ctypes
def f(xs):
    before = repr(xs)
    xs[0].append("x"); xs[0][1]["k"] = "changed"; xs[1].sort(); xs[1][0] = -1
    ctypes.c_ssize_t.from_address(id(xs[2])).value = 1
    del xs[2:]
    return before
'''


@pytest.mark.docker
def test_the_image_marks_the_supervisors_objects_and_the_arguments_immortal(
        docker_sandbox) -> None:
    args = [[7, {"k": "v" * 3}], [3, 2, 1], "tail" * 5]
    ex = docker_sandbox.run(Program(_REFCOUNT_PROBE, "f"), Payload.from_args([args]), Limits())
    assert ex.verdict is Verdict.OK, ex
    immortal = supervisor._IMMORTAL_REFCNT
    assert docker_sandbox.info["immortal"] is True
    assert ex.value[:5] == [immortal] * 5
    assert ex.value[5] < 10  # the child's own objects are ordinary


@pytest.mark.docker
def test_a_sample_that_mutates_immortal_arguments_changes_only_its_own_copy(
        docker_sandbox) -> None:
    args = [[1, {"k": "v"}], [3, 2, 1], "tail" * 5, 4.25]
    payload = Payload.from_args([args])
    for _ in range(3):  # each run starts from the staged input, untouched
        ex = docker_sandbox.run(Program(_MUTATOR, "f"), payload, Limits())
        assert ex.verdict is Verdict.OK, ex
        assert ex.value == repr(args)
    probe = docker_sandbox.run(Program("def f(xs):\n    return xs\n", "f"), payload, Limits())
    assert probe.value == args


class _CountingImmortal:
    """Stands in for supervisor._Immortal: records what it was asked to mark."""

    def __init__(self) -> None:
        self.marked: list[tuple] = []

    def payload(self, args: tuple) -> bool:
        self.marked.append(args)
        return True


def test_a_worker_immortalizes_payloads_only_up_to_its_cache_budget() -> None:
    # Immortal objects are never freed: past the budget, payloads stay mortal and their
    # children pre-fault them as before, so a worker's leak is bounded.
    imm = _CountingImmortal()
    cfg = types.SimpleNamespace(immortal=imm, immortal_left=100, page_size=4096)
    small, large, late = ([1, 2],), (list(range(50)),), ("x",)
    assert supervisor._stage(cfg, small, 60).pages == ()
    assert supervisor._stage(cfg, large, 60).pages != ()  # 40 bytes left: too large
    assert supervisor._stage(cfg, late, 40).pages == ()
    assert imm.marked == [small, late] and cfg.immortal_left == 0
    cfg.immortal = None
    assert supervisor._stage(cfg, small, 1).pages != ()


@pytest.mark.skipif((3, 12) <= sys.version_info[:2] <= (3, 13),
                    reason="this interpreter supports immortal objects")
def test_interpreters_without_immortal_objects_are_left_alone() -> None:
    assert supervisor._Immortal.create() is None


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


@pytest.mark.docker
def test_inputs_past_the_immortal_budget_are_pre_faulted_instead(docker_image: str) -> None:
    # A 256 MB container gives its worker a 32 MB payload cache, which is also what it may
    # make immortal: the fourth ~10 MB input falls back to pre-faulting. Both kinds must give
    # the same answers and neither may fault while the sample reads its argument.
    from codeeff.sandbox import SandboxConfig, open_sandbox

    with open_sandbox(SandboxConfig(backend="docker", image=docker_image,
                                    memory_mb=256)) as sandbox:
        kinds: list[bool] = []
        for k in range(5):
            xs = [i * 1_000_003 + k for i in range(1_000_000)]
            payload = Payload.from_args([xs])
            assert len(payload.data) > 8 << 20
            ex = sandbox.run(Program(_FAULT_PROBE, "f"), payload, Limits(memory_mb=160))
            assert ex.verdict is Verdict.OK, ex
            assert ex.value < 50, f"input {k}: {ex.value} page faults while reading it"
            total = sandbox.run(Program(_SUM_AND_REFCOUNT, "f"), payload, Limits(memory_mb=160))
            assert total.value[0] == sum(xs)
            kinds.append(total.value[1] == supervisor._IMMORTAL_REFCNT)
    assert kinds[0] and not kinds[-1], kinds  # both paths were taken


_SUM_AND_REFCOUNT = '''
import sys
def f(xs):
    return [sum(xs), sys.getrefcount(xs[1])]
'''
