"""The in-sandbox supervisor: forks a fresh child per execution and measures it from outside.

Standard library only. It runs as the container's main process (under docker-init), or as a
host subprocess for the ``process`` backend. ``wire.py`` and ``childfilter.py`` sit next to
it and are loaded by path (in the image: ``/opt/codeeff``).

Trust model (the reasons behind the code below):

* The supervisor is trusted and **never executes sample code itself**. Only a forked child
  does, after it has dropped to the sample UID, applied its rlimits and a second seccomp
  filter, and closed every descriptor except its result pipe. The supervisor keeps no threads,
  so ``fork`` is safe.
* Every time comes from outside the child: the child's process CPU clock (the whole thread
  group), the container cgroup's CPU counter and the monotonic clock, read by the supervisor
  right before GO and again when the child's result frame is complete (the child then blocks
  until the supervisor lets it exit), or at exit if no complete frame came. The first reading
  is taken *before* the sample's source is compiled, so import- and definition-time work is
  charged; the kernel's teardown of the child's address space is not (it is the same for
  every program and only added noise). Work after the frame cannot change the result, and a
  child that does not exit after its frame is still held to the CPU and wall limits.
* Limits are enforced with SIGKILL from the supervisor (``killpg`` and ``kill``), never with an
  exception inside the child, which could catch it. ``RLIMIT_CPU`` is a backstop.
* Whatever the child writes to its result pipe is untrusted bytes: size-capped here, decoded
  on the host with caps. A result counts only with exit status 0 *and* a well-formed frame, so
  ``sys.exit``/``os._exit`` never look like success.
* The child's stdout and stderr go to ``/dev/null``: sample output never reaches the control
  channel (stdin/stdout of the supervisor) nor dockerd.
* **Nothing of one run is left where a later child can find it.** Every child inherits the
  supervisor's whole address space, so a result must never sit in the supervisor's heap or
  stack: it is read straight from the pipe into a private mapping that no child inherits
  (``MADV_DONTFORK``), sent to the host from there and unmapped; only its 9-byte frame header
  (tag and length) and, for error frames, the exception name become Python objects. Requests
  are handled in a function of their own so that no request's locals outlive it, and each
  child drops every other staged program before READY.

Control protocol on stdin/stdout, or on the host's unix socket with ``--channel`` (see
:func:`main`): frames of ``>II`` (header length, body length), a JSON header and raw body
bytes, both size-capped. Requests: ``stage_program`` (body: source),
``stage_payload`` (body: wire-encoded arguments; decoded once here and kept in a byte-bounded
LRU, the child inherits the decoded objects through fork), ``run``, ``ping`` and ``reset``.
Each worker greets with ``hello`` when it starts.

The supervisor is two processes. The **root** (the process started in the sandbox) loads
the harness, imports :data:`PRELOAD` and then only waits; it never reads a request, stages
anything or runs a program. It forks a **worker** that greets with ``hello``, serves the
control channel and forks every child. ``reset`` ends the worker, and the root forks a fresh
one from its own untouched memory: nothing that any earlier program or payload put in memory
survives, which is what a new container (or an ``execve``) would give, for the cost of a fork
(benchmarks/bench_sandbox.py: a recycle and first run take ~10 ms; re-executing the
interpreter took ~90 ms, a new container ~350 ms). It is refused unless the last run left
nothing behind: no process of the sample UID, no child of ours, and the container's
filesystem and IPC are not writable by a sample, so the worker's memory is the only state
one program could leave for the next.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import gc
import itertools
import json
import marshal
import math
import mmap
import operator
import os
import resource
import select
import signal
import struct
import sys
import time
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

__all__ = [
    "FRAME_HEADER",
    "MAX_HEADER_BYTES",
    "PRELOAD",
    "PROTOCOL_VERSION",
    "FrameError",
    "main",
    "pack_frame",
]

PROTOCOL_VERSION = 3
FRAME_HEADER = struct.Struct(">II")
MAX_HEADER_BYTES = 1 << 20
"""JSON headers are small; anything larger is a protocol error."""
MAX_BODY_BYTES = 512 << 20
"""Largest body accepted in a request (a staged payload or source)."""

_SETUP_FAILED = 121  # exit status of a child whose setup failed before READY
_RESET_EXIT = 120  # exit status of a worker ended by ``reset``: its parent forks a new one
_CHANNEL_FAILED = 3  # exit status of a root that could not connect to the host's socket
_READY_TIMEOUT_S = 10.0
_RESULT_TAG_LEN = 9  # one tag byte + eight length bytes
_ERROR_NAME_BYTES = 300  # of an E/W frame's body, enough for the (cut) exception name
_MAP_NORESERVE = 0x4000  # Linux, every architecture we support: reserve no swap for the buffer
_MADV_POPULATE_WRITE = 23  # Linux >= 5.14: fault pages in writable (breaking copy-on-write)
_PREFAULT_MAX_OBJECTS = 1 << 22  # a payload with more objects is not pre-faulted past these
_FSIZE_BYTES = 1 << 20
_NOFILE = 64
_MEMLOCK_BYTES = 64 << 10
# A cgroup CPU excess over the child's own CPU above this many ns (plus a share of the child's
# CPU and of the bytes read) means work happened outside the measured process.
# Standard-library modules that solutions commonly import, imported once here so that every
# child inherits them: ``import heapq`` then costs a program a dictionary lookup instead of
# loading the module (measured per run: heapq 1.0 ms, string 1.7, copy 2.2, decimal 2.9,
# fractions 3.5, hashlib 4.6, statistics 4.9 ms), which is not the program's work and would
# penalise a sample for an import a reference happens not to need. Any other import is charged.
PRELOAD = (
    "array", "bisect", "cmath", "collections", "copy", "datetime", "decimal", "fractions",
    "functools", "hashlib", "heapq", "itertools", "math", "operator", "random", "re", "string",
    "statistics", "typing",
)
_SUSPICIOUS_EXTRA_NS = 5_000_000
_SUSPICIOUS_SHARE = 0.03
_SUSPICIOUS_NS_PER_BYTE = 2


class FrameError(Exception):
    """A frame on the control channel is malformed or too large."""


def pack_frame(header: dict[str, Any], body: bytes = b"") -> bytes:
    """Serialise one control frame."""
    return _frame_head(header, len(body)) + body


def _frame_head(header: dict[str, Any], body_size: int) -> bytes:
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    if len(head) > MAX_HEADER_BYTES:
        raise FrameError("frame header too large")
    return FRAME_HEADER.pack(len(head), body_size) + head


def _load_sibling(name: str) -> types.ModuleType:
    """Load ``name.py`` from this file's folder without touching ``sys.path``.

    Done by hand rather than with ``importlib.util`` (and no ``dataclasses`` below): every
    module the supervisor imports enlarges the heap each fork copies and each child tears down.
    The bytecode beside it (``name.pyc``, compiled when the image is built) is preferred for the
    same reason: compiling leaves the compiler's freed memory resident.
    """
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, name + ".py")
    code = _bytecode(path + "c")
    try:
        if code is None:
            with open(path, "rb") as f:
                code = compile(f.read(), path, "exec", dont_inherit=True)
    except OSError as exc:
        raise ImportError(f"cannot load {name}.py next to the supervisor: {exc}") from exc
    module = types.ModuleType(f"_codeeff_{name}")
    module.__file__ = path
    # Registered while it runs so that dataclass-style lookups of its own module work.
    sys.modules[module.__name__] = module
    try:
        exec(code, module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module


def _bytecode(path: str) -> types.CodeType | None:
    """The code object in the ``.pyc`` file ``path``, if it is there and for this interpreter."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    # The importer's own magic number (always loaded, frozen): a .pyc of another version is
    # ignored and the source compiled instead.
    magic = sys.modules["_frozen_importlib_external"].MAGIC_NUMBER
    if data[:4] != magic or len(data) < 16:
        return None
    code = marshal.loads(memoryview(data)[16:])
    return code if isinstance(code, types.CodeType) else None


