"""Independent red-team audit: attacks that ``test_redteam.py`` does not cover yet.

Every program here is hostile. Each case runs against the real ``docker`` backend with small
limits and must be contained, get the right verdict, leave nothing of the sample's UID running
in the container, and leave the sandbox measuring a known function normally.

Holes found by the audit are written as the *secure* behaviour and marked
``xfail(strict=True, reason="HOLE: …")``: they fail today, document the hole, and turn into a
failure (XPASS) the day it is fixed, so the marker must then be removed.

Network: nothing here opens anything but AF_UNIX sockets.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from _sandbox_procs import container_processes
from hostile_programs import MEMORY_SCAN, answer_stealer

from codeeff.measure import RepeatPolicy, measure_case
from codeeff.sandbox import (
    Execution,
    Limits,
    Payload,
    Program,
    Sandbox,
    SandboxConfig,
    Verdict,
    open_sandbox,
)

SMALL = Limits(cpu_s=1.0, wall_s=3.0, memory_mb=128, result_bytes=1 << 20)
CAP = SMALL.result_bytes
SAMPLE_UID = 10001
V = Verdict

# Helpers prepended to probe programs. ``res_fd`` finds the result pipe the way an attacker
# without any knowledge of the supervisor would: the only writable FIFO among the open
# descriptors.
HELPERS = '''
import ctypes, errno, os, stat, struct, sys, threading, time
_libc = ctypes.CDLL(None, use_errno=True)
def syscall(nr, *args):
    ret = _libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    return "allowed" if ret >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
def outcome(fn, *args):
    try:
        fn(*args)
        return "allowed"
    except BaseException as exc:
        return type(exc).__name__
def res_fd():
    import fcntl
    for fd in range(3, 256):
        try:
            if (stat.S_ISFIFO(os.fstat(fd).st_mode)
                    and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY):
                return fd
        except OSError:
            pass
    raise RuntimeError("no result pipe")
def frame(body, tag=b"R"):
    return tag + struct.pack(">Q", len(body)) + body
def burn(n):
    x = 0
    for i in range(n):
        x += i
    return x
'''


@dataclass(frozen=True)
class Attack:
    """One hostile program and what must come back."""

    name: str
    source: str
    verdicts: frozenset[Verdict]
    error: str | frozenset[str] | None = None
    check: Callable[[Execution], Any] | None = None
    args: tuple[Any, ...] = ()
    limits: Limits = SMALL
    repeat: int = 1


def _value(expected: Any) -> Callable[[Execution], None]:
    def check(exe: Execution) -> None:
        assert exe.value == expected, exe

    return check


def _value_if_ok(expected: Any) -> Callable[[Execution], None]:
    def check(exe: Execution) -> None:
        assert exe.verdict is not V.OK or exe.value == expected, exe

    return check


def _all_denied(exe: Execution) -> None:
    assert isinstance(exe.value, dict), exe
    allowed = {k: v for k, v in exe.value.items() if v == "allowed"}
    assert not allowed, f"allowed: {allowed}"


def _charged(seconds: float, value: Any) -> Callable[[Execution], None]:
    def check(exe: Execution) -> None:
        assert exe.value == value, exe
        assert exe.cpu_s >= seconds, f"only {exe.cpu_s:.4f} s of CPU charged: {exe}"

    return check


def _plain_error_name(exe: Execution) -> None:
    # The name the sample chose is cut down to identifier characters, never passed through.
    assert exe.error is not None and len(exe.error) <= 100, exe
    assert all(c.isascii() and (c.isalnum() or c in "_.") for c in exe.error), exe


def _only_own_descriptors(exe: Execution) -> None:
    fds = {int(k): v for k, v in exe.value.items()}
    assert {0, 1, 2} <= set(fds), fds
    assert all(fds[fd] == "/dev/null" for fd in (0, 1, 2)), fds
    extra = {fd: link for fd, link in fds.items() if fd > 2}
    # Exactly one more: the result pipe (GO may stay open too, but never a socket or a file).
    assert 1 <= len(extra) <= 2 and all(link.startswith("pipe:") for link in extra.values()), fds


# A spinning child hits the CPU limit first, unless the shared core is so busy that the wall
# limit (3x) comes first; either way it was killed from outside.
_CPU_OR_WALL = frozenset({"cpu", "wall"})

# Work that takes a clearly measurable amount of CPU (about 50 to 100 ms here).
_BURN = 3_000_000
_BURN_S = 0.02  # a floor far below what _BURN costs, so load on the shared core cannot fail it

ATTACKS = [
    # ---- raw process creation and exec, through ctypes: the child filter, not just glibc ----
    Attack("raw fork, vfork, clone and clone3 syscalls; exec of a memfd",
           HELPERS + "def f():\n    mfd = os.memfd_create('x')\n"
           "    os.write(mfd, b'#!/bin/sh\\nexit 0\\n')\n"
           "    empty = ctypes.cast(ctypes.c_char_p(b''), ctypes.c_void_p).value\n"
           "    return {\n"
           "        'fork': syscall(57), 'vfork': syscall(58),\n"
           "        'clone_process': syscall(56, 17, 0, 0, 0, 0),\n"
           "        'clone_vm_no_thread': syscall(56, 0x100 | 17, 0, 0, 0, 0),\n"
           "        'clone_parent': syscall(56, 0x8000 | 17, 0, 0, 0, 0),\n"
           "        'clone3': syscall(435, 0, 0),\n"
           "        'execveat_memfd': syscall(322, mfd, empty, 0, 0, 0x1000),\n"
           "        'fexecve_memfd': outcome(os.execve, mfd, ['x'], {}),\n"
           "        'execve_proc_fd': outcome(os.execv, f'/proc/self/fd/{mfd}', ['x']),\n"
           "    }\n",
           frozenset({V.OK}), check=_all_denied),
    # ---- other syscall ABIs: the arch check of the filter kills the process ----
    Attack("x32 ABI syscall", HELPERS + "def f():\n    return syscall(0x40000000 + 39)\n",
           frozenset({V.CRASHED}), error="SIGSYS"),
    Attack("i386 int 0x80 from mmap'd shellcode",
           HELPERS + "import mmap\ndef f():\n"
           "    code = bytes([0xB8, 20, 0, 0, 0, 0xCD, 0x80, 0xC3])  # getpid; int 0x80; ret\n"
           "    m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)\n"
           "    m.write(code)\n"
           "    addr = ctypes.addressof(ctypes.c_char.from_buffer(m))\n"
           "    return ctypes.CFUNCTYPE(ctypes.c_int)(addr)()\n",
           # SIGSEGV instead of SIGSYS only where the kernel has no ia32 emulation at all.
           frozenset({V.CRASHED}), error=frozenset({"SIGSYS", "SIGSEGV"})),
    # ---- scheduling, limits and credentials: nothing to move off the core or raise ----
    Attack("affinity, priority, scheduler, rlimits, oom score and credentials",
           HELPERS + "import resource\ndef f():\n    mine = os.sched_getaffinity(0)\n"
           "    others = set(range(os.cpu_count() or 1)) - mine\n"
           "    pp = os.getppid()\n    inf = resource.RLIM_INFINITY\n"
           "    out = {\n"
           "        'other_cores': outcome(os.sched_setaffinity, 0, others or {10**6}),\n"
           "        'nice_up': outcome(os.nice, -1),\n"
           "        'sched_fifo': outcome(os.sched_setscheduler, 0, os.SCHED_FIFO,"
           " os.sched_param(1)),\n"
           "        'sched_rr': outcome(os.sched_setscheduler, 0, os.SCHED_RR,"
           " os.sched_param(1)),\n"
           "        'raise_cpu': outcome(resource.setrlimit, resource.RLIMIT_CPU, (inf, inf)),\n"
           "        'raise_as': outcome(resource.setrlimit, resource.RLIMIT_AS, (inf, inf)),\n"
           "        'raise_nproc': outcome(resource.setrlimit, resource.RLIMIT_NPROC,"
           " (inf, inf)),\n"
           "        'raise_nofile': outcome(resource.setrlimit, resource.RLIMIT_NOFILE,"
           " (1 << 20, 1 << 20)),\n"
           "        'prlimit_parent': outcome(resource.prlimit, pp, resource.RLIMIT_CPU,"
           " (1, 1)),\n"
           "        'setpriority_parent': outcome(os.setpriority, os.PRIO_PROCESS, pp, 19),\n"
           "        'affinity_parent': outcome(os.sched_setaffinity, pp, mine),\n"
           "        'oom_score_lower': outcome(lambda: open('/proc/self/oom_score_adj', 'w')"
           ".write('-1000')),\n"
           "        'setuid_root': outcome(os.setuid, 0),\n"
           "        'setgid_root': outcome(os.setgid, 0),\n"
           "        'setsid': outcome(os.setsid),\n"
           "        'setpgid': outcome(os.setpgid, 0, 0),\n"
           "    }\n"
           "    assert os.sched_getaffinity(0) == mine\n"
           "    return out\n",
           frozenset({V.OK}), check=_all_denied),
    Attack("huge MAP_NORESERVE mappings (overcommit without touching)",
           HELPERS + "import mmap\ndef f():\n    out = {}\n    for gib in (1, 16, 256):\n"
           "        def go(gib=gib):\n"
           "            mmap.mmap(-1, gib << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS"
           " | 0x4000).close()\n"
           "        out[f'{gib} GiB'] = outcome(go)\n    return out\n",
           frozenset({V.OK}), check=_all_denied),
    # ---- the control channel and the daemon's stream, by descriptor and through /proc ----
    Attack("inventory of inherited descriptors 0..255",
           "import os\ndef f():\n    out = {}\n    for fd in range(256):\n        try:\n"
           "            os.fstat(fd)\n        except OSError:\n            continue\n"
           "        out[str(fd)] = os.readlink(f'/proc/self/fd/{fd}')\n    return out\n",
           frozenset({V.OK}), check=_only_own_descriptors),
    Attack("write to the supervisor's and init's stdio and memory through /proc",
           HELPERS + "def write(p):\n    fd = os.open(p, os.O_WRONLY)\n"
           "    try:\n        os.write(fd, b'\\x00\\x00\\x00\\x02\\x00\\x00\\x00\\x00{}')\n"
           "    finally:\n        os.close(fd)\n"
           "def f():\n    pp = os.getppid()\n"
           "    paths = [f'/proc/{pp}/fd/0', f'/proc/{pp}/fd/1', f'/proc/{pp}/fd/2',\n"
           "             '/proc/1/fd/0', '/proc/1/fd/1', '/proc/1/fd/2', f'/proc/{pp}/mem',\n"
           "             '/proc/1/mem', f'/proc/{pp}/oom_score_adj', '/proc/sysrq-trigger',\n"
           "             '/proc/sys/kernel/core_pattern', '/sys/fs/cgroup/cpuset/cpuset.cpus']\n"
           "    return {p: outcome(write, p) for p in paths}\n",
           frozenset({V.OK}), check=_all_denied),
    # ---- state between runs: sockets and memfds die with the child ----
    Attack("abstract unix socket kept between runs",
           "import socket\ndef f():\n    name = '\\0codeeff-audit-persist'\n"
           "    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n    try:\n"
           "        c.connect(name)\n        return 'seen'\n    except OSError:\n        pass\n"
           "    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n    s.bind(name)\n"
           "    s.listen()\n    return 'fresh'\n",
           frozenset({V.OK}), check=_value("fresh"), repeat=2),
    # ---- timing: whatever is done before the result is complete is charged ----
    Attack("work, then the result frame from a thread, then more work and _exit(0)",
           HELPERS + f"def f():\n    fd = res_fd()\n    burn({_BURN})\n"
           "    t = threading.Thread(target=lambda: os.write(fd, frame(b'42')))\n"
           f"    t.start()\n    t.join()\n    burn({_BURN})\n    os._exit(0)\n",
           frozenset({V.OK}), check=_charged(_BURN_S, 42)),
    Attack("main thread exits alone (SYS_exit); a worker computes, writes and exit_groups",
           HELPERS + "def f():\n    fd = res_fd()\n    def work():\n        time.sleep(0.05)\n"
           f"        burn({_BURN})\n        os.write(fd, frame(b'7'))\n        os._exit(0)\n"
           "    threading.Thread(target=work).start()\n    _libc.syscall(60, 0)\n",
           frozenset({V.OK}), check=_charged(_BURN_S, 7)),
    Attack("main thread exits alone; a worker sleeps forever",
           HELPERS + "def f():\n    threading.Thread(target=time.sleep, args=(1000,)).start()\n"
           "    _libc.syscall(60, 0)\n",
           frozenset({V.TIMEOUT}), error="wall"),
    Attack("result frame from a thread, then spin forever without exiting",
           HELPERS + "def f():\n    fd = res_fd()\n"
           "    threading.Thread(target=lambda: os.write(fd, frame(b'1'))).start()\n"
           "    while True:\n        pass\n",
           frozenset({V.TIMEOUT}), error=_CPU_OR_WALL),
    Attack("SIGSTOP itself", "import os, signal\ndef f():\n"
           "    os.kill(os.getpid(), signal.SIGSTOP)\n    return 1\n",
           frozenset({V.TIMEOUT}), error="wall"),
    Attack("setitimer storm of signals, then a normal return",
           "import signal\nsignal.signal(signal.SIGPROF, lambda *a: None)\n"
           "signal.signal(signal.SIGALRM, lambda *a: None)\n"
           "signal.setitimer(signal.ITIMER_PROF, 1e-5, 1e-5)\n"
           "signal.setitimer(signal.ITIMER_REAL, 1e-5, 1e-5)\n"
           "def f():\n    x = 0\n    for i in range(300_000):\n        x += i\n    return x\n",
           # A signal every 10 us is close to a livelock: handling the storm cost 0.2 s to over
           # 5 s of CPU on the loaded shared core (measured), so the run may end at the limit;
           # what matters is that it is contained and, when it returns, returns the answer.
           frozenset({V.OK, V.TIMEOUT}), check=_value_if_ok(sum(range(300_000))),
           limits=Limits(cpu_s=5.0, wall_s=15.0, memory_mb=128, result_bytes=1 << 20)),
    Attack("atexit handlers and finalizers never run (no work after the result)",
           "import atexit, sys, time\natexit.register(time.sleep, 60)\n"
           "sys.excepthook = lambda *a: time.sleep(60)\n"
           "class Slow:\n    def __del__(self):\n        time.sleep(60)\n"
           "keep = [Slow()]\n"
           "def f():\n    return [1, 2, 3]\n",
           frozenset({V.OK}), check=_value([1, 2, 3])),
    Attack("gc disabled and frozen (a legitimate optimisation: measured normally)",
           "import gc\ngc.disable()\ngc.freeze()\n"
           "def f():\n    return len([[i] for i in range(100_000)])\n",
           frozenset({V.OK}), check=_value(100_000)),
    # ---- the result channel ----
    Attack("result exactly at the cap", f"def f():\n    return 'a' * {CAP - 2}\n",
           frozenset({V.OK}), check=_value("a" * (CAP - 2))),
    Attack("result one byte over the cap", f"def f():\n    return 'a' * {CAP - 1}\n",
           frozenset({V.OUTPUT_LIMIT})),
    Attack("raw flood on the result pipe",
           HELPERS + "def f():\n    fd = res_fd()\n"
           "    os.write(fd, b'R' + struct.pack('>Q', 1 << 40))\n"
           "    chunk = b'x' * 65536\n    while True:\n        os.write(fd, chunk)\n",
           frozenset({V.OUTPUT_LIMIT})),
    Attack("frame declaring more bytes than it has, then _exit(0)",
           HELPERS + "def f():\n"
           "    os.write(res_fd(), b'R' + struct.pack('>Q', (1 << 64) - 1) + b'123')\n"
           "    os._exit(0)\n",
           frozenset({V.SUSPICIOUS})),
    Attack("forged error frame then _exit(0)",
           HELPERS + "def f():\n"
           "    os.write(res_fd(), frame(b'Segfault\\n\\x00\\xff' * 100, b'E'))\n"
           "    os._exit(0)\n",
           frozenset({V.RUNTIME_ERROR}), check=_plain_error_name),
    Attack("self-referencing list", "def f():\n    x = []\n    x.append(x)\n    return x\n",
           frozenset({V.RUNTIME_ERROR}), error="UnencodableResult"),
    Attack("generator as result", "def f():\n    return (i for i in range(3))\n",
           frozenset({V.RUNTIME_ERROR}), error="UnencodableResult"),
    Attack("subclasses whose conversion dunders loop forever are encoded without them",
           "class I(int):\n    def __index__(self):\n        while True: pass\n"
           "    def __int__(self):\n        while True: pass\n"
           "class S(str):\n    def __str__(self):\n        while True: pass\n"
           "class F(float):\n    def __float__(self):\n        while True: pass\n"
           "class L(list):\n    def __iter__(self):\n        while True: pass\n"
           "def f():\n    return [I(5), S('s'), F(1.5), L([1])]\n",
           frozenset({V.OK}), check=_value([5, "s", 1.5, [1]])),
    Attack("dict subclass whose keys hash forever: encoding is charged and limited",
           "class K:\n    slow = False\n    def __hash__(self):\n"
           "        while K.slow:\n            pass\n        return 1\n"
           "class D(dict):\n    pass\n"
           "def f():\n    d = D()\n    d[K()] = 1\n    K.slow = True\n    return d\n",
           frozenset({V.TIMEOUT}), error=_CPU_OR_WALL),
]


def _assert_attack(attack: Attack, executions: list[Execution]) -> None:
    for exe in executions:
        assert exe.verdict in attack.verdicts, f"{attack.name}: {exe}"
        if isinstance(attack.error, str):
            assert exe.error == attack.error, f"{attack.name}: {exe}"
        elif attack.error is not None:
            assert exe.error in attack.error, f"{attack.name}: {exe}"
        if attack.check is not None:
            attack.check(exe)
        # Limits were enforced from outside: nothing ran much past them.
        assert exe.cpu_s <= attack.limits.cpu_s + 0.5, exe
        assert exe.wall_s <= attack.limits.effective_wall_s + 1.0, exe


def _assert_clean_and_normal(sandbox: Sandbox, baseline: float,
                             measure: Callable[..., float]) -> None:
    container_id = getattr(sandbox, "container_id", None)
    if container_id is not None:
        left = [p for p in container_processes(container_id) if p[1] == SAMPLE_UID]
        assert not left, left
    after = measure(sandbox, reps=3)
    # Generous on purpose (the machine is shared): this catches a broken or slowed sandbox.
    assert after <= 2.0 * baseline + 0.005, f"known function now {after:.4f} s, was {baseline:.4f}"


@pytest.mark.docker
@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_is_contained(docker_sandbox: Sandbox, docker_baseline: float,
                             measure_known: Callable[..., float], attack: Attack) -> None:
    program = Program(attack.source, "f")
    payload = Payload.from_args(list(attack.args))
    executions = [docker_sandbox.run(program, payload, attack.limits)
                  for _ in range(attack.repeat)]
    _assert_attack(attack, executions)
    _assert_clean_and_normal(docker_sandbox, docker_baseline, measure_known)


# ---------------------------------------------------------------------------------------------
# Reading the answers: what the child inherits from the supervisor through fork
# ---------------------------------------------------------------------------------------------


@pytest.fixture()
def fresh_docker(docker_image: str) -> Iterator[Sandbox]:
    """A sandbox of its own, for attacks whose outcome depends on what ran before."""
    with open_sandbox(SandboxConfig(backend="docker", image=docker_image, memory_mb=512)) as sb:
        yield sb


def _needle() -> tuple[bytes, list[int]]:
    """A random marker and the way to pass it without its bytes appearing anywhere else."""
    needle = ("QZ" + secrets.token_hex(12)).encode()
    return needle, [c ^ 1 for c in needle]


# Walks the interpreter frames the child inherited from the supervisor (fork copies the
# supervisor's whole stack and heap) and reports whether a string or bytes object holding the
# marker is reachable from any of their local variables, five objects deep.
_FRAME_PROBE = '''
import sys
def _holds(obj, needle, depth=0):
    if isinstance(obj, (bytes, bytearray)):
        return needle in obj
    if isinstance(obj, str):
        return needle.decode() in obj
    if depth >= 5:
        return False
    if isinstance(obj, dict):
        return any(_holds(v, needle, depth + 1) for v in list(obj.values()))
    if isinstance(obj, (list, tuple)):
        return any(_holds(v, needle, depth + 1) for v in obj)
    slots = getattr(type(obj), "__slots__", ())
    attrs = dict(getattr(obj, "__dict__", {}))
    attrs.update({s: getattr(obj, s, None) for s in slots if isinstance(s, str)})
    return any(_holds(v, needle, depth + 1) for v in attrs.values())
def f(key):
    needle = bytes(k ^ 1 for k in key)
    fr = sys._getframe(1)
    found = []
    while fr is not None:
        for name, value in list(fr.f_locals.items()):
            try:
                if _holds(value, needle):
                    found.append(f"{fr.f_code.co_name}.{name}")
            except Exception:
                pass
        fr = fr.f_back
    return found
'''

# Scans every writable mapping of the child's own address space for the marker, ignoring the
# one bytes object the probe built itself: finds data that no Python reference reaches.
_MEMORY_PROBE = MEMORY_SCAN + '''
def f(key):
    return _memory_hits(bytes(k ^ 1 for k in key))
'''


@pytest.mark.docker
def test_previous_result_is_not_reachable_from_the_next_child(fresh_docker: Sandbox) -> None:
    """Regression: the child inherited the supervisor's stack, where ``_serve``'s local
    ``value`` still held the previous run's encoded result (in the timing loop: the
    reference's answer on the same input)."""
    needle, key = _needle()
    ref = Program("def f(key):\n    return bytes(k ^ 1 for k in key).decode()\n", "f")
    payload = Payload.from_args([key])
    first = fresh_docker.run(ref, payload, SMALL)
    assert first.verdict is V.OK and first.value == needle.decode(), first
    probe = fresh_docker.run(Program(_FRAME_PROBE, "f"), payload, SMALL)
    assert probe.verdict is V.OK, probe
    assert probe.value == [], f"the previous result is reachable from: {probe.value}"