# --------------------------------------------------------------------------------------------
# Reading clocks and counters


def _cpu_clock_id(pid: int) -> int:
    # MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED): the whole thread group, in ns.
    return ((~pid) << 3) | 2


def _process_cpu_ns(pid: int) -> int:
    return time.clock_gettime_ns(_cpu_clock_id(pid))


def _open_counter(path: str | None) -> int | None:
    if path is None:
        return None
    try:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None


def _pread(fd: int | None, size: int = 4096) -> bytes | None:
    # Kernel counter files regenerate their text on a read at offset 0: one syscall, no open.
    if fd is None:
        return None
    try:
        return os.pread(fd, size, 0)
    except OSError:
        return None


class _Cgroup:
    """The container cgroup's counters, opened once at start and re-read with ``pread``."""

    __slots__ = (
        "_cpu_fd",
        "_oom_fd",
        "_pids_fd",
        "cpu_path",
        "oom_path",
        "pids_path",
        "version",
    )

    def __init__(self, version: str | None, cpu_path: str | None, oom_path: str | None,
                 pids_path: str | None = None) -> None:
        self.version = version  # "v1", "v2" or None
        self.cpu_path = cpu_path
        self.oom_path = oom_path
        self.pids_path = pids_path
        self._cpu_fd = _open_counter(cpu_path)
        self._oom_fd = _open_counter(oom_path)
        self._pids_fd = _open_counter(pids_path)

    def cpu_ns(self) -> int | None:
        text = _pread(self._cpu_fd)
        if text is None:
            return None
        if self.version == "v1":
            return int(text)
        for line in text.splitlines():
            if line.startswith(b"usage_usec "):
                return int(line.split()[1]) * 1000
        return None

    def oom_kills(self) -> int | None:
        text = _pread(self._oom_fd)
        if text is None:
            return None
        for line in text.splitlines():
            if line.startswith(b"oom_kill "):
                return int(line.split()[1])
        return None

    def tasks(self) -> int | None:
        """Tasks (processes and threads) in the cgroup now, if the pids controller is there."""
        text = _pread(self._pids_fd, 64)
        try:
            return int(text) if text is not None else None
        except ValueError:
            return None

    def tasks_limit(self) -> int | None:
        """The cgroup's finite task limit (``pids.max`` next to ``pids.current``), if any."""
        if self.pids_path is None:
            return None
        path = os.path.join(os.path.dirname(self.pids_path), "pids.max")
        try:
            with open(path, "rb") as f:
                return int(f.read())
        except (OSError, ValueError):  # "max" (no limit) or no controller
            return None


def probe_cgroup() -> _Cgroup:
    """Find the CPU, OOM and task counters of the cgroup we run in (v2 first, then v1)."""
    root = "/sys/fs/cgroup"

    def existing(path: str) -> str | None:
        return path if os.path.isfile(path) else None

    if os.path.isfile(f"{root}/cpu.stat") and os.path.isfile(f"{root}/cgroup.controllers"):
        return _Cgroup("v2", f"{root}/cpu.stat", existing(f"{root}/memory.events"),
                       existing(f"{root}/pids.current"))
    for cpu_dir in ("cpuacct", "cpu,cpuacct", "cpuacct,cpu"):
        path = f"{root}/{cpu_dir}/cpuacct.usage"
        if os.path.isfile(path):
            return _Cgroup("v1", path, existing(f"{root}/memory/memory.oom_control"),
                           existing(f"{root}/pids/pids.current"))
    return _Cgroup(None, None, None)


# --------------------------------------------------------------------------------------------
# Staged programs and payloads


class _LRU:
    """A byte-bounded LRU of staged items (the sizes are the encoded sizes)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.items: collections.OrderedDict[str, tuple[Any, int]] = collections.OrderedDict()

    def get(self, key: str) -> Any:
        item = self.items.get(key)
        if item is None:
            return None
        self.items.move_to_end(key)
        return item[0]

    def put(self, key: str, value: Any, size: int) -> None:
        old = self.items.pop(key, None)
        if old is not None:
            self.used -= old[1]
        while self.items and self.used + size > self.budget:
            _, (_, freed) = self.items.popitem(last=False)
            self.used -= freed
        self.items[key] = (value, size)
        self.used += size


class _Payload:
    """Staged arguments, with the pages a child pre-faults before GO (see ``_pages_of``; empty
    when the objects are immortal, see :class:`_Immortal`)."""

    __slots__ = ("args", "pages")

    def __init__(self, args: tuple[Any, ...], pages: tuple[tuple[int, int], ...]) -> None:
        self.args = args
        self.pages = pages


_SEQUENCES = (list, tuple, set, frozenset)
_ATOMS = frozenset({str, int, float, bool, complex, bytes, type(None)})


def _containers(args: tuple[Any, ...]) -> Iterator[Sequence[Any]]:
    """The items of every container in ``args`` (``args``'s own first), each container once.

    Stops after :data:`_PREFAULT_MAX_OBJECTS` items. Item ids and types are gathered by the
    callers with map() (C loops): staging a large payload would otherwise cost a Python step
    per object, in every recycled sandbox.
    """
    seen: set[int] = set()
    stack: list[Any] = [args]
    count = 0
    while stack and count < _PREFAULT_MAX_OBJECTS:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        t = type(obj)
        if t is dict:
            items: Any = (*obj.keys(), *obj.values())
        elif t in _SEQUENCES:
            items = obj
        else:
            continue
        count += len(items)
        yield items
        if not set(map(type, items)) <= _ATOMS:
            stack.extend(v for v in items if type(v) not in _ATOMS)


def _pages_of(args: tuple[Any, ...], page_size: int) -> tuple[tuple[int, int], ...]:
    """The (address, length) ranges of the pages holding every object of ``args``.

    A child that reads its arguments writes to each object's reference count, and each first
    write to a page it shares with the supervisor is a copy-on-write fault (measured: ~3 µs
    each here, 3.4 ms for iterating a list of 100,000 ints against 0.6 ms on a private copy).
    That cost belongs to the harness, not to the program, and would compress every ratio
    towards 1. The child pre-faults these pages before GO (``MADV_POPULATE_WRITE``), so the
    program is charged what it would pay on data of its own. Only object headers matter (the
    reference count lives there); containers' item arrays are only written by a program that
    mutates its input, which is its own work.
    """
    shift = page_size.bit_length() - 1
    pages: set[int] = {id(args) >> shift}
    for items in _containers(args):
        pages.update(map(operator.rshift, map(id, items), itertools.repeat(shift)))
    ranges: list[list[int]] = []
    for page in sorted(pages):
        if ranges and ranges[-1][1] == page:
            ranges[-1][1] = page + 1
        else:
            ranges.append([page, page + 1])
    return tuple((lo * page_size, (hi - lo) * page_size) for lo, hi in ranges)


_IMMORTAL_REFCNT = 0xFFFFFFFF
_ADDRESS_SPAN = 1 << 48  # user-space addresses on x86-64 (4-level paging) and arm64 (48-bit)


class _Immortal:
    """Marks objects immortal (PEP 683, 64-bit CPython 3.12 and 3.13) in this process.

    An immortal object's reference count is never written: ``Py_INCREF`` and ``Py_DECREF``
    test it and leave it alone. Every forked child shares its parent's pages until it writes
    to one, and reading an object writes its count, so a child that only *reads* the
    supervisor's objects (the interpreter's own, the harness's, a staged payload) copies a
    page and takes a fault for each one it touches, in its set-up and (for the payload) in the
    measured call unless pre-faulted. Immortal objects cost it neither, and a staged payload
    needs no pre-faulting at all: ~120 fewer page faults per execution (worker and child, from
    ~500), and machine CPU per execution -14 % for a no-op, -32 % for summing 100,000 staged
    ints (``benchmarks/bench_sandbox.py``, alternating blocks).

    The price is that such an object is never freed: the root's heap is immortalized once
    (it lives as long as the sandbox anyway) and payloads up to the cache budget per worker;
    a worker ends with its sandbox's next recycle. The count is written at the object's
    address, so this is only done where the layout is known and a self-test passes: the
    default build (no ``t``, no ``d`` ABI flag), little-endian, 64-bit, 3.12 or 3.13 (3.14
    changed the encoding).
    """

    __slots__ = ("_pack", "_probe", "_view")

    def __init__(self) -> None:
        # One byte view of the whole address space: struct.pack_into writes 4 bytes at an
        # object's id() without a Python step per object (~0.1 µs each, measured).
        self._view = memoryview((ctypes.c_char * _ADDRESS_SPAN).from_address(0))
        self._pack = struct.Struct("<I").pack_into
        # pack_into zeroes its target before it converts the value, so packing into the
        # value's own count would free it mid-call: that one int is marked through ctypes
        # (which converts first, then writes), and the walks skip it as already immortal.
        ctypes.c_uint32.from_address(id(_IMMORTAL_REFCNT)).value = _IMMORTAL_REFCNT
        self._probe = [None]  # kept: an object marked immortal is never freed
        self._pack(self._view, id(self._probe), _IMMORTAL_REFCNT)

    @classmethod
    def create(cls) -> _Immortal | None:
        """An instance if this interpreter supports marking objects immortal, else None."""
        if not ((3, 12) <= sys.version_info[:2] <= (3, 13) and sys.byteorder == "little"
                and struct.calcsize("P") == 8 and not set(sys.abiflags) & {"t", "d"}):
            return None
        try:
            imm = cls()
        except (OSError, ValueError, TypeError):
            return None
        alias = imm._probe  # a new reference must leave the count alone, and so its end
        ok = sys.getrefcount(alias) == _IMMORTAL_REFCNT
        del alias
        return imm if ok and sys.getrefcount(imm._probe) == _IMMORTAL_REFCNT else None

    def mark(self, objects: Iterable[Any]) -> None:
        """Mark every object of ``objects`` immortal.

        Objects that already are (None, small ints, one-character strings: static objects of
        the interpreter, in its writable data) are written the same value again.

        Raises:
            struct.error: if an object lies outside the address span (not on Linux x86-64
                and arm64 user space).
        """
        collections.deque(map(self._pack, itertools.repeat(self._view), map(id, objects),
                              itertools.repeat(_IMMORTAL_REFCNT)), maxlen=0)

    def payload(self, args: tuple[Any, ...]) -> bool:
        """Mark ``args`` and every object in it; False if it holds too many to walk them all
        (the rest stay mortal: the caller pre-faults their pages instead)."""
        objects: list[Any] = [args]
        for items in _containers(args):
            objects.extend(items)
        self.mark(objects)
        return len(objects) < _PREFAULT_MAX_OBJECTS

    def heap(self) -> int:
        """Mark every object the collector tracks and what they reference; return how many.

        The walk does not look past objects that are immortal already: the interpreter's
        static ones reference nothing mortal that the collector does not list itself (measured:
        the same 20,019 objects marked in the root either way), and in a worker, after the
        root has marked the heap it inherits, only the worker's own objects are new. Being
        immortal is also how the walk knows what it has visited: a set of visited ids made an
        int per object that stayed in the supervisor's heap (~1 MB in the root), which every
        child would have copied at fork and torn down at exit.
        """
        stack: list[Any] = gc.get_objects()
        stack.extend(sys.modules.values())
        marked = 0
        while stack:
            obj = stack.pop()
            # The list is made after the snapshot, so nothing in it refers to the list.
            if obj is stack or sys.getrefcount(obj) >= _IMMORTAL_REFCNT:
                continue
            self._pack(self._view, id(obj), _IMMORTAL_REFCNT)
            marked += 1
            stack.extend(gc.get_referents(obj))
        return marked


class _Program:
    __slots__ = ("entry_point", "source")

    def __init__(self, source: str, entry_point: str) -> None:
        self.source = source
        self.entry_point = entry_point


class _Limits:
    __slots__ = ("cpu_ns", "memory_bytes", "result_bytes", "wall_ns")

    def __init__(self, cpu_ns: int, wall_ns: int, memory_bytes: int, result_bytes: int) -> None:
        self.cpu_ns = cpu_ns
        self.wall_ns = wall_ns
        self.memory_bytes = memory_bytes
        self.result_bytes = result_bytes

    def key(self) -> tuple[int, int, int, int]:
        return (self.cpu_ns, self.wall_ns, self.memory_bytes, self.result_bytes)

    @classmethod
    def from_header(cls, h: dict[str, Any]) -> _Limits:
        cpu = float(h["cpu_s"])
        wall = float(h["wall_s"])
        mem = int(h["memory_mb"])
        res = int(h["result_bytes"])
        if not (0 < cpu <= 86400 and 0 < wall <= 86400 and 0 < mem <= 1 << 20 and res > 0):
            raise ValueError("limits out of range")
        return cls(int(cpu * 1e9), int(wall * 1e9), mem << 20, res)


# --------------------------------------------------------------------------------------------
# The child

_RLIMIT_INF = resource.RLIM_INFINITY
_LIMITED = (
    resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_FSIZE, resource.RLIMIT_NOFILE,
    resource.RLIMIT_CORE, resource.RLIMIT_MEMLOCK, resource.RLIMIT_MSGQUEUE,
    resource.RLIMIT_STACK, resource.RLIMIT_NPROC,
)
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
# Runs in every child before READY (harness code only, never the sample's): it takes the same
# paths the charged part takes (compile, module body, call, encode, frame), so their first-touch
# copy-on-write faults land here, uncharged, instead of in every measurement.
_WARM_SOURCE = "def _warm(*args, **kwargs):\n    return None\n"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _close_all_but(keep: set[int]) -> None:
    lo = 3
    for fd in sorted(keep):
        if fd > lo:
            os.closerange(lo, fd)
        lo = fd + 1
    os.closerange(lo, 1 << 20)


class _ChildPlan:
    """The child's limits, worked out by the supervisor before fork (the child applies them)."""

    __slots__ = ("nproc", "rlimits")

    def __init__(self, rlimits: list[tuple[int, tuple[int, int]]],
                 nproc: tuple[int, int] | None) -> None:
        self.rlimits = rlimits
        self.nproc = nproc


def _plan_child(cfg: _Config, limits: _Limits) -> _ChildPlan:
    # RLIMIT_AS counts the address space inherited from the supervisor (interpreter, staged
    # payloads), so the limit is what the child may add on top of it. The child's address
    # space at fork is exactly ours now.
    statm = _pread(cfg.statm_fd, 256)
    if not statm:
        raise OSError("cannot read /proc/self/statm")
    inherited = int(statm.split()[0]) * cfg.page_size
    wanted = (
        (resource.RLIMIT_AS, inherited + limits.memory_bytes),
        # RLIMIT_CPU is a backstop only; the supervisor polls the CPU clock.
        (resource.RLIMIT_CPU, math.ceil(limits.cpu_ns / 1e9) + 1),
        (resource.RLIMIT_FSIZE, _FSIZE_BYTES),
        (resource.RLIMIT_NOFILE, _NOFILE),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_MEMLOCK, _MEMLOCK_BYTES),
        (resource.RLIMIT_MSGQUEUE, 0),
        # Deep recursion through C code needs stack; the address-space limit bounds it anyway.
        (resource.RLIMIT_STACK, min(limits.memory_bytes, 1 << 30)),
    )
    rlimits = []
    for res, value in wanted:
        value = cfg.clip(res, value)
        rlimits.append((res, (value, value)))
    if cfg.nproc is None:
        return _ChildPlan(rlimits, None)
    nproc = cfg.clip(resource.RLIMIT_NPROC, cfg.nproc)
    return _ChildPlan(rlimits, (nproc, nproc))