@pytest.mark.docker
def test_staged_reference_source_is_not_reachable_from_a_sample(fresh_docker: Sandbox) -> None:
    """Regression: every staged program (the reference's source included) was reachable from
    the child through ``_serve``'s ``programs`` LRU on the inherited stack; each child now
    drops the other programs before READY."""
    needle, key = _needle()
    ref = Program(f"# {needle.decode()}\ndef f(key):\n    return 0\n", "f")
    payload = Payload.from_args([key])
    assert fresh_docker.run(ref, payload, SMALL).verdict is V.OK
    probe = fresh_docker.run(Program(_FRAME_PROBE, "f"), payload, SMALL)
    assert probe.verdict is V.OK, probe
    assert probe.value == [], f"the reference's source is reachable from: {probe.value}"


@pytest.mark.docker
@pytest.mark.xfail(strict=True, reason="BY DESIGN, NOT A SANDBOX FIX: a program staged in a "
                   "supervisor stays in its heap (freed memory included), which every child "
                   "inherits by fork, so a raw-memory scan finds another program staged in the "
                   "SAME sandbox. Closed in the engine: the reference and each sample always "
                   "run in separate sandboxes (containers), so a sample's container never "
                   "holds the reference. This test stages both in one sandbox on purpose.")
def test_staged_reference_source_is_not_in_a_sample_address_space(fresh_docker: Sandbox) -> None:
    needle, key = _needle()
    ref = Program(f"# {needle.decode()}\ndef f(key):\n    return 0\n", "f")
    payload = Payload.from_args([key])
    assert fresh_docker.run(ref, payload, SMALL).verdict is V.OK
    probe = fresh_docker.run(Program(_MEMORY_PROBE, "f"), payload, SMALL)
    assert probe.verdict is V.OK, probe
    assert probe.value == 0, f"{probe.value} copies of the reference's source in the child"