def _child_setup(cfg: _Config, plan: _ChildPlan, payload: _Payload, programs: _LRU,
                 ready_w: int, go_r: int, res_w: int) -> None:
    """Everything before READY. Not charged; any failure exits with ``_SETUP_FAILED``.

    Kept to plain syscalls on values the supervisor prepared: every Python object touched here
    costs copy-on-write faults on the round trip of every execution.
    """
    # Every other staged program (the child's own is held by its caller's frame): no Python
    # object of this process may lead the sample to another program's source. Sources are
    # small, so this costs little; the payloads stay (they are inputs, not answers, and large).
    programs.items.clear()
    os.setsid()
    for fd in (0, 1, 2):
        os.dup2(cfg.null_fd, fd)
    _close_all_but({ready_w, go_r, res_w})
    # The OOM killer must pick the sample, never the supervisor.
    try:
        fd = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
        try:
            os.write(fd, b"1000")
        finally:
            os.close(fd)
    except OSError:
        pass
    setrlimit = resource.setrlimit
    for res, value in plan.rlimits:
        setrlimit(res, value)
    if cfg.sample_uid is not None:
        os.setgroups([])
        os.setresgid(cfg.sample_gid, cfg.sample_gid, cfg.sample_gid)
        os.setresuid(cfg.sample_uid, cfg.sample_uid, cfg.sample_uid)
        if os.getuid() != cfg.sample_uid or os.geteuid() != cfg.sample_uid:
            raise OSError("uid drop failed")
    if plan.nproc is not None:
        # NPROC counts the tasks of the real UID on the whole host; it bounds thread bombs
        # only where no pids cgroup bounds this sandbox (see ``_nproc_rule``).
        setrlimit(resource.RLIMIT_NPROC, plan.nproc)
    # Set after the UID change (which clears it): die with the supervisor.
    cfg.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != cfg.supervisor_pid:
        raise OSError("supervisor gone")
    if cfg.filter is not None:
        cfg.filter.install(os.getpid())
    module = types.ModuleType("__sample__")
    exec(compile(_WARM_SOURCE, "<sample>", "exec"), module.__dict__)
    module.__dict__["_warm"](*payload.args)
    if cfg.populate is not None:
        populate = cfg.populate
        for addr, length in payload.pages:
            populate(addr, length, _MADV_POPULATE_WRITE)  # best effort: a failure only costs
    warm = b"R" + cfg.wire.encode(None)
    warm = warm[:1] + struct.pack(">Q", len(warm) - 1) + warm[1:]
    del module, warm
    # Every run starts from the same collector state (empty young generations, zero count),
    # whatever the supervisor did before the fork and whatever the lines above allocated.
    gc.freeze()
    _write_all(ready_w, b"R")
    if os.read(go_r, 1) != b"G":
        raise OSError("no GO")
    os.close(ready_w)


def _exc_name(exc: BaseException) -> bytes:
    name = type(exc).__name__
    if not isinstance(name, str):
        name = "Exception"
    return name.encode("utf-8", "replace")[:200]


def _child_main(
    cfg: _Config, prog: _Program, payload: _Payload, programs: _LRU, plan: _ChildPlan,
    limits: _Limits, ready_w: int, go_r: int, res_w: int,
) -> None:
    """The forked child. Never returns."""
    try:
        _child_setup(cfg, plan, payload, programs, ready_w, go_r, res_w)
    except BaseException:
        os._exit(_SETUP_FAILED)
    # ---- charged from here: compile, module body, the call, encoding the result ----
    try:
        module = types.ModuleType("__sample__")
        sys.modules["__sample__"] = module
        exec(compile(prog.source, "<sample>", "exec"), module.__dict__)
        fn = module.__dict__.get(prog.entry_point)
        if fn is None:
            raise NameError(prog.entry_point)
        value = fn(*payload.args)
    except BaseException as exc:  # the sample's failure: report its type only
        try:
            frame = b"E" + _exc_name(exc)
        except BaseException:
            frame = b"EException"
    else:
        try:
            data = cfg.wire.encode(value)
            frame = b"R" + data if len(data) <= limits.result_bytes else b"O"
        except MemoryError:
            frame = b"EMemoryError"
        except BaseException as exc:
            try:
                frame = b"W" + _exc_name(exc)
            except BaseException:
                frame = b"WException"
    try:
        _write_all(res_w, frame[:1] + struct.pack(">Q", len(frame) - 1) + frame[1:])
    except BaseException:
        os._exit(_SETUP_FAILED + 1)
    # ---- charged until the frame is complete: the supervisor reads the clocks then ----
    # Hold still until it has (it writes to GO again), so the kernel's teardown of this process
    # never overlaps the readings.
    with contextlib.suppress(BaseException):
        os.read(go_r, 1)
    os._exit(0)


# --------------------------------------------------------------------------------------------
# Running one execution (supervisor side)


class _Config:
    """What the supervisor prepares once and every fork reuses."""

    def __init__(self, *, sample_uid: int | None, sample_gid: int, sweep: str, cgroup: _Cgroup,
                 wire: types.ModuleType, childfilter: types.ModuleType | None,
                 libc: ctypes.CDLL, supervisor_pid: int, nproc: int | None,
                 immortal: _Immortal | None = None, immortal_bytes: int = 0) -> None:
        self.sample_uid = sample_uid
        self.sample_gid = sample_gid
        self.sweep = sweep  # "uid" (kill -1 as the sample UID, then /proc check), "session", "none"
        self.cgroup = cgroup
        self.wire = wire
        self.childfilter = childfilter
        self.supervisor_pid = supervisor_pid
        self.nproc = nproc  # RLIMIT_NPROC of each child; None: the pids cgroup bounds tasks
        self.prctl = libc.prctl  # resolved once: a child must not pay for dlsym
        self.populate = _populate_function(libc)
        self.immortal = immortal
        self.immortal_left = immortal_bytes  # payload bytes this worker may still immortalize
        self.filter = childfilter.prepare(libc) if childfilter is not None else None
        self.null_fd = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        self.statm_fd = _open_counter("/proc/self/statm")
        self.page_size = os.sysconf("SC_PAGE_SIZE")
        self.hard = {res: resource.getrlimit(res)[1] for res in _LIMITED}
        # As a subreaper, every process the child leaves behind is re-parented to us, so "none
        # left" is one read of our own children list instead of a /proc scan.
        self.children_fd: int | None = None
        if self.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0:
            self.children_fd = _open_counter(f"/proc/self/task/{supervisor_pid}/children")
        self.tasks_baseline = cgroup.tasks() if sweep == "uid" else None

    def clip(self, res: int, value: int) -> int:
        """``value``, lowered to our hard limit (a child cannot raise it)."""
        hard = self.hard[res]
        return value if hard == _RLIMIT_INF else min(value, hard)


def _populate_function(libc: ctypes.CDLL) -> Any:
    """``madvise`` if it supports ``MADV_POPULATE_WRITE`` here (Linux >= 5.14), else None."""
    try:
        fn = libc.madvise
    except AttributeError:
        return None
    fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    fn.restype = ctypes.c_int
    probe = mmap.mmap(-1, mmap.PAGESIZE, flags=mmap.MAP_PRIVATE)
    cell = ctypes.c_char.from_buffer(probe)
    ok = fn(ctypes.addressof(cell), mmap.PAGESIZE, _MADV_POPULATE_WRITE) == 0
    del cell
    probe.close()
    return fn if ok else None


_SIGNAL_NAMES = {int(s): s.name for s in signal.Signals}


def _signal_name(sig: int) -> str:
    return _SIGNAL_NAMES.get(sig, f"signal {sig}")


def _kill_child(pid: int) -> None:
    for fn, target in ((os.killpg, pid), (os.kill, pid)):
        with contextlib.suppress(OSError):
            fn(target, signal.SIGKILL)


def _proc_read(pid: int, name: str) -> bytes | None:
    try:
        with open(f"/proc/{pid}/{name}", "rb") as f:
            return f.read()
    except OSError:
        return None


def _our_children(cfg: _Config) -> list[int] | None:
    """Our live (or unreaped) children; None if the kernel does not list them."""
    text = _pread(cfg.children_fd, 1 << 16)
    if text is None:
        return None
    return [int(x) for x in text.split()]


def _looks_clean(cfg: _Config) -> bool:
    """The cheap check after each run: True only if a counter proves nothing was left behind.

    As a subreaper we inherit every orphan, so an empty children list means the child left no
    descendant; in a container, the cgroup's task count back at its baseline says the same
    for the whole container. Any doubt (a check unavailable or failing) means a full scan.
    """
    children = _our_children(cfg)
    if children is None or children:
        return False
    return not (cfg.tasks_baseline is not None and cfg.cgroup.tasks() != cfg.tasks_baseline)


def _leftovers(cfg: _Config, child_pid: int) -> list[int]:
    """Processes the child left behind (after it has been reaped).

    Cheap when :func:`_looks_clean` proves there are none; otherwise a full scan:
    ``uid`` mode (container): any process of the sample UID in our PID namespace.
    ``session`` mode (host): any process in the child's session (it called ``setsid``).
    Both modes add our own children (orphans re-parented to us as the subreaper).
    """
    if cfg.sweep == "none":
        return []
    if _looks_clean(cfg):
        return []
    found = _scan(cfg, child_pid)
    if not found and cfg.tasks_baseline is not None:
        # Nothing of ours in the container: the task count moved for another reason (e.g. a
        # `docker exec`); learn the new baseline rather than scanning on every run.
        tasks = cfg.cgroup.tasks()
        if tasks is not None:
            cfg.tasks_baseline = tasks
    return found


def _scan(cfg: _Config, child_pid: int) -> list[int]:
    """The full /proc scan behind :func:`_leftovers`."""
    found = set(_our_children(cfg) or ())
    me = os.getpid()
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        pid = int(name)
        if cfg.sweep == "uid":
            status = _proc_read(pid, "status")
            if status is None:
                continue
            for line in status.splitlines():
                if line.startswith(b"Uid:"):
                    if int(line.split()[1]) == cfg.sample_uid:
                        found.add(pid)
                    break
        else:
            stat = _proc_read(pid, "stat")
            if stat is None:
                continue
            fields = stat[stat.rfind(b")") + 2:].split()
            if len(fields) > 3 and int(fields[3]) == child_pid:
                found.add(pid)
    found.discard(me)
    return sorted(found)


def _sweep(cfg: _Config, child_pid: int, pids: list[int]) -> bool:
    """Kill leftovers; return True if none is alive afterwards."""
    if cfg.sweep == "uid" and cfg.sample_uid is not None:
        # kill(-1) from a helper running as the sample UID reaches every process of that UID
        # in this PID namespace (and nothing else: init and the supervisor are other UIDs).
        helper = os.fork()
        if helper == 0:
            try:
                os.setgroups([])
                os.setresgid(cfg.sample_gid, cfg.sample_gid, cfg.sample_gid)
                os.setresuid(cfg.sample_uid, cfg.sample_uid, cfg.sample_uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(helper, 0)
    deadline = time.monotonic() + 1.0
    while True:
        # Kill what each scan finds, not only the first list: a process whose parent was
        # still alive at the first scan is re-parented to us (and found) only later.
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _reap_zombies()  # orphans re-parented to us die as our zombies
        pids = _scan(cfg, child_pid)
        if not pids:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def _reap_zombies() -> None:
    # Leftovers that became our children (orphans re-parented to us as the subreaper).
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def run_once(cfg: _Config, prog: _Program, payload: _Payload, limits: _Limits,
             programs: _LRU) -> tuple[dict[str, Any], _ResultBuffer | None]:
    """Fork a child, run the program once, and classify what happened.

    Returns:
        The report, and for an OK run the buffer holding the result frame (the caller sends
        its body and must close it).
    """
    plan = _plan_child(cfg, limits)
    # Mapped before the fork, so that a failure leaves no child behind, and after the plan:
    # the child does not inherit it (MADV_DONTFORK), so its size is not the child's to use.
    buf = _ResultBuffer(limits.result_bytes + _RESULT_TAG_LEN)
    fds: list[int] = []
    try:
        ready_r, ready_w = os.pipe()
        fds += (ready_r, ready_w)
        go_r, go_w = os.pipe()
        fds += (go_r, go_w)
        res_r, res_w = os.pipe()
        fds += (res_r, res_w)
        # The staged objects are never going to be collected: freeze them so the child's
        # garbage collector does not walk them (that would charge the child for other payloads).
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            os.close(go_w)
            os.close(res_r)
            _child_main(cfg, prog, payload, programs, plan, limits, ready_w, go_r, res_w)
        for fd in (ready_w, go_r, res_w):
            fds.remove(fd)
            os.close(fd)
        report = _supervise(cfg, pid, limits, ready_r, go_w, res_r, buf)
    except BaseException:
        buf.close()
        raise
    finally:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)
    if report["verdict"] != "ok":
        buf.close()
        return report, None
    return report, buf


def _wait_ready(pid: int, ready_r: int) -> bool:
    poller = select.poll()
    poller.register(ready_r, select.POLLIN)
    if not poller.poll(_READY_TIMEOUT_S * 1000):
        return False
    try:
        return os.read(ready_r, 1) == b"R"
    except OSError:
        return False


class _FrameInfo:
    """What the supervisor learns of a result frame without reading a result's body."""

    __slots__ = ("got", "length", "name", "tag")

    def __init__(self, got: int, tag: bytes, length: int, name: bytes) -> None:
        self.got = got  # bytes received (header included)
        self.tag = tag  # b"" if fewer than _RESULT_TAG_LEN bytes came
        self.length = length  # the body length the frame declares
        self.name = name  # the start of an E/W frame's body (an exception name); else b""