@pytest.mark.docker
def test_recycle_wipes_a_staged_program_from_memory_in_the_same_container(
        fresh_docker: Sandbox) -> None:
    """``recycle()`` replaces the supervisor's worker with a fresh fork of its root (which never
    held a program): the case above, with a recycle between the
    two programs (what the engine does before every sample), finds nothing, and the
    container is the same one (no new container was needed)."""
    needle, key = _needle()
    ref = Program(f"# {needle.decode()}\ndef f(key):\n    return 0\n", "f")
    payload = Payload.from_args([key])
    assert fresh_docker.run(ref, payload, SMALL).verdict is V.OK
    container = fresh_docker.container_id  # type: ignore[attr-defined]
    fresh_docker.recycle()
    probe = fresh_docker.run(Program(_MEMORY_PROBE, "f"), payload, SMALL)
    assert probe.verdict is V.OK, probe
    assert probe.value == 0, f"{probe.value} copies of the previous program after recycle()"
    assert fresh_docker.container_id == container  # type: ignore[attr-defined]
    assert fresh_docker.resets == 1  # type: ignore[attr-defined]


@pytest.mark.docker
def test_memory_probe_finds_nothing_it_was_not_given(docker_sandbox: Sandbox) -> None:
    """Control for the test above: the scan reports 0 when the marker was never staged."""
    _, key = _needle()
    probe = docker_sandbox.run(Program(_MEMORY_PROBE, "f"), Payload.from_args([key]), SMALL)
    assert probe.verdict is V.OK, probe
    assert probe.value == 0, probe