class _ResultBuffer:
    """The child's result frame, read straight into a private anonymous mapping.

    The mapping is marked ``MADV_DONTFORK``, so no child (not even the sweep helper) ever
    inherits it, and it is unmapped once the body has been sent: the bytes
    of a result are never in a Python object nor anywhere a later child's copy of this address
    space could hold them. One byte more than the cap is mapped to detect overflow.
    """

    __slots__ = ("cap", "got", "map")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.got = 0
        self.map = mmap.mmap(-1, cap + 1, flags=mmap.MAP_PRIVATE | _MAP_NORESERVE)
        try:
            self.map.madvise(mmap.MADV_DONTFORK)
        except (AttributeError, OSError):
            self.map.close()
            raise

    @property
    def over(self) -> bool:
        """More bytes arrived than the cap allows."""
        return self.got > self.cap

    def fill(self, fd: int) -> int:
        """Read what ``fd`` has (up to the cap + 1) into the buffer; 0 means end of file.

        Raises:
            BlockingIOError: if ``fd`` is non-blocking and empty.
        """
        with memoryview(self.map) as view:
            n = os.readv(fd, [view[self.got:]])
        self.got += n
        return n

    def frame_end(self) -> int | None:
        """The size of the complete frame, once its header has arrived."""
        if self.got < _RESULT_TAG_LEN:
            return None
        return _RESULT_TAG_LEN + struct.unpack_from(">Q", self.map, 1)[0]

    def info(self) -> _FrameInfo:
        """Tag, declared length and (for error frames only) the start of the body."""
        if self.got < _RESULT_TAG_LEN:
            return _FrameInfo(self.got, b"", 0, b"")
        tag = self.map[:1]
        (length,) = struct.unpack_from(">Q", self.map, 1)
        name = b""
        if tag in (b"E", b"W"):
            name = self.map[_RESULT_TAG_LEN:min(self.got, _RESULT_TAG_LEN + _ERROR_NAME_BYTES)]
        return _FrameInfo(self.got, tag, length, name)

    def send_body(self, fd: int) -> None:
        """Write the frame's body (everything after its header) to ``fd``."""
        with memoryview(self.map) as view:
            _write_all(fd, view[_RESULT_TAG_LEN:self.got])

    @property
    def body_size(self) -> int:
        return max(0, self.got - _RESULT_TAG_LEN)

    def close(self) -> None:
        """Unmap the buffer (idempotent).

        If a traceback still holds a view of it (a failed write), it stays mapped until that
        goes; ``MADV_DONTFORK`` keeps it out of every child meanwhile.
        """
        with contextlib.suppress(BufferError):
            self.map.close()


def _supervise(cfg: _Config, pid: int, limits: _Limits, ready_r: int, go_w: int, res_r: int,
               buf: _ResultBuffer) -> dict[str, Any]:
    """From READY to the reaped child: enforce the limits, read the clocks, classify."""
    if not _wait_ready(pid, ready_r):
        _kill_child(pid)
        _, status, _ = os.wait4(pid, 0)
        return _setup_failure(status)
    ncpu = max(1, len(os.sched_getaffinity(0)))
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    oom0 = cfg.cgroup.oom_kills()
    # The three readings, then GO: everything the child does after this is charged.
    cpu0 = _process_cpu_ns(pid)
    cg0 = cfg.cgroup.cpu_ns()
    t0 = time.monotonic_ns()
    os.write(go_w, b"G")

    frame_end: int | None = None  # bytes that make a complete result frame, once known
    end: tuple[int, int | None, int] | None = None  # (cpu, cgroup, monotonic) at frame end
    killed: str | None = None
    exited = False
    poller = select.poll()
    poller.register(res_r, select.POLLIN)
    if pidfd is not None:
        poller.register(pidfd, select.POLLIN)
    wall_deadline = t0 + limits.wall_ns
    # CPU time can grow at most ncpu times as fast as wall time, so the first check is due when
    # the limit could first have been reached; each later check is re-planned the same way.
    cpu_check = t0 + limits.cpu_ns // ncpu
    res_open = True
    while True:
        now = time.monotonic_ns()
        if now >= wall_deadline:
            killed = "wall"
            break
        if now >= cpu_check:
            # The live clock, even after the frame: a child that keeps running is still held
            # to its limits.
            used = _process_cpu_ns(pid) - cpu0
            if used >= limits.cpu_ns:
                killed = "cpu"
                break
            cpu_check = now + max(1_000_000, (limits.cpu_ns - used) // ncpu)
        if pidfd is None:
            # No pidfd (old kernel): poll the exit with a short period.
            step = min(wall_deadline, cpu_check, now + 2_000_000) - now
        else:
            step = min(wall_deadline, cpu_check) - now
        events = poller.poll(max(1, -(-step // 1_000_000)))
        for fd, _ev in events:
            if fd == res_r:
                if not buf.fill(res_r):
                    poller.unregister(res_r)
                    res_open = False
                    continue
                if buf.over:
                    killed = "output"
                elif end is None:
                    if frame_end is None:
                        frame_end = buf.frame_end()
                    if frame_end is not None and buf.got >= frame_end:
                        # The result is complete: the end readings, then let the child exit.
                        end = (_process_cpu_ns(pid), cfg.cgroup.cpu_ns(), time.monotonic_ns())
                        with contextlib.suppress(OSError):
                            os.write(go_w, b"X")
            elif fd == pidfd:
                exited = True
        if killed:
            break
        if pidfd is None and not exited:
            exited = _has_exited(pid)
        if exited:
            break
    if killed:
        _kill_child(pid)
    # Wait for the exit without reaping, so a zombie's CPU clock can still be read.
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    if end is None or killed in ("cpu", "wall"):
        # No complete frame before the exit (or a limit hit after it): charge up to the end.
        end = (_process_cpu_ns(pid), cfg.cgroup.cpu_ns(), time.monotonic_ns())
    cpu1, cg1, t_end = end
    # Drain what the child wrote before it died (the write end is closed now).
    if res_open and killed is None:
        os.set_blocking(res_r, False)
        while not buf.over:
            try:
                if not buf.fill(res_r):
                    break
            except BlockingIOError:
                break
        if buf.over:
            killed = "output"
    _, status, rusage = os.wait4(pid, 0)
    if pidfd is not None:
        os.close(pidfd)
    oom1 = cfg.cgroup.oom_kills()
    left = _leftovers(cfg, pid)
    swept_clean = _sweep(cfg, pid, left) if left else True
    _reap_zombies()

    cpu_ns = cpu1 - cpu0
    report: dict[str, Any] = {
        "op": "result",
        "cpu_ns": cpu_ns,
        "wall_ns": t_end - t0,
        "cgroup_ns": (cg1 - cg0) if cg0 is not None and cg1 is not None else None,
        "maxrss_kb": rusage.ru_maxrss,
        "leftovers": len(left),
        "swept_clean": swept_clean,
    }
    verdict, error, detail = _classify(
        status, killed, buf.info() if not killed else None, limits,
        oom_delta=(oom1 - oom0) if oom0 is not None and oom1 is not None else 0,
        cpu_ns=cpu_ns,
    )
    excess = (report["cgroup_ns"] - cpu_ns) if report["cgroup_ns"] is not None else 0
    allowed = (_SUSPICIOUS_EXTRA_NS + _SUSPICIOUS_SHARE * cpu_ns
               + _SUSPICIOUS_NS_PER_BYTE * buf.got)
    anomaly = verdict not in ("ok", "runtime_error")
    if left:
        anomaly = True
        detail = f"{len(left)} process(es) left behind" + ("" if swept_clean else ", sweep failed")
        if verdict == "ok":
            verdict, error = "suspicious", "leftovers"
    elif excess > allowed and verdict == "ok":
        verdict, error = "suspicious", "cpu_outside"
        detail = f"container used {excess / 1e6:.1f} ms of CPU outside the measured process"
        anomaly = True
    report.update(verdict=verdict, error=error, detail=detail, anomaly=anomaly)
    return report


def _has_exited(pid: int) -> bool:
    info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    return info is not None and info.si_pid == pid


def _setup_failure(status: int) -> dict[str, Any]:
    return {
        "op": "result", "verdict": "sandbox_error", "error": "setup",
        "detail": f"the child failed before READY (status {status})", "cpu_ns": 0, "wall_ns": 0,
        "cgroup_ns": None, "maxrss_kb": None, "leftovers": 0, "swept_clean": True,
        "anomaly": True,
    }


def _classify(status: int, killed: str | None, frame: _FrameInfo | None, limits: _Limits, *,
              oom_delta: int, cpu_ns: int) -> tuple[str, str | None, str]:
    """Map how the child ended (and what its result frame says) to (verdict, error, detail)."""
    if killed in ("cpu", "wall"):
        what = "CPU" if killed == "cpu" else "wall-clock"
        return "timeout", killed, f"killed at the {what} limit"
    if killed == "output":
        return "output_limit", "result", f"result larger than {limits.result_bytes} bytes"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGKILL and oom_delta > 0:
            return "out_of_memory", "oom_kill", "killed by the container's OOM killer"
        if sig in (signal.SIGXCPU, signal.SIGKILL) and cpu_ns >= limits.cpu_ns:
            return "timeout", "cpu", "killed at the CPU limit (RLIMIT_CPU)"
        return "crashed", _signal_name(sig), f"killed by {_signal_name(sig)}"
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    if code != 0 or frame is None or not frame.tag:
        return "runtime_error", "exit without result", f"exit status {code} without a result"
    tag = frame.tag
    if frame.length != frame.got - _RESULT_TAG_LEN:
        return "suspicious", "malformed result", "the result frame does not match its length"
    if tag == b"R":
        return "ok", None, ""
    if tag == b"O":
        return "output_limit", "result", f"result larger than {limits.result_bytes} bytes"
    if tag in (b"E", b"W"):
        name = "".join(c for c in frame.name.decode("utf-8", "replace")
                       if c.isalnum() or c in "_.")
        name = name[:100] or "Exception"
        if tag == b"W":
            return "runtime_error", "UnencodableResult", f"the result cannot be encoded ({name})"
        if name == "MemoryError":
            return "out_of_memory", "MemoryError", "MemoryError raised"
        return "runtime_error", name, f"raised {name}"
    return "suspicious", "malformed result", "unknown result tag"


# --------------------------------------------------------------------------------------------
# The control loop


class _Channel:
    """Buffered frame reader on ``rfd`` and frame writer on ``wfd`` (stdin and stdout, or one
    connected socket twice); no Python-level buffering."""

    def __init__(self, rfd: int, wfd: int) -> None:
        self.rfd = rfd
        self.wfd = wfd
        self.buf = bytearray()

    def _fill(self, n: int) -> bool:
        while len(self.buf) < n:
            data = os.read(self.rfd, max(1 << 16, n - len(self.buf)))
            if not data:
                return False
            self.buf += data
        return True

    def read(self) -> tuple[dict[str, Any], bytes] | None:
        if not self._fill(FRAME_HEADER.size):
            return None
        hlen, blen = FRAME_HEADER.unpack_from(self.buf)
        if hlen > MAX_HEADER_BYTES or blen > MAX_BODY_BYTES:
            raise FrameError("frame too large")
        total = FRAME_HEADER.size + hlen + blen
        if not self._fill(total):
            return None
        head = bytes(self.buf[FRAME_HEADER.size:FRAME_HEADER.size + hlen])
        body = bytes(self.buf[FRAME_HEADER.size + hlen:total])
        del self.buf[:total]
        header = json.loads(head)
        if not isinstance(header, dict):
            raise FrameError("header is not an object")
        return header, body

    def write(self, header: dict[str, Any], body: bytes = b"") -> None:
        _write_all(self.wfd, pack_frame(header, body))

    def write_head(self, header: dict[str, Any], body_size: int) -> None:
        """Write a frame's header only; the caller writes exactly ``body_size`` bytes next."""
        _write_all(self.wfd, _frame_head(header, body_size))


def _serve(cfg: _Config, chan: _Channel, programs: _LRU, payloads: _LRU) -> None:
    # Only the request being handled is ever referenced from this frame: the handler's locals
    # (sources, bodies, results) die with its frame, before the next request is read.
    while True:
        frame = chan.read()
        if frame is None:
            return
        _handle(cfg, chan, programs, payloads, frame)


def _handle(cfg: _Config, chan: _Channel, programs: _LRU, payloads: _LRU,
            frame: tuple[dict[str, Any], bytes]) -> None:
    """Answer one request."""
    header, body = frame
    op = header.get("op")
    rid = header.get("id")
    try:
        if op == "ping":
            # The CPUs too: the host may have moved the container since the greeting.
            chan.write({"op": "pong", "id": rid, "cpus": sorted(os.sched_getaffinity(0))})
        elif op == "stage_program":
            src = body.decode("utf-8", "surrogatepass")
            programs.put(str(header["digest"]), _Program(src, str(header["entry_point"])),
                         len(body))
            chan.write({"op": "staged", "id": rid})
        elif op == "stage_payload":
            args = cfg.wire.decode(body)
            if not isinstance(args, (list, tuple)):
                raise ValueError("payload is not a sequence of arguments")
            payloads.put(str(header["digest"]), _stage(cfg, tuple(args), len(body)), len(body))
            chan.write({"op": "staged", "id": rid})
        elif op == "run":
            _handle_run(cfg, chan, programs, payloads, header)
        elif op == "reset":
            _handle_reset(cfg, chan, rid)
        else:
            chan.write({"op": "error", "id": rid, "reason": "bad_request",
                        "detail": f"unknown op {op!r}"[:200]})
    except (KeyError, ValueError, TypeError, UnicodeError) as exc:
        chan.write({"op": "error", "id": rid, "reason": "bad_request",
                    "detail": f"{type(exc).__name__}: {exc}"[:500]})
    except OSError as exc:
        # e.g. fork failing at the pids limit: the host recycles the sandbox.
        chan.write({"op": "error", "id": rid, "reason": "os_error",
                    "detail": f"{type(exc).__name__}: {exc}"[:500]})


def _stage(cfg: _Config, args: tuple[Any, ...], size: int) -> _Payload:
    """A decoded payload made ready for the children: immortal, or with its pages listed.

    Immortal objects are never freed, so a worker immortalizes payloads only up to its cache
    budget (``size``: the encoded bytes); past that, and where the interpreter cannot, its
    children pre-fault the payload's pages instead.
    """
    if cfg.immortal is not None and size <= cfg.immortal_left:
        cfg.immortal_left -= size
        with contextlib.suppress(struct.error):  # an address past the span: pre-fault instead
            if cfg.immortal.payload(args):
                return _Payload(args, ())
    return _Payload(args, _pages_of(args, cfg.page_size))


def _handle_run(cfg: _Config, chan: _Channel, programs: _LRU, payloads: _LRU,
                header: dict[str, Any]) -> None:
    rid = header.get("id")
    prog = programs.get(str(header["program"]))
    payload = payloads.get(str(header["payload"]))
    if prog is None or payload is None:
        missing = "program" if prog is None else "payload"
        chan.write({"op": "error", "id": rid, "reason": f"unknown_{missing}"})
        return
    report, result = run_once(cfg, prog, payload, _Limits.from_header(header), programs)
    report["id"] = rid
    if result is None:
        chan.write(report)
        return
    try:
        # The body goes from the mapping to the channel; it never becomes a Python object.
        chan.write_head(report, result.body_size)
        result.send_body(chan.wfd)
    finally:
        result.close()


def _handle_reset(cfg: _Config, chan: _Channel, rid: Any) -> None:
    """End this worker so that its parent forks a fresh one (see :func:`main`), or refuse."""
    _reap_zombies()
    if cfg.sweep != "none" and not _looks_clean(cfg) and _scan(cfg, -1):
        chan.write({"op": "error", "id": rid, "reason": "not_clean",
                    "detail": "processes of an earlier run are alive"})
        return
    chan.write({"op": "resetting", "id": rid})
    # Everything this worker staged, returned or allocated goes with its address space; the
    # parent never held any of it. No Python clean-up: nothing here needs flushing.
    os._exit(_RESET_EXIT)


def _nproc_rule(nproc: int, scope: str, cgroup: _Cgroup) -> int | None:
    """The RLIMIT_NPROC each child gets, or None for none.

    ``RLIMIT_NPROC`` counts every task of the child's real UID on the whole host, not in this
    sandbox: with every container running samples as the same UID and no user namespace, a
    sample holding threads in one sandbox would make thread creation fail in another. With
    ``scope == "cgroup"`` (the docker backend) the container's pids cgroup bounds the tasks of
    this sandbox alone, so the rlimit is left unset when that cgroup has a finite limit; the
    child filter forbids new processes either way. Without such a limit, ``nproc`` applies.
    """
    if scope not in ("uid", "cgroup"):
        raise SystemExit(f"--nproc-scope must be uid or cgroup, not {scope!r}")
    if scope == "cgroup" and cgroup.tasks_limit() is not None:
        return None
    return nproc


def _parse_args(argv: list[str]) -> dict[str, str]:
    opts: dict[str, str] = {}
    it = iter(argv)
    for arg in it:
        if not arg.startswith("--"):
            raise SystemExit(f"unexpected argument {arg!r}")
        opts[arg[2:]] = next(it, "")
    return opts


def _connect(path: str) -> int:
    """Connect to the host's listening socket ``path``; return the connected descriptor.

    The host accepts exactly one connection (this one) and removes the socket before it sends
    any request, so no sample can ever reach it.
    """
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock.detach()


def _worker(opts: dict[str, str], sample_uid: int | None, wire: types.ModuleType,
            childfilter: types.ModuleType, preloaded: list[str], root_pid: int,
            chan_fds: tuple[int, int], immortal: _Immortal | None) -> int:
    """One worker's life: greet, serve requests until the channel closes or a ``reset``."""
    libc = ctypes.CDLL(None, use_errno=True)
    # Die with the parent: a worker must never outlive the sandbox's main process.
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != root_pid:
        return 1
    cgroup = probe_cgroup() if opts.get("cgroup", "auto") == "auto" else _Cgroup(None, None, None)
    cache = int(opts.get("cache-bytes") or (64 << 20))
    use_filter = opts.get("child-filter", "on") == "on" and childfilter.supported()
    cfg = _Config(
        sample_uid=sample_uid,
        sample_gid=int(opts.get("sample-gid") or (sample_uid or 0)),
        sweep=opts.get("sweep", "uid" if sample_uid is not None else "session"),
        cgroup=cgroup,
        wire=wire,
        childfilter=childfilter if use_filter else None,
        libc=libc,
        supervisor_pid=os.getpid(),
        nproc=_nproc_rule(int(opts.get("nproc") or 256), opts.get("nproc-scope", "uid"),
                          cgroup),
        immortal=immortal,
        immortal_bytes=cache,
    )
    chan = _Channel(*chan_fds)
    programs, payloads = _LRU(cache // 8), _LRU(cache)
    if immortal is not None:
        # What this worker made for itself, which every child of it would otherwise copy.
        immortal.heap()
    chan.write({
        "op": "hello",
        "version": PROTOCOL_VERSION,
        "pid": os.getpid(),
        "root_pid": root_pid,
        "uid": os.geteuid(),
        "sample_uid": sample_uid,
        "cgroup": cgroup.version,
        "child_filter": cfg.childfilter is not None,
        "python": sys.version.split()[0],
        "hash_seed": os.environ.get("PYTHONHASHSEED"),
        "cpus": sorted(os.sched_getaffinity(0)),
        "subreaper": cfg.children_fd is not None,
        "prefault": cfg.populate is not None,
        "immortal": immortal is not None,
        "preloaded": preloaded,
        "channel": "unix" if chan_fds != (0, 1) else "stdio",
        "bytecode": __file__.endswith(".pyc"),
        "nproc": cfg.nproc,
        "tasks_limit": cgroup.tasks_limit(),
    })
    try:
        _serve(cfg, chan, programs, payloads)
    except (FrameError, json.JSONDecodeError) as exc:
        sys.stderr.write(f"codeeff supervisor: protocol error: {exc}\n")
        return 2
    except BrokenPipeError:
        return 0
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the supervisor on stdin/stdout (or a host socket) until that channel closes.

    The process started here is the sandbox's **root**: it loads the harness and imports
    :data:`PRELOAD`, then never reads a request, stages anything or runs a program. It forks a
    **worker** that greets with ``hello`` and serves the control channel (inherited stdin and
    stdout); every child is forked from that worker. A ``reset`` ends the worker and the root
    forks a fresh one from its own untouched memory: nothing any earlier program or payload put
    in memory survives, as with a new process image, for a fork instead of an interpreter start
    (measured by benchmarks/bench_sandbox.py).

    With ``--channel PATH`` the root connects to the host's unix socket at ``PATH`` (bind-mounted
    into the container) and every worker serves that connection instead of stdin/stdout: the
    frames then go straight to the host, not through dockerd and containerd-shim (measured:
    ~0.4 ms of machine CPU per execution less). A failed connect exits with status 3.

    Options: ``--sample-uid N`` (drop children to this UID; required when running as root),
    ``--sample-gid N``, ``--sweep uid|session|none``, ``--cgroup auto|off``,
    ``--cache-bytes N`` (payload LRU budget), ``--nproc N`` (RLIMIT_NPROC of each child) and
    ``--nproc-scope uid|cgroup`` (see :func:`_nproc_rule`), ``--preload on|off`` (import
    :data:`PRELOAD` before serving), ``--cpus 0,1`` (pin before any worker is forked),
    ``--immortal on|off`` (mark the inherited heap and staged payloads immortal where the
    interpreter allows it, see :class:`_Immortal`) and ``--channel PATH``.
    """
    opts = _parse_args(sys.argv[1:] if argv is None else argv)
    # Keep our own folder off sys.path: children must not import the harness's files.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    if opts.get("cpus"):
        os.sched_setaffinity(0, {int(c) for c in opts["cpus"].split(",")})
    wire = _load_sibling("wire")
    childfilter = _load_sibling("childfilter")
    preloaded = []
    if opts.get("preload", "on") == "on":
        for name in PRELOAD:
            try:
                __import__(name)
            except ImportError:  # a trimmed base image: that module is then charged
                continue
            preloaded.append(name)
    sample_uid = int(opts["sample-uid"]) if opts.get("sample-uid") else None
    if os.geteuid() == 0 and sample_uid is None:
        raise SystemExit("refusing to run samples as root: pass --sample-uid")
    if sample_uid is not None and sample_uid in (0, os.geteuid()):
        raise SystemExit("the sample UID must differ from the supervisor's")
    if opts.get("sweep") == "uid" and sample_uid is None:
        raise SystemExit("--sweep uid needs --sample-uid")
    chan_fds = (0, 1)
    if opts.get("channel"):
        try:
            fd = _connect(opts["channel"])
        except OSError as exc:
            sys.stderr.write(f"codeeff supervisor: cannot connect to {opts['channel']}: {exc}\n")
            return _CHANNEL_FAILED
        chan_fds = (fd, fd)
    root_pid = os.getpid()
    # What every worker inherits is made immortal and frozen once: no child writes to it for
    # a reference count, and no collector walks it.
    gc.collect()
    immortal = _Immortal.create() if opts.get("immortal", "on") == "on" else None
    if immortal is not None:
        immortal.heap()
    gc.freeze()
    while True:
        worker = os.fork()
        if worker == 0:
            code = 1
            try:
                code = _worker(opts, sample_uid, wire, childfilter, preloaded, root_pid,
                               chan_fds, immortal)
            except SystemExit as exc:
                if isinstance(exc.code, int):
                    code = exc.code
                elif exc.code is not None:
                    sys.stderr.write(f"{exc.code}\n")
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                os._exit(code)
        _, status = os.waitpid(worker, 0)  # retried on EINTR by Python (PEP 475)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == _RESET_EXIT:
            continue
        return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1


if __name__ == "__main__":
    sys.exit(main())