_RETURN_NEEDLE = Program("def f(key):\n    return bytes(k ^ 1 for k in key).decode()\n", "f")


def _assert_previous_result_not_in_memory(sandbox: Sandbox, result_bytes: int) -> None:
    needle, key = _needle()
    payload = Payload.from_args([key])
    # The marker as a small result, then inside a large one (mmap-sized buffers, big pipes).
    big = Program("def f(key):\n    m = bytes(k ^ 1 for k in key).decode()\n"
                  f"    return ['x' * 1000] * ({result_bytes} // 2000) + [m]\n", "f")
    for prog in (_RETURN_NEEDLE, big):
        first = sandbox.run(prog, payload, SMALL)
        assert first.verdict is V.OK and needle.decode() in str(first.value)[-200:], first
        probe = sandbox.run(Program(_MEMORY_PROBE, "f"), payload, SMALL)
        assert probe.verdict is V.OK, probe
        assert probe.value == 0, f"{probe.value} copies of the previous run's result in the child"


@pytest.mark.docker
def test_previous_result_is_not_in_the_next_child_address_space(fresh_docker: Sandbox) -> None:
    """Regression: the supervisor read each result into its heap, which the next child inherits
    by fork, so a ctypes scan of the child's own memory found the previous run's answer (in
    the timing loop: the reference's, on the same input). Results now go from a private,
    never-inherited mapping to the host and are unmapped."""
    _assert_previous_result_not_in_memory(fresh_docker, SMALL.result_bytes // 2)


def test_process_repetitions_share_a_digest_and_are_decoded_once(
        process_sandbox: Sandbox) -> None:
    prog = Program("def f(n):\n    return [list(range(n)), {'k': (n, 0.5)}]\n", "f")
    payload = Payload.from_args([50])
    hits = process_sandbox.decoded.hits  # type: ignore[attr-defined]
    runs = [process_sandbox.run(prog, payload, SMALL) for _ in range(3)]
    assert all(r.verdict is V.OK for r in runs), runs
    assert runs[0].value == [list(range(50)), {"k": (50, 0.5)}]
    assert len({r.value_digest for r in runs}) == 1 and runs[0].value_digest is not None
    assert process_sandbox.decoded.hits - hits == 2  # type: ignore[attr-defined]


def test_process_previous_result_is_not_in_the_next_child_address_space(
        process_sandbox: Sandbox) -> None:
    """The same for the process backend (same supervisor)."""
    _assert_previous_result_not_in_memory(process_sandbox, SMALL.result_bytes // 2)


# A sample whose own algorithm does four times the reference's work, but which returns the
# previous run's answer when the supervisor's stack still holds it, or else runs the staged
# reference's source. Interleaved with the reference exactly as the engine does.
_CHEAT = answer_stealer("f", "n", """    total = 0
    for _ in range(4):
        total = sum(i * i for i in range(n))
    return total""")
_REFERENCE = "def f(n):\n    return sum(i * i for i in range(n))\n"


@pytest.mark.docker
def test_answer_stealing_sample_is_not_measured_faster(fresh_docker: Sandbox) -> None:
    """Regression: a sample 4x slower than the reference was measured several times faster by
    returning the reference's answer (or running its source) found on the inherited
    supervisor stack. Both programs share one sandbox here on purpose (the engine no longer
    does that): no Python object leads to the other's result or source any more."""
    n = 300_000
    limits = Limits(cpu_s=5.0, memory_mb=128)
    policy = RepeatPolicy(min_reps=6, max_reps=6, baseline_reps=1)  # the engine's defaults
    cm = measure_case(fresh_docker, [Program(_REFERENCE, "f"), Program(_CHEAT, "f")],
                      Payload.from_args([n]), [limits, limits], policy)
    ref, cheat = cm.programs
    expected = sum(i * i for i in range(n))
    assert ref.verdict is V.OK and cheat.verdict is V.OK, cm
    assert ref.value == expected and cheat.value == expected, cm
    # Secure: the cheat can only run its own algorithm, four times the reference's work.
    assert cheat.time_s > ref.time_s, (
        f"cheat {cheat.time_s * 1e3:.2f} ms vs reference {ref.time_s * 1e3:.2f} ms; "
        f"cheat runs (ms): {[round(t * 1e3, 2) for t in cheat.net_s]}")


# ---------------------------------------------------------------------------------------------
# Exhausting the host: a forged result that is cheap to send and quadratic to decode
# ---------------------------------------------------------------------------------------------

_FLOOD = HELPERS + '''
def f(n):
    m = (1 << 61) - 1  # every multiple of the Mersenne prime hashes to 0 in CPython
    body = ('{"$set":[' + ",".join(str(k * m) for k in range(1, n + 1)) + "]}").encode()
    os.write(res_fd(), frame(body))
    os._exit(0)
'''


@pytest.mark.docker
def test_hash_flooded_result_is_refused(fresh_docker: Sandbox) -> None:
    n = 8_000  # about 200 kB: about a second of host CPU today
    t0 = time.perf_counter()
    exe = fresh_docker.run(Program(_FLOOD, "f"), Payload.from_args([n]), SMALL)
    host_s = time.perf_counter() - t0
    assert exe.verdict is not V.OK, (
        f"a hash-flooded set of {n} ints was accepted; the host spent {host_s:.2f} s on it")


# ---------------------------------------------------------------------------------------------
# Signalling other processes through SIGIO ownership (the child filter's "signals only to
# itself" rule)
# ---------------------------------------------------------------------------------------------

_SETOWN = HELPERS + '''
import fcntl
def f():
    r, w = os.pipe()
    a, b = __import__("socket").socketpair()
    return {
        "F_SETOWN_parent": outcome(fcntl.fcntl, r, fcntl.F_SETOWN, os.getppid()),
        "F_SETOWN_init": outcome(fcntl.fcntl, r, fcntl.F_SETOWN, 1),
        "F_SETOWN_EX_parent": outcome(fcntl.fcntl, r, 15, struct.pack("iI", 1, os.getppid())),
        "F_SETSIG_SIGKILL": outcome(fcntl.fcntl, r, 10, 9),
        "FIOSETOWN_parent": outcome(fcntl.ioctl, a, 0x8901, struct.pack("i", os.getppid())),
        "SIOCSPGRP_parent": outcome(fcntl.ioctl, a, 0x8902, struct.pack("i", os.getppid())),
    }
'''

# Ordinary descriptor control must still work under the filter.
_FCNTL_ORDINARY = HELPERS + '''
import fcntl, termios
def f():
    r, w = os.pipe()
    os.write(w, b"abc")
    flags = fcntl.fcntl(r, fcntl.F_GETFL)
    fcntl.fcntl(r, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    ready = struct.unpack("i", fcntl.ioctl(r, termios.FIONREAD, struct.pack("i", 0)))[0]
    return [os.get_blocking(r), ready, fcntl.fcntl(r, fcntl.F_GETOWN)]
'''


@pytest.mark.docker
def test_sigio_ownership_cannot_target_other_processes(docker_sandbox: Sandbox) -> None:
    """Regression: F_SETOWN/F_SETOWN_EX/F_SETSIG and FIOSETOWN/SIOCSPGRP were allowed, so
    SIGIO (as any signal, SIGKILL included) could be aimed at other processes of the
    sample's UID past the "signals only to itself" rule; the child filter now refuses them."""
    exe = docker_sandbox.run(Program(_SETOWN, "f"), Payload.from_args([]), SMALL)
    assert exe.verdict is V.OK, exe
    _all_denied(exe)


def test_process_sigio_ownership_cannot_target_other_processes(
        process_sandbox: Sandbox) -> None:
    """Regression (process backend, where the supervisor and codeeff may share the sample's
    UID): SIGIO ownership set to the supervisor let a sample SIGKILL it."""
    exe = process_sandbox.run(Program(_SETOWN, "f"), Payload.from_args([]), SMALL)
    assert exe.verdict is V.OK, exe
    _all_denied(exe)


def test_process_ordinary_fcntl_and_ioctl_still_work(process_sandbox: Sandbox) -> None:
    """Control for the SIGIO rule: only the owner commands are refused."""
    exe = process_sandbox.run(Program(_FCNTL_ORDINARY, "f"), Payload.from_args([]), SMALL)
    assert exe.verdict is V.OK, exe
    assert exe.value == [False, 3, 0], exe



# ---------------------------------------------------------------------------------------------
# Interference between sandboxes: every container runs its samples as the same host UID
# ---------------------------------------------------------------------------------------------

_THREAD_HOG = '''
import threading, time
threading.stack_size(1 << 16)
def f():
    n = 0
    try:
        while n < 500:
            threading.Thread(target=time.sleep, args=(3.0,), daemon=True).start()
            n += 1
    except BaseException:
        pass
    time.sleep(3.0)
    return n
'''
_THREAD_USER = '''
import threading
def f():
    ts = [threading.Thread(target=sum, args=(range(1000),)) for _ in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return len(ts)
'''


@pytest.mark.docker
def test_threads_in_one_sandbox_do_not_starve_another(docker_image: str) -> None:
    """Regression: RLIMIT_NPROC counts the tasks of UID 10001 host-wide (no user namespace), so
    threads held by a sample in one sandbox made thread creation fail for an honest program in
    another lane; the docker backend now bounds threads with each container's pids cgroup."""
    import threading

    cores = sorted(os.sched_getaffinity(0))
    lim = Limits(cpu_s=2.0, wall_s=5.0, memory_mb=128)
    user = Program(_THREAD_USER, "f")
    none = Payload.from_args([])

    def open_on(core: int) -> Sandbox:
        return open_sandbox(SandboxConfig(backend="docker", image=docker_image,
                                          memory_mb=512, cpus=(core,)))

    with open_on(cores[0]) as hog_box, open_on(cores[-1]) as victim_box:
        assert hog_box.run(Program("def f():\n    return 1\n", "f"), none, lim).value == 1
        assert victim_box.run(user, none, lim).value == 8  # fine while nothing else runs
        held: dict[str, Execution] = {}
        hog = threading.Thread(
            target=lambda: held.setdefault("hog", hog_box.run(Program(_THREAD_HOG, "f"),
                                                               none, lim)))
        hog.start()
        victims: list[Execution] = []
        try:
            # Run the honest program again and again while the hog holds its threads.
            deadline = time.monotonic() + 2.5
            time.sleep(0.5)
            while time.monotonic() < deadline:
                victims.append(victim_box.run(user, none, lim))
        finally:
            hog.join()
        assert held["hog"].verdict is V.OK and held["hog"].value >= 32, held
        # Still bounded: the container's pids limit (64 tasks, init and supervisor included).
        assert held["hog"].value < 64, held
        assert hog_box.info.get("nproc") is None, hog_box.info  # type: ignore[attr-defined]
        assert hog_box.info.get("tasks_limit") == 64, hog_box.info  # type: ignore[attr-defined]
        failed = [v for v in victims if v.verdict is not V.OK or v.value != 8]
        assert victims and not failed, (
            f"{len(failed)} of {len(victims)} runs of an honest program in another sandbox "
            f"failed while the hog held {held['hog'].value} threads: {failed[:1]}")
